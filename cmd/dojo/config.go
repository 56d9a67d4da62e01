package main

import (
	"context"
	"fmt"
)

func runConfig(_ context.Context, a *app, args []string) error {
	if len(args) != 1 || args[0] != "show" {
		fmt.Fprintln(a.stderr, "usage: dojo [--config FILE] config show")
		return errUsage
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	out, err := cfg.YAML()
	if err != nil {
		return err
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	_, err = a.stdout.Write(out)
	return err
}
