//go:build linux

package local

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Leftovers lists what this backend's closed sandboxes left behind: cgroups that still exist and
// init processes that still run. Mounts need no check: every mount a sandbox makes lives in its
// own mount namespace, which ends with its last process. It implements sandboxtest.LeakChecker.
func (b *Backend) Leftovers(ctx context.Context) ([]string, error) {
	b.mu.Lock()
	cgroups := append([]string{}, b.cgroupDirs...)
	inits := append([]int{}, b.initPIDs...)
	b.mu.Unlock()
	var left []string
	for _, dir := range cgroups {
		if _, err := os.Stat(dir); err == nil {
			left = append(left, "cgroup "+dir)
		}
	}
	for _, pid := range inits {
		if isOurInit(pid) {
			left = append(left, fmt.Sprintf("process %d (%s)", pid, stageArgv0[stageInit]))
		}
	}
	return left, nil
}

// remember records a sandbox's cgroup and init, for Leftovers.
func (b *Backend) remember(cg *cgroup, initPID int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cg != nil {
		for _, d := range cg.dirs {
			if !contains(b.cgroupDirs, d) {
				b.cgroupDirs = append(b.cgroupDirs, d)
			}
		}
	}
	if initPID > 0 {
		b.initPIDs = append(b.initPIDs, initPID)
	}
}

// isOurInit says whether pid is a child of this process running the init stage (a reused pid
// belongs to someone else).
func isOurInit(pid int) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || !strings.HasPrefix(string(cmdline), stageArgv0[stageInit]+"\x00") {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 1 && fields[1] == strconv.Itoa(os.Getpid()) && fields[0] != "Z"
}
