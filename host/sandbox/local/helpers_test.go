//go:build linux

package local

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/mledojo/dojo/host/sandbox"
)

var (
	checkOnce sync.Once
	checked   sandbox.Isolation
)

// requireIsolation skips a test on a machine where the local backend cannot isolate (no user
// namespaces, no cgroups): there Start fails with a typed error, which
// TestStart_NamesTheMissingFeature covers.
func requireIsolation(t testing.TB) {
	t.Helper()
	checkOnce.Do(func() { checked = testBackend(Options{}).Check(context.Background()) })
	if checked.Insecure {
		t.Skipf("this machine cannot isolate: %+v", checked.Features)
	}
}

// testBackend is New with opts, and with the cgroup parent named by $DOJO_TEST_CGROUP_PARENT when
// set: how these tests run as a user that may not make cgroups beneath its own, in a cgroup
// delegated to it.
func testBackend(opts Options) *Backend {
	if opts.CgroupParent == "" {
		opts.CgroupParent = os.Getenv("DOJO_TEST_CGROUP_PARENT")
	}
	return New(opts)
}
