//go:build !linux

package main

import "syscall"

// isolations is empty: network namespaces are Linux's, and elsewhere the host's sandbox must keep
// the metric offline.
func isolations() []isolation { return nil }

func unisolated() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

func killGroup(int) {}
