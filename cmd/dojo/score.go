package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/scoring"
)

// paramFlags collects repeated --param key=value flags.
type paramFlags core.Params

func (p paramFlags) String() string { return fmt.Sprint(map[string]any(p)) }

func (p paramFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want key=value, got %q", s)
	}
	p[strings.TrimSpace(k)] = v
	return nil
}

func runScore(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	metric := fs.String("metric", "", "metric component `name` (see `dojo plugins list`)")
	answers := fs.String("answers", "", "answers CSV `file`")
	submission := fs.String("submission", "", "submission CSV `file`")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	params := paramFlags{}
	fs.Var(params, "param", "metric parameter `key=value` (repeatable), e.g. --param id_column=id")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo score --metric NAME [--param key=value ...] --answers A.csv --submission S.csv [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var missing []string
	for name, v := range map[string]string{"--metric": *metric, "--answers": *answers, "--submission": *submission} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cat, err := a.plugins(ctx)
	if err != nil {
		return err
	}
	res, err := scoring.Score(ctx, cat, scoring.Request{
		Metric: *metric, Params: core.Params(params), AnswersPath: *answers, SubmissionPath: *submission,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(a, res); err != nil {
			return err
		}
	} else if res.Valid {
		fmt.Fprintf(a.stdout, "%s = %.10g (%d rows)\n", *metric, res.RawScore, res.Rows)
	} else {
		fmt.Fprintf(a.stdout, "invalid submission: %s\n", res.Error.Error())
		for _, c := range res.Error.Causes {
			fmt.Fprintf(a.stdout, "  - %s\n", c)
		}
	}
	if !res.Valid {
		return errSilent
	}
	return nil
}
