//go:build linux

package local

// initConfig is what the host tells the sandbox's init to build. The public and workspace
// directories come with it as O_PATH descriptors (in that order) too: init opens the paths in its
// own mount namespace (a mount of another namespace cannot be bound) and checks that they are the
// very directories the host opened.
type initConfig struct {
	PublicDir    string `json:"public_dir"`
	WorkspaceDir string `json:"workspace_dir"`
	// Network keeps the host's network: no network namespace was made.
	Network bool `json:"network"`
	// ReadOnly lists host paths shown read-only at the same place (system directories); a path that
	// is a symbolic link on the host becomes the same link.
	ReadOnly []string `json:"read_only"`
	// Etc lists entries of the host's /etc shown read-only (globs allowed).
	Etc []string `json:"etc"`
	// Files are made up files written into the root, by absolute path (/etc/passwd...).
	Files map[string]string `json:"files"`
	// Devices lists host device nodes bound into /dev besides null, zero, random and urandom.
	Devices []string `json:"devices,omitempty"`
	// TmpBytes and ShmBytes size the /tmp and /dev/shm tmpfs.
	TmpBytes int64 `json:"tmp_bytes"`
	ShmBytes int64 `json:"shm_bytes"`
	// SessionDriver is written to driverPath when set.
	SessionDriver []byte `json:"session_driver,omitempty"`
	// CgroupNS asks init to enter a new cgroup namespace (after the host moved it into its cgroup).
	CgroupNS bool `json:"cgroup_ns"`
}

// Paths inside the sandbox that belong to the backend.
const (
	// internalDir holds the code of fresh executions and the session driver; only init writes it.
	internalDir = "/.dojo"
	codePath    = internalDir + "/main.py"
	driverPath  = internalDir + "/session.py"
	hostname    = "sandbox"
)

// job is one process init starts: the code, an argv request, or the session driver.
type job struct {
	ID int64 `json:"id"`
	// Keep spares the job from the sweeps that follow other jobs (the session driver).
	Keep bool `json:"keep,omitempty"`
	// Stdin, Stdout and Stderr index the files sent with the spawn request; -1 is /dev/null.
	Stdin  int `json:"stdin"`
	Stdout int `json:"stdout"`
	Stderr int `json:"stderr"`
	// Code indexes a memfd holding the Python source, copied to CodePath before the start; -1 none.
	Code     int    `json:"code"`
	CodePath string `json:"code_path,omitempty"`
	Exec     execSpec
}

// execSpec is what the exec stage applies to itself before it execs Argv.
type execSpec struct {
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
	// UID and GID are the code's ids inside the user namespace.
	UID int `json:"uid"`
	GID int `json:"gid"`
	// Rlimits are set before anything else.
	Rlimits []rlimit `json:"rlimits"`
	// OOMScoreAdj makes the code, not init, what the OOM killer picks.
	OOMScoreAdj int `json:"oom_score_adj"`
	// Landlock, when set, restricts the filesystem (best ABI the kernel has).
	Landlock *landlockPolicy `json:"landlock,omitempty"`
	// Seccomp installs the syscall filter.
	Seccomp bool `json:"seccomp"`
	// KeepIDs skips the change of ids and capabilities (insecure mode, not root).
	KeepIDs bool `json:"keep_ids,omitempty"`
	// Cgroups are cgroup.procs files the stage moves itself into first (insecure mode).
	Cgroups []string `json:"cgroups,omitempty"`
}

// rlimit is one setrlimit(2) call.
type rlimit struct {
	Resource int    `json:"resource"`
	Cur      uint64 `json:"cur"`
	Max      uint64 `json:"max"`
}

// landlockPolicy is the filesystem policy: everything beneath ReadOnly may be read and executed,
// everything beneath ReadWrite also written, the Devices files read, written and ioctl'd.
type landlockPolicy struct {
	ReadOnly  []string `json:"read_only"`
	ReadWrite []string `json:"read_write"`
	Devices   []string `json:"devices"`
}
