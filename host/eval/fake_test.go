package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/pluginapi"
)

// These fakes let the runner's logic (scheduling, retries, resume, results) be tested on its own and
// fast; cmd/dojo's eval test plays real episodes in the real sandbox with real plugins.

// numberMetric scores a submission whose content is a number: the number.
type numberMetric struct{}

func (numberMetric) Validate(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ValidateResponse, error) {
	_, err := readNumber(req.SubmissionPath)
	return pluginapi.ValidateResponse{Rows: 1}, err
}

func (numberMetric) Score(_ context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	v, err := readNumber(req.SubmissionPath)
	return pluginapi.ScoreResponse{Score: v, Rows: 1}, err
}

func readNumber(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, core.Errorf(core.TypeSubmissionNotFound, "%v", err)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	if err != nil {
		return 0, core.Errorf(core.TypeSubmissionInvalid, "not a number: %q", b)
	}
	return v, nil
}

type fakePlugins struct{}

func (fakePlugins) Metric(string) (pluginapi.Metric, error) { return numberMetric{}, nil }
func (fakePlugins) Action(name string) (pluginapi.Action, error) {
	return nil, core.Errorf(core.TypePluginNotFound, "no action %s", name)
}
func (fakePlugins) Feedback(name string) (pluginapi.Feedback, error) {
	return nil, core.Errorf(core.TypePluginNotFound, "no feedback %s", name)
}

// fakeBackend's sandboxes "run" code by writing it to the workspace's submission.csv. The first
// failStarts starts fail as a sandbox that cannot start would.
type fakeBackend struct {
	failStarts atomic.Int32
	starts     atomic.Int32
}

func (b *fakeBackend) Name() string { return "fake" }
func (b *fakeBackend) Check(context.Context) sandbox.Isolation {
	return sandbox.Isolation{Backend: "fake", Insecure: true}
}

func (b *fakeBackend) Start(_ context.Context, spec sandbox.Spec) (sandbox.Sandbox, error) {
	b.starts.Add(1)
	if b.failStarts.Add(-1) >= 0 {
		return nil, core.Errorf(core.TypeSandboxInit, "the sandbox could not start (test)")
	}
	return &fakeSandbox{dir: spec.WorkspaceDir}, nil
}

type fakeSandbox struct {
	mu  sync.Mutex
	dir string
}

func (s *fakeSandbox) Exec(_ context.Context, req sandbox.ExecRequest) (sandbox.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(req.Argv) > 0 { // the syntax check of validate_code
		return sandbox.Result{Outcome: core.OutcomeOK}, nil
	}
	if err := os.WriteFile(filepath.Join(s.dir, "submission.csv"), []byte(req.Code), 0o644); err != nil {
		return sandbox.Result{}, err
	}
	return sandbox.Result{Outcome: core.OutcomeOK}, nil
}
func (s *fakeSandbox) Reset(context.Context) error { return nil }
func (s *fakeSandbox) Close(context.Context) error { return nil }
func (s *fakeSandbox) Isolation() sandbox.Isolation {
	return sandbox.Isolation{Backend: "fake", Insecure: true}
}

// fakeLibrary holds toy competitions scored by numberMetric against one board.
type fakeLibrary struct{ comps map[string]core.Competition }

func newLibrary(t *testing.T, ids ...string) *fakeLibrary {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.csv")
	os.WriteFile(answers, []byte("1\n"), 0o644)
	l := &fakeLibrary{comps: map[string]core.Competition{}}
	for _, id := range ids {
		l.comps[id] = core.Competition{ID: id, Title: id, Domain: core.DomainTabular, Metric: core.MetricRef{Name: "number"},
			Direction: core.HigherIsBetter, PublicDir: dir, AnswersPath: answers,
			Boards: []core.Leaderboard{{Name: "private", Scores: []float64{0.9, 0.8, 0.7, 0.6}}}}
	}
	return l
}

func (l *fakeLibrary) List(context.Context) ([]competitions.Entry, error) {
	var out []competitions.Entry
	for id, c := range l.comps {
		out = append(out, competitions.Entry{ID: id, Domain: string(c.Domain), Prepared: true, Loader: "native"})
	}
	return out, nil
}

func (l *fakeLibrary) Load(_ context.Context, id string) (core.Competition, error) {
	c, ok := l.comps[id]
	if !ok {
		return c, core.Errorf(core.TypeCompetitionNotFound, "no competition %s", id)
	}
	return c, nil
}
