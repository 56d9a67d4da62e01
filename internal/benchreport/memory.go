package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procStatusKiB reads one "Field:   1234 kB" line of /proc/PID/status; 0 when the process is gone
// (or a zombie, which has no memory left to report).
func procStatusKiB(pid int, field string) int64 {
	if pid <= 0 {
		return 0
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			v, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return v
		}
	}
	return 0
}

// sampledProc is what a treeSampler saw of one process.
type sampledProc struct {
	pid     int
	parent  int
	cmdline []string
	hwmKiB  int64 // the last VmHWM read: the peak resident set up to that moment
}

// treeSampler polls a process and all its descendants for their peak resident set (VmHWM) until
// stopped. A process's last reading can miss growth in the final interval before it exits, so the
// numbers are lower bounds, close ones at a short interval.
type treeSampler struct {
	root  int
	mu    sync.Mutex
	procs map[int]*sampledProc
	stop  chan struct{}
	done  chan struct{}
}

func sampleTree(root int, every time.Duration) *treeSampler {
	s := &treeSampler{root: root, procs: map[int]*sampledProc{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			s.poll(root, 0)
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *treeSampler) poll(pid, parent int) {
	hwm := procStatusKiB(pid, "VmHWM")
	s.mu.Lock()
	p := s.procs[pid]
	if p == nil {
		p = &sampledProc{pid: pid, parent: parent, cmdline: cmdline(pid)}
		s.procs[pid] = p
	}
	p.hwmKiB = max(p.hwmKiB, hwm)
	s.mu.Unlock()
	for _, child := range children(pid) {
		s.poll(child, pid)
	}
}

// Stop ends sampling and returns every process seen, the root included.
func (s *treeSampler) Stop() map[int]*sampledProc {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.procs
}

// children lists a process's child processes from /proc/PID/task/*/children.
func children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

func cmdline(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil
	}
	return strings.Split(string(bytes.TrimRight(b, "\x00")), "\x00")
}

// dojoTreePeaks splits a sampled `dojo score` run into the host's peak and the plugin server's peak
// (the largest child that is not a `describe` run).
func dojoTreePeaks(procs map[int]*sampledProc) (hostKiB, pluginKiB int64) {
	for _, p := range procs {
		switch {
		case p.parent == 0:
			hostKiB = p.hwmKiB
		case len(p.cmdline) > 1 && p.cmdline[1] == "describe":
		default:
			pluginKiB = max(pluginKiB, p.hwmKiB)
		}
	}
	return hostKiB, pluginKiB
}
