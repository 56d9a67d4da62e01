package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/mledojo/dojo/host/eval"
)

// runEval plays an evaluation: every agent of an eval config on every competition with every seed.
func runEval(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	cfgPath := fs.String("config", "", "eval config `file` (eval.yaml; see docs/evaluation.md)")
	out := fs.String("out", "", "run `directory` (default RUNS_DIR/<config name>); an existing one is resumed")
	workers := fs.Int("workers", 0, "episodes run at once (default: the config's workers, else 1)")
	force := fs.Bool("force", false, "go on in a run directory made with a different config")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo eval --config eval.yaml [--out RUN_DIR] [--workers N] [--force] [--json]\n\nRerun the same command to resume an interrupted run; then `dojo report RUN_DIR`.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() > 0 || *cfgPath == "" {
		fs.Usage()
		return errUsage
	}
	ec, err := eval.LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if ec.Sandbox.Backend != "" {
		a.flagOverrides["sandbox.backend"] = ec.Sandbox.Backend
	}
	if ec.Sandbox.Insecure {
		a.flagOverrides["sandbox.insecure"] = true
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		name := ec.Name
		if name == "" {
			name = strings.TrimSuffix(filepath.Base(*cfgPath), filepath.Ext(*cfgPath))
		}
		dir = filepath.Join(cfg.RunsDir, name)
	}
	lib, err := a.library(ctx, ec.DataDir)
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
	versions := eval.Versions{Dojo: version, Go: runtime.Version()}
	for _, b := range cat.Binaries() {
		d := b.Description()
		versions.Plugins = append(versions.Plugins, eval.PluginVersion{Binary: b.Name(), Version: d.PluginVersion, SDK: d.SDKVersion})
	}
	fmt.Fprintf(a.stderr, "evaluation in %s\n", dir)
	sum, err := eval.Run(ctx, eval.Options{
		Config: ec, Dir: dir, Workers: *workers, Force: *force,
		Library: lib, Plugins: cat, Sandbox: backend, Agents: agentKinds,
		Episode: episodeConfig(cfg), Versions: versions, Logger: a.log,
		Progress: a.stderr, TTY: isTerminal(a.stderr),
	})
	if err != nil && sum.Dir == "" {
		return err
	}
	if *asJSON {
		if werr := writeJSON(a, sum); werr != nil {
			return werr
		}
	} else {
		e := sum.Episodes
		fmt.Fprintf(a.stdout, "run           %s\nepisodes      %d: %d done, %d agent errors, %d infrastructure failures, %d unfinished\n",
			sum.Dir, e.Total, e.Done, e.Error, e.InfraError, e.Unfinished)
		fmt.Fprintf(a.stdout, "this run      %d played, %d already finished, in %s\n", sum.Run, sum.Skipped, sum.Wall.Round(1e9))
		if u := sum.Usage; u.Calls > 0 {
			fmt.Fprintf(a.stdout, "model usage   %d calls, %d prompt + %d completion tokens, $%.4f\n", u.Calls, u.PromptTokens, u.CompletionTokens, u.CostUSD)
		}
		fmt.Fprintf(a.stdout, "report        dojo report %s\n", sum.Dir)
	}
	return err
}

// isTerminal reports whether w is a terminal, where progress is redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
