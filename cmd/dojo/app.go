package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/config"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/docker"
	"github.com/mledojo/dojo/host/sandbox/local"
)

// app holds what commands share: the configuration and the plugin catalog, each made on first use.
type app struct {
	stdout, stderr io.Writer
	configFile     string
	flagOverrides  map[string]any

	cfg     *config.Config
	log     hclog.Logger
	catalog *catalog.Catalog
}

func (a *app) config() (config.Config, error) {
	if a.cfg != nil {
		return *a.cfg, nil
	}
	cfg, err := config.Load(config.Sources{File: a.configFile, Environ: os.Environ(), Flags: a.flagOverrides})
	if err != nil {
		return config.Config{}, err
	}
	a.cfg = &cfg
	a.log = hclog.New(&hclog.LoggerOptions{
		Name: "dojo", Level: hclog.LevelFromString(cfg.Log.Level), Output: a.stderr,
		JSONFormat: cfg.Log.Format == "json",
	})
	return cfg, nil
}

func (a *app) plugins(ctx context.Context) (*catalog.Catalog, error) {
	if a.catalog != nil {
		return a.catalog, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	// Plugin descriptions are cached per binary identity, so a command does not run every binary.
	cacheDir := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(dir, "dojo")
	}
	c, err := catalog.Open(ctx, catalog.Options{
		Dirs: catalog.SearchDirs(cfg.Plugins.Dirs), Pins: cfg.Plugins.Pins, Logger: a.log,
		StartTimeout: cfg.Plugins.StartTimeout, MaxMessageBytes: cfg.Plugins.MaxMessageBytes, CacheDir: cacheDir,
	})
	if err != nil {
		return nil, err
	}
	a.catalog = c
	return c, nil
}

// close stops every plugin process this run started.
func (a *app) close() {
	if a.catalog != nil {
		a.catalog.Close()
	}
}

// sandbox returns the configured sandbox backend.
func (a *app) sandbox() (sandbox.Backend, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	switch cfg.Sandbox.Backend {
	case "docker":
		return docker.New(docker.Options{Image: cfg.Sandbox.DockerImage})
	default:
		return local.New(local.Options{Insecure: cfg.Sandbox.Insecure}), nil
	}
}

// library is every competition the host can reach: the native ones (the starter pack among them)
// in dir (default DATA_DIR/competitions), then MLE-Dojo's and MLE-bench's prepared layouts under
// DATA_DIR/mledojo and DATA_DIR/mlebench.
func (a *app) library(ctx context.Context, dir string) (*competitions.Library, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = competitions.Dir(cfg.DataDir)
	}
	roots := []competitions.Root{{Loader: competitions.NativeLoader, Dir: dir, Pack: competitions.StarterPack}}
	for _, loader := range []string{"mledojo", "mlebench"} {
		if _, err := cat.TaskLoader(loader); err == nil {
			roots = append(roots, competitions.Root{Loader: loader, Dir: filepath.Join(cfg.DataDir, loader)})
		}
	}
	return competitions.New(cat, roots...), nil
}
