// Package testplugins holds small plugin binaries, one per kind, that the host's tests build and run
// as real processes: they prove the plugin path for kinds before real plugins of that kind exist, and
// misbehave on request (crash, hang, print to stdout) to test the host's recovery.
package testplugins
