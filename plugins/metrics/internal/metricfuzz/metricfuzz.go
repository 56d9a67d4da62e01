package metricfuzz

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/registrytest"
	"github.com/mledojo/dojo/sdk"
)

// Typed fails t unless err is nil or a *core.Error in its chain with a declared type other than
// internal and a message: a validator's rejection must say what is wrong, in a type the host can act
// on. (core.AsError would wrap any foreign error as internal; that is what this rejects.)
func Typed(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *core.Error
	if !errors.As(err, &e) {
		t.Fatalf("rejection %q (%T) is not a *core.Error", err, err)
	}
	if !core.ValidErrorType(e.Type) || e.Type == core.TypeInternal || e.Message == "" {
		t.Fatalf("rejection %q has type %q and message %q: want a declared type other than internal, and a message", err, e.Type, e.Message)
	}
}

// Case is one metric with one set of params.
type Case struct {
	Name, Metric string
	Params       core.Params
}

// Cases are every metric of comps without params, then every registry entry bound to one of them
// with its params as written.
func Cases(tb testing.TB, comps []sdk.Component) []Case {
	tb.Helper()
	var out []Case
	var served []string
	for _, c := range comps {
		name := c.Info().Name
		served = append(served, name)
		out = append(out, Case{Name: name, Metric: name})
	}
	for _, e := range registrytest.Entries(tb, served...) {
		out = append(out, Case{Name: e.ID, Metric: e.Metric, Params: e.Params})
	}
	return out
}

// SeedFunc writes an answers file and a submission that a metric accepts with params p, as seeds.
type SeedFunc func(metric string, p core.Params) (answers, submission string)

// Fuzz runs a fuzz target over comps: each input picks a case of Cases by index, adds the
// "key=value;..." params of its last argument (a value that is JSON, such as [1, 2] or true, is
// decoded), writes the answers and submission bytes to files and calls the metric's Validate. The
// seeds are each case with seed's files (or a generic id,target pair when seed is nil), and extra
// seeds of the plugin's own cell formats, each against every case.
func Fuzz(f *testing.F, comps []sdk.Component, seed SeedFunc, extra ...[2]string) {
	f.Helper()
	built, err := sdk.Build("fuzz", comps...)
	if err != nil {
		f.Fatal(err)
	}
	cases := Cases(f, comps)
	for i, c := range cases {
		a, s := "id,target\n1,0.5\n2,1\n3,0\n", "id,target\n3,0.25\n1,1\n2,0\n"
		if seed != nil {
			a, s = seed(c.Metric, maps.Clone(c.Params))
		}
		f.Add([]byte(a), []byte(s), uint16(i), "")
	}
	for _, e := range extra {
		for i := range cases {
			f.Add([]byte(e[0]), []byte(e[1]), uint16(i), "")
		}
	}
	f.Fuzz(func(t *testing.T, answers, submission []byte, which uint16, more string) {
		c := cases[int(which)%len(cases)]
		params := maps.Clone(c.Params)
		if params == nil {
			params = core.Params{}
		}
		for kv := range strings.SplitSeq(more, ";") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(k) == "" {
				continue
			}
			var decoded any
			if err := json.Unmarshal([]byte(v), &decoded); err == nil {
				params[strings.TrimSpace(k)] = decoded
			} else {
				params[strings.TrimSpace(k)] = v
			}
		}
		dir := t.TempDir()
		a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
		if err := os.WriteFile(a, answers, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(s, submission, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := built.Metrics[c.Metric].Validate(context.Background(), pluginapi.ScoreRequest{
			Metric: c.Metric, Params: params, AnswersPath: a, SubmissionPath: s})
		if err != nil {
			Typed(t, err)
		}
	})
}
