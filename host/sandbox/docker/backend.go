package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/moby/moby/client"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// ImageVersion is the version of the runtime image this code expects; images/runtime/VERSION holds
// the same number and `make image` tags the image with it.
const ImageVersion = "1"

// DefaultImage is the image `make image` builds.
const DefaultImage = "dojo-runtime:" + ImageVersion

// BackendName is the name the host's configuration selects this backend by.
const BackendName = "docker"

// Options configure the backend. The zero value is the usual choice.
type Options struct {
	// Image runs the code; default DefaultImage. It needs /usr/bin/tini, sleep and python3.
	Image string
	// User is the numeric "uid:gid" the code runs as. Default: this process's own ids, or, when this
	// process is root, the image's dojo user 10001:10001 (the mounts are then opened to it).
	User string
	// Client talks to the engine; default one from the environment (DOCKER_HOST...) that
	// negotiates the API version down to the engine's (1.40 at the oldest).
	Client *client.Client
}

// Backend makes one container per episode. It is safe for concurrent use.
type Backend struct {
	cli    *client.Client
	owned  bool // cli was made here, so Close closes it
	image  string
	user   string
	uid    int
	gid    int
	hostID string

	sweep sync.Once

	mu       sync.Mutex
	sweepErr error           // from the sweep on first use; Check reports it
	made     map[string]bool // every container this backend created, for Leftovers
}

var _ sandbox.Backend = (*Backend)(nil)

// New returns a docker backend. It does not contact the engine: Check says whether one answers, and
// Start fails with a typed error when none does.
func New(opts Options) (*Backend, error) {
	b := &Backend{cli: opts.Client, image: opts.Image, user: codeUser(opts.User), hostID: processID(),
		made: map[string]bool{}}
	if b.image == "" {
		b.image = DefaultImage
	}
	var err error
	if b.uid, b.gid, err = parseUser(b.user); err != nil {
		return nil, core.Errorf(core.TypeConfig, "docker backend: %w", err)
	}
	if idUID, _, _ := parseUser(idleUser); b.uid == idUID {
		return nil, core.Errorf(core.TypeConfig, "docker backend: the code may not run as uid %d, the init's", idUID)
	}
	if b.cli == nil {
		b.cli, err = client.New(client.FromEnv, client.WithAPIVersionNegotiation())
		if err != nil {
			return nil, core.Errorf(core.TypeConfig, "docker backend: %w", err)
		}
		b.owned = true
	}
	return b, nil
}

// Name returns "docker".
func (b *Backend) Name() string { return BackendName }

// Image returns the image the backend runs.
func (b *Backend) Image() string { return b.image }

// Close releases the engine connection when New made it. Sandboxes still open are left running.
func (b *Backend) Close() error {
	if b.owned {
		return b.cli.Close()
	}
	return nil
}

// Start creates and starts the episode's container; the code runs later, one exec per Exec.
func (b *Backend) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	if err := b.ready(ctx); err != nil {
		return nil, err
	}
	spec, err := b.checkSpec(spec)
	if err != nil {
		return nil, err
	}
	if err := grantAccess(spec.PublicDir, spec.WorkspaceDir, b.uid, b.gid); err != nil {
		return nil, err
	}
	s := newContainerSandbox(b, spec)
	if err := s.create(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ready checks the engine and image once per call and sweeps leftovers once per backend.
func (b *Backend) ready(ctx context.Context) error {
	if _, err := b.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return core.Errorf(core.TypeSandboxInit, "docker: the engine does not answer: %w", err).
			WithCauses("the Docker daemon is not running, or DOCKER_HOST points elsewhere",
				"this user may not use /var/run/docker.sock (join the docker group)")
	}
	if _, err := b.cli.ImageInspect(ctx, b.image); err != nil {
		return core.Errorf(core.TypeSandboxInit, "docker: image %s: %w", b.image, err).
			WithCauses("the runtime image is not built: run `make image`")
	}
	b.sweep.Do(func() {
		_, err := b.Sweep(ctx)
		b.mu.Lock()
		b.sweepErr = err
		b.mu.Unlock()
	})
	return nil
}

// checkSpec fills defaults and refuses what Docker cannot mount.
func (b *Backend) checkSpec(spec sandbox.Spec) (sandbox.Spec, error) {
	spec.Limits = spec.Limits.WithDefaults()
	if spec.Mode == "" {
		spec.Mode = sandbox.ModeFresh
	}
	if spec.Mode != sandbox.ModeFresh && spec.Mode != sandbox.ModeSession {
		return spec, core.Errorf(core.TypeInvalidArgument, "docker: unknown execution mode %q", spec.Mode)
	}
	if spec.Interpreter == "" {
		spec.Interpreter = "python3"
	}
	for _, d := range []*string{&spec.PublicDir, &spec.WorkspaceDir} {
		if *d == "" {
			return spec, core.Errorf(core.TypeInvalidArgument, "docker: the spec needs PublicDir and WorkspaceDir")
		}
		abs, err := filepath.Abs(*d)
		if err == nil {
			abs, err = filepath.EvalSymlinks(abs)
		}
		if err == nil {
			var info os.FileInfo
			if info, err = os.Stat(abs); err == nil && !info.IsDir() {
				err = errors.New("not a directory")
			}
		}
		if err != nil {
			return spec, core.Errorf(core.TypeSandboxInit, "docker: mount %s: %w", *d, err)
		}
		*d = abs
	}
	return spec, nil
}
