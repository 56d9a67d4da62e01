//go:build linux

package local

import (
	"testing"

	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/sandboxtest"
)

func TestLocalBackendMeetsTheSandboxSpecification(t *testing.T) {
	requireIsolation(t)
	sandboxtest.Run(t, func(t *testing.T) sandbox.Backend { return testBackend(Options{}) })
}
