package docker

import (
	"testing"

	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/sandboxtest"
)

var _ sandboxtest.LeakChecker = (*Backend)(nil)

// TestConformance runs the suite every backend must pass, conformance and adversarial, against
// the real engine.
func TestConformance(t *testing.T) {
	sandboxtest.Run(t, func(t *testing.T) sandbox.Backend { return newBackend(t, Options{}) })
}
