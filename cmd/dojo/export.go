package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/export"
)

func runExport(_ context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	format := fs.String("format", "sft", "sft (chat-message JSONL) or rl (per-step records)")
	out := fs.String("o", "-", "output `file` (- for stdout)")
	gamma := fs.Float64("gamma", 1, "discount of the RL return-to-go")
	style := fs.String("feedback", "", "feedback style used as the environment's turns in SFT (default base)")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, "usage: dojo export --format sft|rl DIR [-o FILE.jsonl]\n\nDIR is an episode directory or a run directory holding several.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	var w io.Writer = a.stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return core.Errorf(core.TypeInvalidArgument, "cannot write %s: %w", *out, err)
		}
		defer f.Close()
		w = f
	}
	st, err := export.Export(fs.Arg(0), w, export.Options{Format: export.Format(*format), Gamma: *gamma, Feedback: *style})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "exported %d episodes (%d steps) as %d %s records\n", st.Episodes, st.Steps, st.Records, *format)
	return nil
}

// reorder moves flags after positional arguments to the front, so `dojo export DIR -o F` works as
// well as `dojo export -o F DIR`.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			if !containsEq(a) && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func containsEq(s string) bool {
	for _, c := range s {
		if c == '=' {
			return true
		}
	}
	return false
}

// isBoolFlag names the boolean flags used across commands, which take no separate value.
func isBoolFlag(s string) bool {
	switch s {
	case "-json", "--json", "-insecure", "--insecure", "-force", "--force", "-h", "--help", "-help":
		return true
	}
	return false
}
