//go:build linux

package main

import (
	"os"
	"syscall"
)

// isolations lists the ways to cut the metric off the network, best first: a fresh network
// namespace (needs CAP_SYS_ADMIN, as root has), then one inside a fresh user namespace (works
// unprivileged where the kernel allows user namespaces). A namespace with only a down loopback
// device reaches nothing.
func isolations() []isolation {
	return []isolation{
		{name: "network namespace", attr: func() *syscall.SysProcAttr {
			return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Cloneflags: syscall.CLONE_NEWNET}
		}},
		{name: "user and network namespace", attr: func() *syscall.SysProcAttr {
			return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL,
				Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
				UidMappings:                []syscall.SysProcIDMap{{ContainerID: os.Getuid(), HostID: os.Getuid(), Size: 1}},
				GidMappings:                []syscall.SysProcIDMap{{ContainerID: os.Getgid(), HostID: os.Getgid(), Size: 1}},
				GidMappingsEnableSetgroups: false}
		}},
	}
}

// unisolated runs the process in its own group, killed with the plugin, with the host's network.
func unisolated() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup ends the process and any children it started.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
