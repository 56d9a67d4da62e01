package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/mledojo/dojo/host/eval/report"
)

// runReport writes the leaderboard and reports of an eval run directory.
func runReport(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	asJSON := fs.Bool("json", false, "also print the leaderboard as JSON")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo report RUN_DIR [--json]\n\nWrites leaderboard.json, report.md and report.html into RUN_DIR.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dir := fs.Arg(0)
	run, err := report.Load(dir)
	if err != nil {
		return err
	}
	lb, err := report.Compute(run)
	if err != nil {
		return err
	}
	if err := report.Write(dir, lb); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(a, lb)
	}
	fmt.Fprintf(a.stdout, "%-3s %-20s %-10s %-18s %s\n", "#", "agent", "HumanRank", "Elo", "any medal")
	for _, ag := range lb.Agents {
		fmt.Fprintf(a.stdout, "%-3d %-20s %-10.4f %-18s %.1f%%\n", ag.Rank, ag.Agent, ag.HumanRank.Overall,
			fmt.Sprintf("%.0f [%.0f, %.0f]", ag.Elo.Rating, ag.Elo.Lower, ag.Elo.Upper), 100*ag.Medals.Any)
	}
	if n := len(lb.Unfinished); n > 0 {
		fmt.Fprintf(a.stdout, "%d episodes unfinished (left out)\n", n)
	}
	for _, f := range []string{report.LeaderboardFile, report.MarkdownFile, report.HTMLFile} {
		fmt.Fprintf(a.stdout, "wrote %s\n", filepath.Join(dir, f))
	}
	return nil
}
