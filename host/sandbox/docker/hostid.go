package docker

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/core"
)

// processID names this host process in a way that survives pid reuse: "hostname/pid/start-ticks",
// the start time being field 22 of /proc/<pid>/stat.
func processID() string {
	name, _ := os.Hostname()
	pid := os.Getpid()
	return fmt.Sprintf("%s/%d/%s", name, pid, startTicks(pid))
}

// startTicks is the process's start time in clock ticks since boot, or "" when unknown.
func startTicks(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) may hold spaces and parentheses; fields resume after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19] // field 22 overall
}

// deadOwner reports whether a container labelled with hostID was made by a process of this machine
// that no longer runs. Containers of other machines (a shared daemon) or of live processes are not.
func deadOwner(hostID string) bool {
	parts := strings.Split(hostID, "/")
	if len(parts) != 3 {
		return false
	}
	name, _ := os.Hostname()
	if parts[0] != name {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return false
	}
	ticks := startTicks(pid)
	return ticks == "" || ticks != parts[2]
}

// Sweep removes the sandbox containers that host processes of this machine left behind when they
// died without closing their sandboxes. It returns how many it removed. The backend sweeps once on
// first use; a host may call it sooner.
func (b *Backend) Sweep(ctx context.Context) (int, error) {
	list, err := b.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelSandbox+"=1"),
	})
	if err != nil {
		return 0, core.Errorf(core.TypeSandboxCleanup, "docker: list sandbox containers: %w", err)
	}
	removed := 0
	var failed []string
	for _, c := range list.Items {
		if !deadOwner(c.Labels[LabelHost]) {
			continue
		}
		if _, err := b.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			failed = append(failed, shortID(c.ID)+": "+err.Error())
			continue
		}
		removed++
	}
	if len(failed) > 0 {
		return removed, core.Errorf(core.TypeSandboxCleanup, "docker: remove %d leftover sandbox containers", len(failed)).
			WithDetails("%s", strings.Join(failed, "; "))
	}
	return removed, nil
}

// Leftovers lists the containers this backend made that still exist: after every sandbox is
// closed, none should.
func (b *Backend) Leftovers(ctx context.Context) ([]string, error) {
	list, err := b.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelHost+"="+b.hostID),
	})
	if err != nil {
		return nil, core.Errorf(core.TypeSandboxCleanup, "docker: list sandbox containers: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var left []string
	for _, c := range list.Items {
		if b.made[c.ID] {
			left = append(left, "container "+shortID(c.ID)+" ("+string(c.State)+")")
		}
	}
	return left, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
