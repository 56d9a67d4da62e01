//go:build !linux

package local

import (
	"context"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// Backend is the local backend; it needs Linux, so elsewhere it only says so.
type Backend struct{ opts Options }

var _ sandbox.Backend = (*Backend)(nil)

// New returns a backend whose Start fails: namespaces, Landlock and cgroups are Linux's.
func New(opts Options) *Backend { return &Backend{opts: opts} }

// Name returns "local".
func (b *Backend) Name() string { return BackendName }

// Check reports every feature missing.
func (b *Backend) Check(context.Context) sandbox.Isolation {
	iso := sandbox.Isolation{Backend: BackendName, Insecure: true}
	for _, name := range essentialFeatures {
		iso.Features = append(iso.Features, sandbox.Feature{Name: name, Detail: "the local backend needs Linux"})
	}
	return iso
}

// Start fails with a typed error: use the docker backend on this system.
func (b *Backend) Start(context.Context, sandbox.Spec) (sandbox.Sandbox, error) {
	return nil, core.Errorf(core.TypeSandboxInit, "local sandbox: needs Linux").
		WithCauses("use the docker backend (sandbox.backend: docker) on this system")
}

// Leftovers lists nothing: this backend never starts anything here.
func (b *Backend) Leftovers(context.Context) ([]string, error) { return nil, nil }
