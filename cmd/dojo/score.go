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
	competition := fs.String("competition", "", "score as competition `id` does: its metric, params, answers and leaderboards")
	dataDir := fs.String("data-dir", "", "competitions `directory` (with --competition)")
	params := paramFlags{}
	fs.Var(params, "param", "metric parameter `key=value` (repeatable), e.g. --param id_column=id")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo score --metric NAME [--param key=value ...] --answers A.csv --submission S.csv [--json]\n       dojo score --competition ID --submission S.csv [--answers A.csv] [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var comp *core.Competition
	if *competition != "" {
		if *metric != "" {
			fmt.Fprintln(a.stderr, "dojo score: --competition brings its own metric; drop --metric")
			return errUsage
		}
		lib, err := a.library(ctx, *dataDir)
		if err != nil {
			return err
		}
		c, err := lib.Load(ctx, *competition)
		if err != nil {
			return err
		}
		comp = &c
		*metric = c.Metric.Name
		merged := paramFlags{}
		for k, v := range c.Metric.Params {
			merged[k] = v
		}
		for k, v := range params {
			merged[k] = v
		}
		params = merged
		if *answers == "" {
			*answers = c.AnswersPath
		}
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
	if comp != nil {
		return printCompetitionScore(a, *comp, res, *asJSON)
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

// printCompetitionScore adds the competition's standing to a score: HumanRank on each leaderboard
// and their mean, and the MLE-bench medal on the private board (the public one when there is none).
func printCompetitionScore(a *app, c core.Competition, res scoring.Result, asJSON bool) error {
	out := map[string]any{"competition": c.ID, "metric": c.Metric.Name, "valid": res.Valid, "raw_score": res.RawScore, "rows": res.Rows}
	var ranking core.Ranking
	medal := core.MedalNone
	if res.Valid {
		ranking = core.RankAll(res.RawScore, c.Boards, c.Direction)
		hr := map[string]any{"avg": ranking.Mean}
		for _, b := range ranking.Boards {
			hr[b.Board] = b.Value
		}
		out["humanrank"] = hr
		if len(c.Boards) > 0 {
			board := c.Boards[len(c.Boards)-1]
			for _, b := range c.Boards {
				if b.Name == "private" {
					board = b
				}
			}
			medal = core.MedalFor(res.RawScore, board, c.Direction).Medal
		}
		out["medal"] = medal
	} else {
		out["error"] = res.Error
	}
	if asJSON {
		if err := writeJSON(a, out); err != nil {
			return err
		}
	} else if res.Valid {
		fmt.Fprintf(a.stdout, "%s: %s = %.10g (%d rows)\n", c.ID, c.Metric.Name, res.RawScore, res.Rows)
		for _, b := range ranking.Boards {
			fmt.Fprintf(a.stdout, "  %-8s position %d / %d, HumanRank %.4f\n", b.Board, b.Position, b.Teams, b.Value)
		}
		fmt.Fprintf(a.stdout, "  HumanRank %.4f, medal %s\n", ranking.Mean, medal)
	} else {
		fmt.Fprintf(a.stdout, "invalid submission: %s\n", res.Error.Error())
		for _, cause := range res.Error.Causes {
			fmt.Fprintf(a.stdout, "  - %s\n", cause)
		}
	}
	if !res.Valid {
		return errSilent
	}
	return nil
}
