// Package local is the sandbox backend that needs no daemon: each sandbox is this very binary
// re-executed as PID 1 of new user, mount, PID, network, IPC and UTS namespaces, on a minimal
// read-only root it builds and pivots into, with every code process further held by Landlock,
// seccomp, no_new_privs, an unprivileged uid, rlimits and a cgroup. Start with New and
// Backend.Start; reexec.go explains the stages, rootfs.go the filesystem, stage_exec.go the
// per-process restrictions, and docs/sandbox.md the threat model.
package local
