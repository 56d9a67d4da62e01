package sandbox

import (
	"slices"
	"testing"
)

func TestEnvironment_IsTheFixedSetAndTheSpecsVariables(t *testing.T) {
	t.Setenv("DOJO_HOST_SECRET", "x")
	env := Environment(Spec{Limits: Limits{CPUs: 1.5}, Env: map[string]string{"SEED": "7", "LANG": "en_US.UTF-8"}})
	want := map[string]string{
		"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/workspace", "LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8",
		"PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", "SEED": "7",
		"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "NUMEXPR_NUM_THREADS": "2",
		"VECLIB_MAXIMUM_THREADS": "2",
	}
	if len(env) != len(want) {
		t.Errorf("got %d variables, want %d: %v", len(env), len(want), env)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	list := EnvironList(env)
	if !slices.IsSorted(list) || !slices.Contains(list, "SEED=7") {
		t.Errorf("EnvironList: %v", list)
	}
}
