//go:build linux

package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// setupError is a failure while building the sandbox, naming the isolation feature that failed.
type setupError struct {
	feature string
	err     error
}

func (e *setupError) Error() string { return e.err.Error() }

func failed(feature string, format string, args ...any) error {
	return &setupError{feature: feature, err: fmt.Errorf(format, args...)}
}

// rootMountCandidates are directories the new root's tmpfs may be mounted over, in this private
// mount namespace only; the first that exists is used. The sources are already open as
// descriptors or live elsewhere, so covering the directory hides nothing the sandbox needs.
var rootMountCandidates = []string{"/tmp", "/mnt", "/run", "/var/tmp"}

// baseDevices are the device nodes every sandbox has.
var baseDevices = []string{"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}

// buildRoot makes the sandbox's filesystem in init's new mount namespace and pivots into it:
// a small read-only tmpfs root holding read-only binds of the system directories and a subset of
// /etc, made-up /etc files, a /dev with four devices and a /dev/shm, a fresh /proc of the new PID
// namespace, a size-capped /tmp, the public data read-only at /data and the workspace read-write at
// /workspace. Nothing else of the host is reachable afterwards: the old root is detached.
func buildRoot(cfg *initConfig, hostPublic, hostWorkspace *os.File) error {
	// Nothing mounted here may propagate to the host, nor the host's later mounts in here.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return failed(FeatureMountNS, "make mounts private: %w", err)
	}
	public, err := openSame(cfg.PublicDir, hostPublic)
	if err != nil {
		return failed(FeatureMountNS, "open the public directory: %w", err)
	}
	defer public.Close()
	workspace, err := openSame(cfg.WorkspaceDir, hostWorkspace)
	if err != nil {
		return failed(FeatureMountNS, "open the workspace: %w", err)
	}
	defer workspace.Close()
	root := ""
	for _, c := range rootMountCandidates {
		if fi, err := os.Lstat(c); err == nil && fi.IsDir() {
			root = c
			break
		}
	}
	if root == "" {
		return failed(FeatureMountNS, "no directory to mount the new root on (tried %v)", rootMountCandidates)
	}
	if err := unix.Mount("tmpfs", root, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=16m,nr_inodes=4096"); err != nil {
		return failed(FeatureMountNS, "mount the root tmpfs: %w", err)
	}
	at := func(p string) string { return filepath.Join(root, p) }

	for _, p := range cfg.ReadOnly {
		if err := mirror(p, at(p), true); err != nil {
			return failed(FeatureMountNS, "show %s read-only: %w", p, err)
		}
	}
	if err := os.MkdirAll(at("/etc"), 0o755); err != nil {
		return failed(FeatureMountNS, "make /etc: %w", err)
	}
	for _, pattern := range cfg.Etc {
		matches, _ := filepath.Glob(filepath.Join("/etc", pattern))
		for _, p := range matches {
			if _, made := cfg.Files[p]; made {
				continue
			}
			if err := mirror(p, at(p), false); err != nil {
				return failed(FeatureMountNS, "show %s read-only: %w", p, err)
			}
		}
	}
	for p, content := range cfg.Files {
		if err := os.MkdirAll(filepath.Dir(at(p)), 0o755); err != nil {
			return failed(FeatureMountNS, "make %s: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(at(p), []byte(content), 0o644); err != nil {
			return failed(FeatureMountNS, "write %s: %w", p, err)
		}
	}
	if err := buildDev(at("/dev"), cfg); err != nil {
		return err
	}
	if err := buildProc(at("/proc")); err != nil {
		return err
	}
	if err := bindFD(public, at("/data"), unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC); err != nil {
		return failed(FeatureMountNS, "show the public data at /data: %w", err)
	}
	if err := bindFD(workspace, at("/workspace"), unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV); err != nil {
		return failed(FeatureMountNS, "show the workspace at /workspace: %w", err)
	}
	if err := mountTmpfs(at("/tmp"), cfg.TmpBytes, "1777"); err != nil {
		return failed(FeatureMountNS, "mount /tmp: %w", err)
	}
	if err := mountTmpfs(at(internalDir), 256<<20, "0755"); err != nil {
		return failed(FeatureMountNS, "mount %s: %w", internalDir, err)
	}
	if len(cfg.SessionDriver) > 0 {
		if err := os.WriteFile(at(driverPath), cfg.SessionDriver, 0o644); err != nil {
			return failed(FeatureMountNS, "write the session driver: %w", err)
		}
	}
	// The root itself becomes read-only; /tmp, /dev/shm, /workspace and /.dojo are mounts of their own.
	if err := unix.Mount("", root, "", unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV, ""); err != nil {
		return failed(FeatureMountNS, "make the root read-only: %w", err)
	}
	if err := pivot(root); err != nil {
		return failed(FeaturePivotRoot, "pivot_root: %w", err)
	}
	return nil
}

// openSame opens dir (O_PATH) and checks that it is the directory the host holds open as want.
func openSame(dir string, want *os.File) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	var got, exp unix.Stat_t
	if err := unix.Fstat(fd, &got); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := unix.Fstat(int(want.Fd()), &exp); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if got.Dev != exp.Dev || got.Ino != exp.Ino {
		unix.Close(fd)
		return nil, fmt.Errorf("%s changed since the host opened it", dir)
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// mirror shows the host path src at dst: a symbolic link is copied as a link, a directory or file
// is bind-mounted read-only (with what is mounted beneath it), and a missing path is skipped.
func mirror(src, dst string, recursive bool) error {
	fi, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case fi.IsDir():
		if err := os.Mkdir(dst, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	default:
		if err := touch(dst); err != nil {
			return err
		}
	}
	flags := uintptr(unix.MS_BIND)
	if recursive || fi.IsDir() {
		flags |= unix.MS_REC
	}
	if err := unix.Mount(src, dst, "", flags, ""); err != nil {
		return err
	}
	return setMountAttr(dst, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV)
}

// bindFD bind-mounts the directory open as f at dst (made here) with the given attributes, applied
// to everything mounted beneath it too.
func bindFD(f *os.File, dst string, attrs uint64) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	src := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	return setMountAttr(dst, attrs)
}

// setMountAttr sets attrs on the mount at path and every mount beneath it. Kernels before 5.12
// lack mount_setattr; there only the top mount is remounted.
func setMountAttr(path string, attrs uint64) error {
	err := unix.MountSetattr(unix.AT_FDCWD, path, unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: attrs})
	if !errors.Is(err, unix.ENOSYS) {
		return err
	}
	flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT)
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err == nil {
		// Flags locked by the kernel (inherited from the host's mount) must be kept.
		flags |= uintptr(st.Flags) & (unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
	}
	for bit, ms := range map[uint64]uintptr{unix.MOUNT_ATTR_RDONLY: unix.MS_RDONLY, unix.MOUNT_ATTR_NOSUID: unix.MS_NOSUID,
		unix.MOUNT_ATTR_NODEV: unix.MS_NODEV, unix.MOUNT_ATTR_NOEXEC: unix.MS_NOEXEC} {
		if attrs&bit != 0 {
			flags |= ms
		}
	}
	return unix.Mount("", path, "", flags, "")
}

func mountTmpfs(dst string, size int64, mode string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	opts := fmt.Sprintf("mode=%s,size=%d", mode, max(size, 4096))
	return unix.Mount("tmpfs", dst, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts)
}

func touch(p string) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// buildDev makes /dev: the four harmless devices (and any GPU devices asked for) bound from the
// host, the usual /proc/self/fd links, and a size-capped /dev/shm for POSIX shared memory and
// semaphores (multiprocessing and joblib need them).
func buildDev(dev string, cfg *initConfig) error {
	if err := os.MkdirAll(dev, 0o755); err != nil {
		return failed(FeatureMountNS, "make /dev: %w", err)
	}
	for _, d := range append(append([]string{}, baseDevices...), cfg.Devices...) {
		dst := filepath.Join(dev, strings.TrimPrefix(d, "/dev/"))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return failed(FeatureMountNS, "make %s: %w", d, err)
		}
		if err := touch(dst); err != nil {
			return failed(FeatureMountNS, "make %s: %w", d, err)
		}
		if err := unix.Mount(d, dst, "", unix.MS_BIND, ""); err != nil {
			return failed(FeatureMountNS, "bind %s: %w", d, err)
		}
		if err := setMountAttr(dst, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NOEXEC); err != nil {
			return failed(FeatureMountNS, "restrict %s: %w", d, err)
		}
	}
	links := map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return failed(FeatureMountNS, "link /dev/%s: %w", name, err)
		}
	}
	if err := mountTmpfs(filepath.Join(dev, "shm"), cfg.ShmBytes, "1777"); err != nil {
		return failed(FeatureMountNS, "mount /dev/shm: %w", err)
	}
	return nil
}

// procReadOnly are the parts of /proc through which a process with privileges could change the
// kernel; they are made read-only, as container runtimes do.
var procReadOnly = []string{"sys", "sysrq-trigger", "irq", "bus", "fs"}

// procMasked are files of /proc that describe the host's kernel; /dev/null covers them.
var procMasked = []string{"kcore", "keys", "timer_list", "sched_debug", "kallsyms", "kpagecount", "kpageflags", "kpagecgroup"}

// buildProc mounts a fresh procfs of the sandbox's PID namespace, so that only the sandbox's own
// processes are listed, and with hidepid=2 each process sees only its own user's.
func buildProc(proc string) error {
	if err := os.MkdirAll(proc, 0o555); err != nil {
		return failed(FeatureProc, "make /proc: %w", err)
	}
	if err := unix.Mount("proc", proc, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "hidepid=2"); err != nil {
		return failed(FeatureProc, "mount a fresh /proc: %w", err)
	}
	for _, p := range procReadOnly {
		dst := filepath.Join(proc, p)
		if _, err := os.Lstat(dst); err != nil {
			continue
		}
		if err := unix.Mount(dst, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return failed(FeatureProc, "bind /proc/%s: %w", p, err)
		}
		if err := setMountAttr(dst, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC); err != nil {
			return failed(FeatureProc, "make /proc/%s read-only: %w", p, err)
		}
	}
	for _, p := range procMasked {
		dst := filepath.Join(proc, p)
		if fi, err := os.Lstat(dst); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := unix.Mount("/dev/null", dst, "", unix.MS_BIND, ""); err != nil {
			return failed(FeatureProc, "mask /proc/%s: %w", p, err)
		}
	}
	return nil
}

// pivot makes root the root of this mount namespace and detaches the old one.
func pivot(root string) error {
	if err := unix.Chdir(root); err != nil {
		return err
	}
	// pivot_root(".", ".") stacks the old root on top of the new one; unmounting "." then removes
	// it without needing a directory to put it in.
	if err := unix.PivotRoot(".", "."); err != nil {
		return err
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return err
	}
	return unix.Chdir("/")
}

// loopbackUp brings lo up in the sandbox's network namespace, so that the code may talk to itself
// over 127.0.0.1; the namespace has no other interface and no route out.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
