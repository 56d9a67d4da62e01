package sandboxtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// The two execution modes: what persists between executions, and what a dead interpreter costs.

func testFreshForgets(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeFresh))
	f.Exec("x = 41\nimport json")
	res := f.Exec("print('x' in globals(), 'json' in globals())")
	if res.Stdout != "False False\n" {
		t.Fatalf("fresh mode must start a new interpreter each time: %s", Describe(res))
	}
}

func testSessionKeeps(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeSession))
	first := f.Exec("x = 41\nimport json\ndef double(v):\n    return 2 * v\nclass Point:\n    pass")
	ExpectOutcome(t, first, core.OutcomeOK)
	res := f.Exec("print(x + 1, json.dumps([double(2)]), Point.__name__)")
	if res.Stdout != "42 [4] Point\n" || res.SessionRestarted {
		t.Fatalf("session mode must keep variables, imports and definitions: %s", Describe(res))
	}
	// Functions defined in a block pickle by reference to __main__, as multiprocessing needs.
	res = f.Exec("import pickle\nprint(pickle.loads(pickle.dumps(double))(21))")
	if res.Stdout != "42\n" {
		t.Errorf("pickling a function of an earlier block: %s", Describe(res))
	}
}

func testSessionException(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeSession))
	f.Exec("x = 1")
	res := f.Exec("x = 2\nraise KeyError('missing')")
	if res.ExitCode != 1 || res.Outcome != core.OutcomeExitNonZero || !strings.Contains(res.Stderr, "KeyError: 'missing'") ||
		!strings.Contains(res.Stderr, "Traceback") {
		t.Fatalf("an exception must give exit code 1 and a traceback: %s", Describe(res))
	}
	if res := f.Exec("import sys\nprint(x)\nsys.exit(5)"); res.Stdout != "2\n" || res.ExitCode != 5 || res.SessionRestarted {
		t.Fatalf("an exception or sys.exit must not end the session: %s", Describe(res))
	}
	if res := f.Exec("print(x)"); res.Stdout != "2\n" || res.SessionRestarted {
		t.Fatalf("sys.exit must not end the session: %s", Describe(res))
	}
}

func testSessionCrash(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeSession))
	for _, crash := range []struct {
		code    string
		outcome core.Outcome
	}{
		{"import os; os._exit(9)", core.OutcomeExitNonZero},
		{"import os, signal; os.kill(os.getpid(), signal.SIGKILL)", core.OutcomeKilled},
	} {
		f.Exec("x = 1")
		res := f.Exec(crash.code)
		ExpectOutcome(t, res, crash.outcome)
		next := f.Exec("print('x' in globals())")
		if !next.SessionRestarted || next.Stdout != "False\n" {
			t.Fatalf("after the interpreter died the next execution must report a restart and no state: %s", Describe(next))
		}
		if again := f.Exec("print(1)"); again.SessionRestarted {
			t.Fatalf("only the first execution after a restart reports it: %s", Describe(again))
		}
	}
}

func testSessionTimeoutRestart(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeSession, withLimits(func(l *sandbox.Limits) { l.Timeout = 2 * time.Second })))
	f.Exec("x = 1")
	ExpectOutcome(t, f.Exec("while True: pass"), core.OutcomeTimedOut)
	next := f.Exec("print('x' in globals())")
	if !next.SessionRestarted || next.Stdout != "False\n" {
		t.Fatalf("a timeout kills the interpreter; the next execution must say so: %s", Describe(next))
	}
}

func testReset(t *testing.T, nb backendMaker) {
	f := NewFixture(t, nb, inMode(sandbox.ModeSession))
	f.Exec("x = 1")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.Sandbox.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if res := f.Exec("print('x' in globals())"); res.Stdout != "False\n" {
		t.Fatalf("Reset must discard the session's state: %s", Describe(res))
	}
	if res := f.Exec("x = 3\nprint(x)"); res.Stdout != "3\n" {
		t.Fatalf("the session after Reset must work: %s", Describe(res))
	}
}
