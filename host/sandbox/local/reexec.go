//go:build linux

package local

import (
	"fmt"
	"os"
	"runtime"
)

// The sandbox's own processes are this very binary, re-executed through /proc/self/exe in a stage
// named by stageEnv and marked by argv[0] (both must match, so neither a stray variable nor a
// renamed binary enters a stage by accident). The stages run from this package's init function,
// before main, so they work in bin/dojo and in test binaries alike, and never return.
const (
	stageEnv = "_DOJO_SANDBOX_STAGE"

	// stageInit is the sandbox's PID 1: it builds the root, then spawns and reaps the code.
	stageInit = "init"
	// stageExec applies the per-process restrictions and execs the code's program.
	stageExec = "exec"
	// stageProbe exits at once; Check starts it to learn which namespaces can be made.
	stageProbe = "probe"
)

// stageArgv0 is argv[0] of each stage, the name ps shows.
var stageArgv0 = map[string]string{
	stageInit:  "dojo-sandbox-init",
	stageExec:  "dojo-sandbox-exec",
	stageProbe: "dojo-sandbox-probe",
}

// selfExe is what the host starts a stage from.
const selfExe = "/proc/self/exe"

// stageEnviron is the whole environment of a stage process: nothing of the host's passes.
func stageEnviron(stage string) []string {
	return []string{stageEnv + "=" + stage, "GOMAXPROCS=2", "GOTRACEBACK=single"}
}

func init() {
	stage := os.Getenv(stageEnv)
	if stage == "" || len(os.Args) == 0 || os.Args[0] != stageArgv0[stage] {
		return
	}
	// Every restriction a stage applies to itself (no_new_privs, Landlock, seccomp, credentials)
	// is per thread; the thread that applies them is the one that calls execve.
	runtime.LockOSThread()
	var code int
	switch stage {
	case stageInit:
		code = initMain()
	case stageExec:
		code = execMain()
	case stageProbe:
		code = 0
	default:
		fmt.Fprintf(os.Stderr, "dojo sandbox: unknown stage %q\n", stage)
		code = 2
	}
	os.Exit(code)
}
