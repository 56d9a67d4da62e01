package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/pluginapi"
)

func runPlugins(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.stderr, "usage: dojo plugins list [--json] | dojo plugins describe [KIND/]NAME")
		return errUsage
	}
	switch args[0] {
	case "list":
		return pluginsList(ctx, a, args[1:])
	case "describe":
		return pluginsDescribe(ctx, a, args[1:])
	}
	fmt.Fprintf(a.stderr, "dojo plugins: unknown subcommand %q (want list or describe)\n", args[0])
	return errUsage
}

func pluginsList(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("plugins list", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return err
	}
	comps := cat.Components()
	if *asJSON {
		return writeJSON(a, map[string]any{"components": nonNil(comps), "problems": nonNil(cat.Problems())})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tPLUGIN\tAPI\tDESCRIPTION")
	for _, e := range comps {
		fmt.Fprintf(tw, "%s\t%s\t%s\tv%d\t%s\n", e.Kind, e.Name, e.Plugin, e.APIVersion, e.Description)
	}
	tw.Flush()
	if len(comps) == 0 {
		fmt.Fprintln(a.stderr, "no plugins found; build them with `make build`, or set DOJO_PLUGIN_PATH")
	}
	for _, p := range cat.Problems() {
		fmt.Fprintf(a.stderr, "warning: %s: %s\n", p.Binary, p.Error)
	}
	return nil
}

func pluginsDescribe(ctx context.Context, a *app, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(a.stderr, "usage: dojo plugins describe [KIND/]NAME")
		return errUsage
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return err
	}
	var e catalog.Entry
	if kind, name, ok := strings.Cut(args[0], "/"); ok {
		k, err := pluginapi.ParseKind(kind)
		if err != nil {
			return err
		}
		e, err = cat.Lookup(k, name)
		if err != nil {
			return err
		}
	} else if e, err = cat.Find(args[0]); err != nil {
		return err
	}
	out := map[string]any{"component": e}
	if e.Kind == pluginapi.KindAction {
		act, err := cat.Action(e.Name)
		if err != nil {
			return err
		}
		spec, err := act.Describe(ctx)
		if err != nil {
			return err
		}
		out["action"] = map[string]any{"name": spec.Name, "description": spec.Description, "params_schema": json.RawMessage(orNull(spec.ParamsSchema))}
	}
	return writeJSON(a, out)
}

func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return core.Errorf(core.TypeInternal, "encoding JSON: %w", err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orNull(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}
