package sandbox

import (
	"maps"
	"math"
	"slices"
	"strconv"
)

// ThreadVars are the variables numerical libraries read to size their thread pools. Environment
// sets them to the CPU limit, so that a 2-CPU sandbox does not start one BLAS thread per host core.
var ThreadVars = []string{
	"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
	"VECLIB_MAXIMUM_THREADS",
}

// Environment is the code's whole environment for spec: a fixed minimal set (PATH, HOME, LANG,
// LC_ALL, PYTHONUNBUFFERED, MPLBACKEND and ThreadVars) overridden by spec.Env. Nothing comes from
// the host's environment.
func Environment(spec Spec) map[string]string {
	lim := spec.Limits.WithDefaults()
	threads := strconv.Itoa(max(1, int(math.Ceil(lim.CPUs))))
	env := map[string]string{
		"PATH":             "/usr/local/bin:/usr/bin:/bin",
		"HOME":             WorkspaceMount,
		"LANG":             "C.UTF-8",
		"LC_ALL":           "C.UTF-8",
		"PYTHONUNBUFFERED": "1",
		"MPLBACKEND":       "Agg",
	}
	for _, v := range ThreadVars {
		env[v] = threads
	}
	maps.Copy(env, spec.Env)
	return env
}

// EnvironList renders env as sorted KEY=VALUE strings, the form execve(2) takes.
func EnvironList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}
