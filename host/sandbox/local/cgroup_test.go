//go:build linux

package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mountinfoV1 = `22 27 0:21 / /proc rw,relatime - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

const ownV1 = `9:name=systemd:/
8:pids:/user.slice
4:memory:/process_api/abc
1:cpu,cpuacct:/
0::/
`

func TestCgroupLayout_V1UsesThisProcesssCgroupPerController(t *testing.T) {
	l, err := cgroupLayoutOf(mountinfoV1, ownV1, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"memory": "/sys/fs/cgroup/memory/process_api/abc", "pids": "/sys/fs/cgroup/pids/user.slice",
		"cpu": "/sys/fs/cgroup/cpu,cpuacct"}
	if l.v2 || len(l.missing) != 0 || len(l.base) != 3 {
		t.Fatalf("%+v", l)
	}
	for k, v := range want {
		if l.base[k] != v {
			t.Errorf("%s: %s, want %s", k, l.base[k], v)
		}
	}
	l, _ = cgroupLayoutOf(mountinfoV1, ownV1, "/dojo", nil)
	if l.base["memory"] != "/sys/fs/cgroup/memory/dojo" || l.base["pids"] != "/sys/fs/cgroup/pids/dojo" {
		t.Errorf("CgroupParent must replace the own path: %+v", l.base)
	}
}

func TestCgroupLayout_V2HonoursANamespaceRootAndMissingControllers(t *testing.T) {
	mountinfo := "30 25 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
	l, err := cgroupLayoutOf(mountinfo, "0::/docker/abc/svc\n", "", func(dir string) string {
		if dir != "/sys/fs/cgroup/svc" {
			t.Errorf("controllers read from %s", dir)
		}
		return "cpuset cpu io memory\n"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !l.v2 || l.base[""] != "/sys/fs/cgroup/svc" || strings.Join(l.missing, ",") != "pids" {
		t.Fatalf("%+v", l)
	}
	if _, err := cgroupLayoutOf("22 27 0:21 / /proc rw - proc proc rw\n", "0::/\n", "", nil); err == nil {
		t.Errorf("no hierarchy must be an error")
	}
}

func TestUnescapeMountPath(t *testing.T) {
	if got := unescapeMountPath(`/mnt/a\040b\011c`); got != "/mnt/a b\tc" {
		t.Errorf("got %q", got)
	}
}

func TestCgroup_LimitsAreWrittenAndTheCgroupRemoved(t *testing.T) {
	l, err := detectCgroups("")
	if err != nil {
		t.Skip(err)
	}
	cg, err := newCgroup(l, 300<<20, 40, 1.5)
	if err != nil {
		t.Skipf("cannot make cgroups here: %v", err)
	}
	read := func(key, file string) string {
		b, err := os.ReadFile(filepath.Join(cg.dirs[key], file))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	if cg.v2 {
		if got := read("", "memory.max"); got != "314572800" {
			t.Errorf("memory.max %s", got)
		}
		if got := read("", "pids.max"); got != "72" {
			t.Errorf("pids.max %s", got)
		}
		if got := read("", "cpu.max"); got != "150000 100000" {
			t.Errorf("cpu.max %s", got)
		}
	} else {
		if got := read("memory", "memory.limit_in_bytes"); got != "314572800" {
			t.Errorf("memory limit %s", got)
		}
		if cg.swapOff {
			if got := read("memory", "memory.memsw.limit_in_bytes"); got != "314572800" {
				t.Errorf("memory+swap limit %s", got)
			}
		}
		if got := read("pids", "pids.max"); got != "72" {
			t.Errorf("pids.max %s", got)
		}
		if _, ok := cg.dirs["cpu"]; ok {
			if got := read("cpu", "cpu.cfs_quota_us"); got != "150000" {
				t.Errorf("cfs quota %s", got)
			}
		}
	}
	dirs := cg.procsFiles()
	if err := cg.remove(); err != nil {
		t.Fatal(err)
	}
	for _, f := range dirs {
		if _, err := os.Stat(filepath.Dir(f)); !os.IsNotExist(err) {
			t.Errorf("%s remains", filepath.Dir(f))
		}
	}
}
