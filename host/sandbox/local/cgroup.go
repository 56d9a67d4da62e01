//go:build linux

package local

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Each sandbox gets one cgroup, made beneath this process's own (so that the limits of whatever
// runs Dojo still bound it) or beneath Options.CgroupParent, and named cgroupPrefix-<host pid>-<n>.
// cgroup v1 (one directory per controller: memory, pids, cpu) and v2 (one directory) are both
// handled; v1 is used whenever a v1 memory hierarchy is mounted.

const cgroupPrefix = "dojo-sandbox-"

// cgroupControllers are the controllers a sandbox's cgroup needs, memory and pids essential.
var cgroupControllers = []string{"memory", "pids", "cpu"}

// cgroup is one sandbox's cgroup.
type cgroup struct {
	v2 bool
	// dirs maps a controller (v1) or "" (v2) to the cgroup's directory.
	dirs map[string]string
	// peak is v2's memory.peak, held open so that a write resets the peak for this descriptor.
	peak *os.File
	// swapOff says whether swap is really excluded (v1 needs swap accounting for that).
	swapOff bool
}

var cgroupSeq atomic.Int64

// pidsSlack is added to Limits.Processes for init's and the exec stage's own threads, which the
// pids controller counts too.
const pidsSlack = 32

// newCgroup makes and configures a cgroup for limits within layout.
func newCgroup(l cgroupLayout, memory int64, processes int, cpus float64) (*cgroup, error) {
	if len(l.missing) > 0 && (contains(l.missing, "memory") || contains(l.missing, "pids")) {
		return nil, fmt.Errorf("cgroup controllers %v are not available", l.missing)
	}
	name := fmt.Sprintf("%s%d-%d", cgroupPrefix, os.Getpid(), cgroupSeq.Add(1))
	cg := &cgroup{v2: l.v2, dirs: map[string]string{}}
	for key, base := range l.base {
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			cg.remove()
			return nil, err
		}
		cg.dirs[key] = dir
	}
	if err := cg.configure(l, memory, processes, cpus); err != nil {
		cg.remove()
		return nil, err
	}
	return cg, nil
}

func (cg *cgroup) configure(l cgroupLayout, memory int64, processes int, cpus float64) error {
	pids := strconv.Itoa(processes + pidsSlack)
	quota := int64(math.Ceil(cpus * 100000))
	if cg.v2 {
		dir := cg.dirs[""]
		// The parent must hand the controllers down; this fails where the parent holds processes
		// of its own (the "no internal processes" rule), hence Options.CgroupParent.
		if err := writeFile(filepath.Join(l.base[""], "cgroup.subtree_control"), "+memory +pids +cpu"); err != nil {
			return fmt.Errorf("enable the memory, pids and cpu controllers in %s: %w", l.base[""], err)
		}
		if err := writeFile(filepath.Join(dir, "memory.max"), strconv.FormatInt(memory, 10)); err != nil {
			return err
		}
		cg.swapOff = writeFile(filepath.Join(dir, "memory.swap.max"), "0") == nil
		if err := writeFile(filepath.Join(dir, "pids.max"), pids); err != nil {
			return err
		}
		if cpus > 0 {
			_ = writeFile(filepath.Join(dir, "cpu.max"), fmt.Sprintf("%d 100000", quota))
		}
		if f, err := os.OpenFile(filepath.Join(dir, "memory.peak"), os.O_RDWR, 0); err == nil {
			cg.peak = f
		}
		return nil
	}
	mem := cg.dirs["memory"]
	if err := writeFile(filepath.Join(mem, "memory.limit_in_bytes"), strconv.FormatInt(memory, 10)); err != nil {
		return err
	}
	// memory+swap equal to memory: no swap. Without swap accounting the file is missing; then
	// swappiness 0 is the best there is.
	if err := writeFile(filepath.Join(mem, "memory.memsw.limit_in_bytes"), strconv.FormatInt(memory, 10)); err == nil {
		cg.swapOff = true
	} else {
		_ = writeFile(filepath.Join(mem, "memory.swappiness"), "0")
	}
	if err := writeFile(filepath.Join(cg.dirs["pids"], "pids.max"), pids); err != nil {
		return err
	}
	if dir, ok := cg.dirs["cpu"]; ok && cpus > 0 {
		if err := writeFile(filepath.Join(dir, "cpu.cfs_period_us"), "100000"); err == nil {
			_ = writeFile(filepath.Join(dir, "cpu.cfs_quota_us"), strconv.FormatInt(quota, 10))
		}
	}
	return nil
}

// addProc moves pid (all its threads) into the cgroup.
func (cg *cgroup) addProc(pid int) error {
	for _, dir := range cg.dirs {
		if err := writeFile(filepath.Join(dir, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// procsFiles lists the cgroup.procs files a process writes itself into to join the cgroup.
func (cg *cgroup) procsFiles() []string {
	var out []string
	for _, dir := range cg.dirs {
		out = append(out, filepath.Join(dir, "cgroup.procs"))
	}
	return out
}

// cgroupCounters are the event counters an execution's outcome is read from.
type cgroupCounters struct {
	oomKills int64 // processes the OOM killer killed in the cgroup
	pidsMax  int64 // forks refused by pids.max
}

func (cg *cgroup) counters() cgroupCounters {
	if cg == nil {
		return cgroupCounters{}
	}
	if cg.v2 {
		dir := cg.dirs[""]
		return cgroupCounters{
			oomKills: keyedValue(filepath.Join(dir, "memory.events"), "oom_kill"),
			pidsMax:  keyedValue(filepath.Join(dir, "pids.events"), "max"),
		}
	}
	return cgroupCounters{
		oomKills: keyedValue(filepath.Join(cg.dirs["memory"], "memory.oom_control"), "oom_kill"),
		pidsMax:  keyedValue(filepath.Join(cg.dirs["pids"], "pids.events"), "max"),
	}
}

// resetPeak starts a new peak memory measurement.
func (cg *cgroup) resetPeak() {
	if cg == nil {
		return
	}
	if cg.v2 {
		if cg.peak != nil {
			_, _ = cg.peak.WriteAt([]byte("reset\n"), 0)
		}
		return
	}
	_ = writeFile(filepath.Join(cg.dirs["memory"], "memory.max_usage_in_bytes"), "0")
}

// peakBytes is the most memory the cgroup used since resetPeak.
func (cg *cgroup) peakBytes() int64 {
	if cg == nil {
		return 0
	}
	if cg.v2 {
		if cg.peak != nil {
			buf := make([]byte, 32)
			if n, _ := cg.peak.ReadAt(buf, 0); n > 0 {
				v, _ := strconv.ParseInt(strings.TrimSpace(string(buf[:n])), 10, 64)
				return v
			}
		}
		return readInt(filepath.Join(cg.dirs[""], "memory.peak"))
	}
	return readInt(filepath.Join(cg.dirs["memory"], "memory.max_usage_in_bytes"))
}

// procs lists the processes in the cgroup.
func (cg *cgroup) procs() []int {
	seen := map[int]bool{}
	var out []int
	for _, dir := range cg.dirs {
		b, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil && !seen[pid] {
				seen[pid] = true
				out = append(out, pid)
			}
		}
	}
	return out
}

// kill sends SIGKILL to every process in the cgroup (v2: cgroup.kill, which no fork escapes).
func (cg *cgroup) kill() {
	if cg.v2 {
		if writeFile(filepath.Join(cg.dirs[""], "cgroup.kill"), "1") == nil {
			return
		}
	}
	for _, pid := range cg.procs() {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
}

// remove kills what is left in the cgroup and removes its directories. It retries for a while:
// a killed process leaves its cgroup a moment after its parent has reaped it.
func (cg *cgroup) remove() error {
	if cg.peak != nil {
		cg.peak.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	var last error
	for key, dir := range cg.dirs {
		for {
			err := unix.Rmdir(dir)
			if err == nil || errors.Is(err, unix.ENOENT) {
				delete(cg.dirs, key)
				break
			}
			last = fmt.Errorf("remove cgroup %s: %w", dir, err)
			if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
				break
			}
			cg.kill()
			time.Sleep(5 * time.Millisecond)
		}
	}
	if len(cg.dirs) == 0 {
		return nil
	}
	return last
}

// sweepStaleCgroups removes the cgroups that sandboxes of dead host processes left beneath the
// layout's bases, and returns how many it removed.
func sweepStaleCgroups(l cgroupLayout) int {
	removed := 0
	for _, base := range l.base {
		entries, err := os.ReadDir(base)
		if err != nil {
			continue
		}
		for _, e := range entries {
			rest, ok := strings.CutPrefix(e.Name(), cgroupPrefix)
			if !ok || !e.IsDir() {
				continue
			}
			pidStr, _, _ := strings.Cut(rest, "-")
			pid, err := strconv.Atoi(pidStr)
			if err != nil || pid == os.Getpid() || unix.Kill(pid, 0) == nil || errors.Is(unix.Kill(pid, 0), unix.EPERM) {
				continue
			}
			stale := &cgroup{v2: l.v2, dirs: map[string]string{"": filepath.Join(base, e.Name())}}
			stale.kill()
			if stale.remove() == nil {
				removed++
			}
		}
	}
	return removed
}

// keyedValue reads "key value" lines and returns key's value, or 0.
func keyedValue(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

func readInt(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

func writeFile(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
