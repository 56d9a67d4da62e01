package local

// BackendName is the name the host's configuration selects this backend by.
const BackendName = "local"

// DefaultInterpreter runs the code when Spec.Interpreter is empty.
const DefaultInterpreter = "/usr/bin/python3"

// DefaultCodeID is the uid and gid the code runs as when Dojo runs as root (nobody).
const DefaultCodeID = 65534

// DefaultReadOnlyPaths are the host's system directories every sandbox sees, read-only.
var DefaultReadOnlyPaths = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// DefaultEtc is the subset of the host's /etc a sandbox sees (globs allowed): what the dynamic
// linker, Python, matplotlib, fontconfig, BLAS (through alternatives) and TLS need. passwd, group,
// hosts, hostname, nsswitch.conf and resolv.conf are made up instead, so no host account or name
// shows.
var DefaultEtc = []string{
	"alternatives", "ca-certificates", "ca-certificates.conf", "debian_version", "fonts", "gai.conf",
	"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "magic", "matplotlibrc", "mime.types",
	"os-release", "protocols", "python3*", "services", "ssl/certs", "ssl/openssl.cnf", "timezone",
}

// Options configure the backend. The zero value is the usual choice.
type Options struct {
	// Insecure runs the code without isolation: no namespaces, no Landlock, no seccomp, on the
	// host's filesystem and network, as this process's user (root, if Dojo runs as root). Only
	// the scrubbed environment, the rlimits, the timeout, the output caps, the workspace quota
	// and (when this process may make them) the cgroup limits remain. The code finds the public
	// data and the workspace through the environment variables DOJO_DATA and DOJO_WORKSPACE (its
	// working directory), not at /data and /workspace. Every Isolation reports Insecure. For
	// machines without the kernel features.
	Insecure bool
	// UID and GID are the ids the code runs as when this process is root (default 65534); the
	// workspace tree is given to them for the sandbox's life. Zero means the default. A host that is
	// not root runs the code as its own ids, mapped to root of the sandbox's user namespace and
	// stripped of every capability.
	UID, GID int
	// ReadOnlyPaths are more host paths shown read-only at the same place, besides
	// DefaultReadOnlyPaths (an interpreter under /opt, say).
	ReadOnlyPaths []string
	// Etc replaces DefaultEtc.
	Etc []string
	// CgroupParent is the cgroup (a path from the hierarchy's root, like "/dojo") beneath which
	// sandboxes' cgroups are made; default this process's own. On cgroup v2 it must be delegated
	// to this process's user with the memory, pids and cpu controllers available, and must hold
	// no process itself.
	CgroupParent string
}
