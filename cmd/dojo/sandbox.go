package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/sandbox/docker"
	"github.com/mledojo/dojo/host/sandbox/local"
)

func runSandbox(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.stderr, "usage: dojo sandbox check [--json] | dojo sandbox run --data DIR [--sandbox S] [--exec-mode M] [--timeout D] [--memory SIZE] FILE.py [--json]")
		return errUsage
	}
	switch args[0] {
	case "check":
		return sandboxCheck(ctx, a, args[1:])
	case "run":
		return sandboxRun(ctx, a, args[1:])
	}
	fmt.Fprintf(a.stderr, "dojo sandbox: unknown subcommand %q (want check or run)\n", args[0])
	return errUsage
}

// sandboxCheck reports, backend by backend, which isolation features are active here.
func sandboxCheck(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("sandbox check", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	reports := []sandbox.Isolation{local.New(local.Options{}).Check(ctx)}
	if d, err := docker.New(docker.Options{}); err == nil {
		reports = append(reports, d.Check(ctx))
		d.Close()
	} else {
		reports = append(reports, sandbox.Isolation{Backend: docker.BackendName, Features: []sandbox.Feature{{Name: "engine", Detail: err.Error()}}})
	}
	if *asJSON {
		return writeJSON(a, map[string]any{"backends": reports})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t\t\n", r.Backend)
		for _, f := range r.Features {
			state := "no"
			if f.Active {
				state = "yes"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, state, f.Detail)
		}
	}
	return tw.Flush()
}

// sandboxRun runs one script in a sandbox with DIR as the public data, outside any episode.
func sandboxRun(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("sandbox run", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	data := fs.String("data", "", "public data `directory`, shown read-only at /data")
	backend := fs.String("sandbox", "", "local or docker (default: config sandbox.backend)")
	mode := fs.String("exec-mode", "fresh", "fresh or session")
	timeout := fs.Duration("timeout", 0, "wall time limit (default: config sandbox.timeout)")
	memory := fs.String("memory", "", "memory limit, e.g. 2GiB or 512MiB (default: config sandbox.memory_bytes)")
	workspace := fs.String("workspace", "", "workspace `directory` (default: a temporary one, removed afterwards)")
	insecure := fs.Bool("insecure", false, "run the local backend without isolation")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 || *data == "" {
		fmt.Fprintln(a.stderr, "usage: dojo sandbox run --data DIR [--sandbox S] [--exec-mode M] [--timeout D] [--memory SIZE] FILE.py [--json]")
		return errUsage
	}
	if *backend != "" {
		a.flagOverrides["sandbox.backend"] = *backend
	}
	if *insecure {
		a.flagOverrides["sandbox.insecure"] = true
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	code, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return core.Errorf(core.TypeInvalidArgument, "cannot read %s: %w", fs.Arg(0), err)
	}
	limits := sandbox.Limits{Timeout: cfg.Sandbox.Timeout, MemoryBytes: cfg.Sandbox.MemoryBytes}
	if *timeout > 0 {
		limits.Timeout = *timeout
	}
	if *memory != "" {
		if limits.MemoryBytes, err = parseSize(*memory); err != nil {
			return err
		}
	}
	ws := *workspace
	if ws == "" {
		if ws, err = os.MkdirTemp("", "dojo-workspace-"); err != nil {
			return core.Errorf(core.TypeInternal, "workspace: %w", err)
		}
		defer os.RemoveAll(ws)
	}
	b, err := a.sandbox()
	if err != nil {
		return err
	}
	sb, err := b.Start(ctx, sandbox.Spec{PublicDir: *data, WorkspaceDir: ws, Limits: limits, Mode: sandbox.ExecMode(*mode)})
	if err != nil {
		return err
	}
	defer sb.Close(context.WithoutCancel(ctx))
	res, err := sb.Exec(ctx, sandbox.ExecRequest{Code: string(code)})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(a, map[string]any{"result": res, "isolation": sb.Isolation()})
	}
	fmt.Fprint(a.stdout, res.Stdout)
	fmt.Fprint(a.stderr, res.Stderr)
	fmt.Fprintf(a.stderr, "[%s: exit %d, %s, peak %s]\n", res.Outcome, res.ExitCode, res.Duration.Round(time.Millisecond), sizeString(res.PeakBytes))
	if res.Outcome != core.OutcomeOK {
		return errSilent
	}
	return nil
}

// parseSize reads 512MiB, 2GiB, 1G, 1500000 (bytes).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	up := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(up, u.suffix) {
			up, mult = strings.TrimSuffix(up, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(up), 64)
	if err != nil || n <= 0 {
		return 0, core.Errorf(core.TypeInvalidArgument, "invalid size %q", s).WithCauses("write it like 512MiB, 2GiB or a number of bytes")
	}
	return int64(n * float64(mult)), nil
}

func sizeString(n int64) string {
	if n <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
