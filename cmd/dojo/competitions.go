package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/competitions"
)

const competitionsUsage = "usage: dojo competitions list [--json] | show ID [--json] | prepare --pack starter [--id ID]... [--force] | prepare --from DIR  (each takes --data-dir D)"

func runCompetitions(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(a.stderr, competitionsUsage)
		return errUsage
	}
	switch args[0] {
	case "list":
		return competitionsList(ctx, a, args[1:])
	case "show":
		return competitionsShow(ctx, a, args[1:])
	case "prepare":
		return competitionsPrepare(ctx, a, args[1:])
	}
	fmt.Fprintf(a.stderr, "dojo competitions: unknown subcommand %q (want list, show or prepare)\n", args[0])
	return errUsage
}

// competitionFlags are the flags every subcommand shares.
type competitionFlags struct {
	fs      *flag.FlagSet
	dataDir *string
}

func newCompetitionFlags(a *app, name string) competitionFlags {
	fs := flag.NewFlagSet("competitions "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	return competitionFlags{fs: fs, dataDir: fs.String("data-dir", "", "competitions `directory` (default: <config data_dir>/competitions)")}
}

// library opens the catalog and the competitions of the data directory.
func (f competitionFlags) library(ctx context.Context, a *app) (*competitions.Library, string, error) {
	dir := *f.dataDir
	if dir == "" {
		cfg, err := a.config()
		if err != nil {
			return nil, "", err
		}
		dir = competitions.Dir(cfg.DataDir)
	}
	lib, err := a.library(ctx, dir)
	return lib, dir, err
}

func competitionsList(ctx context.Context, a *app, args []string) error {
	f := newCompetitionFlags(a, "list")
	asJSON := f.fs.Bool("json", false, "print JSON")
	source := f.fs.String("source", "", "only competitions of this `loader`: native, mledojo or mlebench")
	split := f.fs.String("split", "", "only this MLE-Dojo `split`: eval or train")
	domain := f.fs.String("domain", "", "only this `domain`: tabular, vision, nlp, time_series, audio, other")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		fmt.Fprintln(a.stderr, "usage: dojo competitions list [--source S] [--split eval|train] [--domain D] [--json] [--data-dir D]")
		return errUsage
	}
	lib, dir, err := f.library(ctx, a)
	if err != nil {
		return err
	}
	all, err := lib.List(ctx)
	if err != nil {
		return err
	}
	var entries []competitions.Entry
	for _, e := range all {
		if (*source == "" || e.Loader == *source) && (*split == "" || e.Labels["split"] == *split) && (*domain == "" || e.Domain == *domain) {
			entries = append(entries, e)
		}
	}
	if *asJSON {
		return writeJSON(a, map[string]any{"root": dir, "competitions": nonNil(entries)})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSOURCE\tSPLIT\tDOMAIN\tMETRIC\tDIRECTION\tPREPARED\tTITLE")
	unprepared, withRecipe := 0, 0
	for _, e := range entries {
		prepared := "yes"
		if !e.Prepared {
			prepared = "no"
			if e.Loader == competitions.NativeLoader {
				unprepared++
			}
			if e.Loader == competitions.MLEDojoLoader && e.Labels["recipe"] == "yes" {
				prepared = "no (dojo prepare)"
				withRecipe++
			}
		}
		split, dir := e.Labels["split"], e.Labels["direction"]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Loader, orDash(split), e.Domain, e.Metric, orDash(dir), prepared, e.Title)
	}
	tw.Flush()
	fmt.Fprintf(a.stderr, "%d competitions\n", len(entries))
	if unprepared > 0 {
		fmt.Fprintf(a.stderr, "%d starter competitions not prepared in %s; build them with `dojo competitions prepare --pack starter`\n", unprepared, dir)
	}
	if withRecipe > 0 {
		fmt.Fprintf(a.stderr, "%d MLE-Dojo competitions not prepared have a recipe; build one from Kaggle's files with `dojo prepare ID --raw DIR` or `dojo prepare ID --download`\n", withRecipe)
	}
	return nil
}

func competitionsShow(ctx context.Context, a *app, args []string) error {
	f := newCompetitionFlags(a, "show")
	asJSON := f.fs.Bool("json", false, "print the competition as JSON")
	// Accept the id before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if id == "" && f.fs.NArg() == 1 {
		id = f.fs.Arg(0)
	} else if f.fs.NArg() > 0 || id == "" {
		fmt.Fprintln(a.stderr, "usage: dojo competitions show ID [--json] [--data-dir D]")
		return errUsage
	}
	lib, _, err := f.library(ctx, a)
	if err != nil {
		return err
	}
	c, err := lib.Load(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(a, c)
	}
	writeCompetition(a.stdout, c)
	return nil
}

func writeCompetition(w io.Writer, c core.Competition) {
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "  %-15s%s\n", label+":", fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(w, "%s  %s\n", c.ID, c.Title)
	line("domain", "%s (%s)", c.Domain, c.TaskType)
	line("metric", "%s, %s%s", c.Metric.Name, c.Direction, formatParams(c.Metric.Params))
	line("public data", "%s", c.PublicDir)
	line("answers", "%s", c.AnswersPath)
	for _, b := range c.Boards {
		kind := "human"
		if b.Reference {
			kind = "reference"
		}
		sorted := append([]float64(nil), b.Scores...)
		sort.Slice(sorted, func(i, j int) bool { return c.Direction.Better(sorted[i], sorted[j]) })
		line(b.Name+" board", "%d %s scores, best %.6g, median %.6g, worst %.6g",
			len(sorted), kind, sorted[0], sorted[len(sorted)/2], sorted[len(sorted)-1])
	}
	line("loader", "%s", c.Source)
	fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Description))
}

func formatParams(p core.Params) string {
	if len(p) == 0 {
		return ""
	}
	var parts []string
	for _, k := range p.Keys() {
		v := p[k]
		if list, ok := v.([]any); ok {
			s := make([]string, len(list))
			for i, x := range list {
				s[i] = fmt.Sprint(x)
			}
			v = strings.Join(s, ",")
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	return " (" + strings.Join(parts, " ") + ")"
}

// stringList collects a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func competitionsPrepare(ctx context.Context, a *app, args []string) error {
	f := newCompetitionFlags(a, "prepare")
	pack := f.fs.String("pack", "", "the pack to prepare: starter")
	from := f.fs.String("from", "", "record the checksums of the hand-made competition in `DIR` (copied into the data directory unless it is there)")
	force := f.fs.Bool("force", false, "rebuild competitions that are already prepared")
	python := f.fs.String("python", "", "Python interpreter with scikit-learn and statsmodels (default /usr/bin/python3)")
	var ids stringList
	f.fs.Var(&ids, "id", "prepare only this competition of the pack (repeatable)")
	f.fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo competitions prepare --pack starter [--id ID]... [--force] [--data-dir D] | --from DIR [--data-dir D]")
		f.fs.PrintDefaults()
	}
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 || (*pack == "") == (*from == "") {
		f.fs.Usage()
		return errUsage
	}
	lib, dir, err := f.library(ctx, a)
	if err != nil {
		return err
	}
	if *from != "" {
		c, err := lib.PrepareDir(ctx, *from, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "prepared %s in %s\n", c.ID, strings.TrimSuffix(c.PublicDir, "/public"))
		return nil
	}
	params := core.Params{}
	if *python != "" {
		params["python"] = *python
	}
	fmt.Fprintf(a.stderr, "preparing the %s pack in %s\n", *pack, dir)
	res, err := lib.Prepare(ctx, competitions.PrepareRequest{
		Pack: *pack, DataDir: dir, IDs: ids, Force: *force, Params: params,
		Progress: competitions.ProgressWriter(a.stdout),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%d prepared, %d already prepared, in %.1fs\n", len(res.Prepared), len(res.Kept), res.Elapsed.Seconds())
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
