//go:build linux

package local

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupLayout is where this process's cgroups are.
type cgroupLayout struct {
	v2 bool
	// base maps a controller (v1) or "" (v2) to the directory new cgroups are made in.
	base map[string]string
	// missing lists controllers that are not available.
	missing []string
}

// detectCgroups reads /proc/self/mountinfo and /proc/self/cgroup. parent, when set, replaces this
// process's own cgroup path (it is relative to each hierarchy's root).
func detectCgroups(parent string) (cgroupLayout, error) {
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return cgroupLayout{}, err
	}
	own, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return cgroupLayout{}, err
	}
	return cgroupLayoutOf(string(mountinfo), string(own), parent, func(dir string) string {
		b, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
		return string(b)
	})
}

// cgroupLayoutOf works out the layout from the text of mountinfo and of /proc/self/cgroup;
// controllers reads a v2 directory's cgroup.controllers.
func cgroupLayoutOf(mountinfo, ownText, parent string, controllers func(dir string) string) (cgroupLayout, error) {
	mounts := parseCgroupMounts(mountinfo)
	own := parseOwnCgroups(ownText)
	rel := func(key string, m cgroupMount) string {
		p := own[key]
		if parent != "" {
			p = parent
		}
		// A mount may show a sub-tree (a cgroup namespace's root): strip that prefix.
		if root := strings.TrimSuffix(m.root, "/"); root != "" && (p == root || strings.HasPrefix(p, root+"/")) {
			p = strings.TrimPrefix(p, root)
		}
		return filepath.Join(m.dir, p)
	}
	var l cgroupLayout
	if _, ok := mounts.v1["memory"]; ok {
		l.base = map[string]string{}
		for _, c := range cgroupControllers {
			m, ok := mounts.v1[c]
			if !ok {
				l.missing = append(l.missing, c)
				continue
			}
			l.base[c] = rel(c, m)
		}
		return l, nil
	}
	if mounts.v2 == nil {
		return cgroupLayout{}, errors.New("no cgroup hierarchy is mounted")
	}
	l.v2 = true
	l.base = map[string]string{"": rel("", *mounts.v2)}
	have := strings.Fields(controllers(l.base[""]))
	for _, c := range cgroupControllers {
		if !contains(have, c) {
			l.missing = append(l.missing, c)
		}
	}
	return l, nil
}

type cgroupMount struct{ dir, root string }

type cgroupMountSet struct {
	v1 map[string]cgroupMount
	v2 *cgroupMount
}

// parseCgroupMounts finds the cgroup mounts in mountinfo's text: v1 hierarchies by controller,
// and the v2 one (preferring /sys/fs/cgroup).
func parseCgroupMounts(mountinfo string) cgroupMountSet {
	set := cgroupMountSet{v1: map[string]cgroupMount{}}
	for _, line := range strings.Split(mountinfo, "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		a, b := strings.Fields(pre), strings.Fields(post)
		if len(a) < 5 || len(b) < 3 {
			continue
		}
		m := cgroupMount{dir: unescapeMountPath(a[4]), root: unescapeMountPath(a[3])}
		switch b[0] {
		case "cgroup2":
			if set.v2 == nil || m.dir == "/sys/fs/cgroup" {
				mm := m
				set.v2 = &mm
			}
		case "cgroup":
			for _, opt := range strings.Split(b[2], ",") {
				if contains(cgroupControllers, opt) {
					if _, seen := set.v1[opt]; !seen {
						set.v1[opt] = m
					}
				}
			}
		}
	}
	return set
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space...).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseOwnCgroups maps each v1 controller, and "" for v2, to the path in /proc/self/cgroup's text.
func parseOwnCgroups(text string) map[string]string {
	own := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			own[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			own[c] = parts[2]
		}
	}
	return own
}
