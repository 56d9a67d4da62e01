package main

import (
	"context"
	"io"
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/config"
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
	c, err := catalog.Open(ctx, catalog.Options{
		Dirs: catalog.SearchDirs(cfg.Plugins.Dirs), Pins: cfg.Plugins.Pins, Logger: a.log,
		StartTimeout: cfg.Plugins.StartTimeout, MaxMessageBytes: cfg.Plugins.MaxMessageBytes,
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
