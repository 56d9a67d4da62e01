//go:build linux

package llm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/env/envtest"
	"github.com/mledojo/dojo/host/sandbox/local"
)

// keyProbe is Python that looks for the hex-encoded tokens in its own environment and in every
// process's environment and command line it can see, and prints what it found.
const keyProbe = `import os
tokens = [bytes.fromhex(t).decode() for t in %s]
found = []
for k, v in os.environ.items():
    for t in tokens:
        if t in k or t in v:
            found.append("ENV " + k)
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for what in ("environ", "cmdline"):
        try:
            data = open("/proc/%%s/%%s" %% (pid, what), "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        for t in tokens:
            if t in data:
                found.append("PROC %%s %%s" %% (pid, what))
print("variables:", sorted(os.environ))
print("FOUND" if found else "CLEAN", found)
`

// TestKey_NeverReachesTheSandbox plays an episode whose model is reached with OPENAI_API_KEY from the
// host's environment (ANTHROPIC_API_KEY is set too), and whose code, run by the local sandbox with
// and without isolation, looks for both keys everywhere it can.
func TestKey_NeverReachesTheSandbox(t *testing.T) {
	t.Run("isolated", func(t *testing.T) {
		backend := local.New(local.Options{})
		if iso := backend.Check(context.Background()); iso.Insecure {
			t.Skipf("this machine cannot isolate: %+v", iso.Features)
		}
		testKeyNeverReachesTheSandbox(t, backend)
	})
	// Without isolation only the scrubbed environment stands between the code and the key.
	t.Run("insecure", func(t *testing.T) { testKeyNeverReachesTheSandbox(t, local.New(local.Options{Insecure: true})) })
}

func testKeyNeverReachesTheSandbox(t *testing.T, backend *local.Backend) {
	openaiKey, anthropicKey := "sk-proj-DOJO-"+token(t), "sk-ant-DOJO-"+token(t)
	t.Setenv("OPENAI_API_KEY", openaiKey)
	t.Setenv("ANTHROPIC_API_KEY", anthropicKey)
	var hexed []string
	for _, s := range []string{openaiKey, anthropicKey, "OPENAI_API_KEY", "ANTHROPIC_API_KEY"} {
		hexed = append(hexed, fmt.Sprintf("%q", hex.EncodeToString([]byte(s))))
	}
	probe := fmt.Sprintf(keyProbe, "["+strings.Join(hexed, ", ")+"]")

	f := newFakeProvider(t, ProviderOpenAI,
		answer{text: actionReply(core.ActionExecuteCode, map[string]any{"code": probe})},
		answer{text: actionReply(core.ActionExecuteCode, map[string]any{"code": probe + "\n" + envtest.SubmitCode(10)})},
	)
	cfg := testConfig(f)
	cfg.APIKeyEnv = "" // the default, OPENAI_API_KEY
	a, err := New(cfg, Options{Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ep := newEpisode(t, env.Config{MaxSteps: 2}, backend)
	sum, err := a.Run(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].header.Get("Authorization"); got != "Bearer "+openaiKey {
		t.Fatalf("the agent did not reach its model with the host's key (Authorization %q)", got)
	}
	events, err := env.ReadEvents(ep.Dir())
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, ev := range events {
		if ev.Result == nil || ev.Result.Observation.Execution == nil {
			continue
		}
		runs++
		x := ev.Result.Observation.Execution
		if !strings.Contains(x.Stdout, "CLEAN") || strings.Contains(x.Stdout, "FOUND") {
			t.Errorf("step %d: the agent's code saw a key:\nstdout: %s\nstderr: %s", ev.Step, x.Stdout, x.Stderr)
		}
	}
	if runs != 2 {
		t.Fatalf("%d executions ran, want 2", runs)
	}
	if sum.BestRaw == nil || *sum.BestRaw != 1 {
		t.Fatalf("the probe's submission was not scored: %+v", sum)
	}
}

func token(t *testing.T) string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}
