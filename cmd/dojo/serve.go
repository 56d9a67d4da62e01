package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/server"
)

// runServe serves the remote environment API (docs/api.md) until SIGINT or SIGTERM, then shuts
// down gracefully.
func runServe(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	addr := fs.String("addr", "", "`host:port` to listen on (default: config server.addr, 127.0.0.1:8470)")
	file := fs.String("config", "", "YAML config `file` (as the global --config)")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo serve [--addr 127.0.0.1:PORT] [--config FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *file != "" {
		a.configFile = *file
	}
	if *addr != "" {
		a.flagOverrides["server.addr"] = *addr
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	tokens, err := server.Tokens(cfg.Server, os.Getenv)
	if err != nil {
		return err
	}
	lib, err := a.library(ctx, "")
	if err != nil {
		return err
	}
	backend, err := a.sandbox()
	if err != nil {
		return err
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{
		Config: cfg.Server, Tokens: tokens, Episode: episodeConfig(cfg), RunsDir: cfg.RunsDir,
		Competitions: lib, Plugins: cat, Sandbox: backend, Logger: a.log, Version: version,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return core.Errorf(core.TypeConfig, "cannot listen on %s: %w", cfg.Server.Addr, err).
			WithCauses("another process holds the port", "set server.addr (or --addr) to a free host:port")
	}
	// The resolved address (a port of 0 becomes a real one) is the first line on stdout.
	fmt.Fprintf(a.stdout, "dojo serve: listening on http://%s\n", ln.Addr())
	return srv.Run(ctx, ln)
}
