// Command dojo is the Dojo host's command line: it lists and describes plugins, scores submissions,
// and (as the environment lands) runs episodes. It only parses flags; the work is in host/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mledojo/dojo/core"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, app *app, args []string) error
}

var commands = []command{
	{"version", "print the version", runVersion},
	{"plugins", "list or describe plugins: plugins list [--json] | plugins describe NAME", runPlugins},
	{"score", "score a submission with a metric plugin", runScore},
	{"config", "show the effective configuration: config show", runConfig},
	{"sandbox", "check isolation features, or run a script in a sandbox: sandbox check | sandbox run", runSandbox},
	{"exec", "run one file as an execute_code step of a fresh episode", runExec},
	{"play", "play a whole episode with an agent (or --resume one)", runPlay},
	{"export", "turn recorded episodes into SFT or RL training data (JSONL)", runExport},
	{"serve", "serve the remote env API (gRPC and HTTP/JSON): serve [--addr HOST:PORT]", runServe},
	{"eval", "run agents x competitions x seeds in parallel, resumably: eval --config eval.yaml", runEval},
	{"report", "leaderboard, report.md and report.html of an eval run: report RUN_DIR", runReport},
	{"competitions", "list, show or prepare competitions: competitions list | show ID | prepare --pack starter", runCompetitions},
	{"prepare", "prepare an MLE-Dojo competition from Kaggle's files: prepare ID --raw DIR | --download", runPrepare},
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	global := flag.NewFlagSet("dojo", flag.ContinueOnError)
	global.SetOutput(stderr)
	configFile := global.String("config", os.Getenv("DOJO_CONFIG"), "YAML config `file` (also DOJO_CONFIG)")
	logLevel := global.String("log-level", "", "log level: trace, debug, info, warn, error")
	global.Usage = func() { usage(stderr, global) }
	if err := global.Parse(args); err != nil {
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		usage(stderr, global)
		return 2
	}
	flags := map[string]any{}
	if *logLevel != "" {
		flags["log.level"] = *logLevel
	}
	a := &app{stdout: stdout, stderr: stderr, configFile: *configFile, flagOverrides: flags}
	defer a.close()
	for _, c := range commands {
		if c.name == rest[0] {
			err := c.run(ctx, a, rest[1:])
			return a.exitCode(err)
		}
	}
	fmt.Fprintf(stderr, "dojo: unknown command %q\n\n", rest[0])
	usage(stderr, global)
	return 2
}

func usage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintf(w, "usage: dojo [--config FILE] [--log-level L] COMMAND [ARGS]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `dojo COMMAND -h` for a command's flags.\n")
}

// errUsage marks a command-line mistake already explained on stderr.
var errUsage = errors.New("usage")

// errSilent marks a failure whose output was already printed (exit 1 without another message).
var errSilent = errors.New("silent")

func (a *app) exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	case errors.Is(err, errSilent):
		return 1
	}
	ce := core.AsError(err)
	fmt.Fprintf(a.stderr, "dojo: %s\n", ce.Error())
	for _, c := range ce.Causes {
		fmt.Fprintf(a.stderr, "  - %s\n", c)
	}
	return 1
}

func runVersion(_ context.Context, a *app, _ []string) error {
	fmt.Fprintf(a.stdout, "dojo %s\n", version)
	return nil
}
