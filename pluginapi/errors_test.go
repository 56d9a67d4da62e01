package pluginapi_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// serveStub serves s as the component "stub" of every kind, plus a second component of every kind
// ("other"), so not-found errors have more than one name to list.
func serveStub(t *testing.T, s *stub) *pluginapi.Dispensed {
	t.Helper()
	other := &stub{}
	return plugintest.Serve(t,
		sdk.Metric("stub", s), sdk.Action("stub", s), sdk.Feedback("stub", s), sdk.TaskLoader("stub", s),
		sdk.Metric("other", other), sdk.Action("other", other), sdk.Feedback("other", other), sdk.TaskLoader("other", other),
	)
}

// asCoreError fails the test unless err is a *core.Error.
func asCoreError(t *testing.T, err error) *core.Error {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded, want an error")
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *core.Error", err, err)
	}
	return ce
}

func TestTypedErrors_CrossTheWireUnchanged_EveryTypeEveryKind(t *testing.T) {
	s := &stub{}
	d := serveStub(t, s)
	for _, c := range calls {
		for _, typ := range core.ErrorTypes {
			t.Run(c.name+"/"+string(typ), func(t *testing.T) {
				sent := core.Errorf(typ, "%s failed in %s", typ, c.name).
					WithDetails("row 3: value %q, émoji ✓", "x").
					WithCauses("first cause", "second cause")
				s.set(func() error { return sent })
				got := asCoreError(t, c.do(context.Background(), d, "stub"))
				if got.Type != sent.Type || got.Message != sent.Message || got.Details != sent.Details ||
					!reflect.DeepEqual(got.Causes, sent.Causes) {
					t.Errorf("got %#v\nwant %#v", got, sent)
				}
				if !errors.Is(got, &core.Error{Type: typ}) {
					t.Errorf("errors.Is(got, sentinel of %s) is false", typ)
				}
			})
		}
	}
}

func TestTypedErrors_ConfigureCrossesTheWireUnchanged(t *testing.T) {
	s := &stub{}
	d := serveStub(t, s)
	for _, typ := range core.ErrorTypes {
		t.Run(string(typ), func(t *testing.T) {
			sent := core.Errorf(typ, "bad config").WithDetails("field x").WithCauses("fix x")
			s.set(func() error { return sent })
			err := d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{
				Kind: pluginapi.KindMetric, Component: "stub", APIVersion: 1, Config: []byte(`{"x":1}`),
			})
			got := asCoreError(t, err)
			if got.Type != typ || got.Message != sent.Message || got.Details != sent.Details || !reflect.DeepEqual(got.Causes, sent.Causes) {
				t.Errorf("got %#v, want %#v", got, sent)
			}
		})
	}
}

func TestTypedErrors_EdgeCases(t *testing.T) {
	tests := []struct {
		name string
		sent error
		want core.Error
	}{
		{
			name: "a wrapped core error keeps its type and fields",
			sent: fmt.Errorf("while scoring: %w", core.Errorf(core.TypeGroundTruth, "answers broken").WithCauses("re-prepare")),
			want: core.Error{Type: core.TypeGroundTruth, Message: "answers broken", Causes: []string{"re-prepare"}},
		},
		{
			name: "a foreign error becomes internal with its text",
			sent: errors.New("plain failure"),
			want: core.Error{Type: core.TypeInternal, Message: "plain failure"},
		},
		{
			name: "no causes stay no causes",
			sent: core.Errorf(core.TypeEvaluation, "nan"),
			want: core.Error{Type: core.TypeEvaluation, Message: "nan"},
		},
		{
			// A submission's bytes end up in messages; they must not cost the error its type.
			name: "invalid UTF-8 in the message keeps the type",
			sent: core.Errorf(core.TypeSubmissionInvalid, "unknown class \xff\xfe").WithDetails("line \xc3").WithCauses("cause \xff"),
			want: core.Error{Type: core.TypeSubmissionInvalid, Message: "unknown class \uFFFD", Details: "line \uFFFD", Causes: []string{"cause \uFFFD"}},
		},
	}
	s := &stub{}
	d := serveStub(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.set(func() error { return tt.sent })
			for _, c := range calls {
				got := asCoreError(t, c.do(context.Background(), d, "stub"))
				if got.Type != tt.want.Type || got.Message != tt.want.Message || got.Details != tt.want.Details ||
					!reflect.DeepEqual(got.Causes, tt.want.Causes) {
					t.Errorf("%s: got %#v, want %#v", c.name, got, tt.want)
				}
			}
		})
	}
}

func TestPanickingComponent_IsInternalErrorAndPluginKeepsServing(t *testing.T) {
	s := &stub{}
	d := serveStub(t, s)
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			s.set(func() error { panic("deliberate " + c.name) })
			got := asCoreError(t, c.do(context.Background(), d, "stub"))
			if got.Type != core.TypeInternal {
				t.Errorf("type %s, want %s", got.Type, core.TypeInternal)
			}
			if !strings.Contains(got.Message, "panicked") || !strings.Contains(got.Message, "deliberate "+c.name) {
				t.Errorf("message %q does not say the component panicked and why", got.Message)
			}
			if !strings.Contains(got.Details, "goroutine") {
				t.Errorf("details %q hold no stack trace", got.Details)
			}
			s.set(nil)
			if err := c.do(context.Background(), d, "stub"); err != nil {
				t.Errorf("call after the panic failed: %v", err)
			}
		})
	}
}

func TestPanickingConfigure_IsInternalErrorAndPluginKeepsServing(t *testing.T) {
	s := &stub{}
	d := serveStub(t, s)
	req := pluginapi.ConfigureRequest{Kind: pluginapi.KindFeedback, Component: "stub", APIVersion: 1}
	s.set(func() error { panic("in configure") })
	if got := asCoreError(t, d.Base.Configure(context.Background(), req)); got.Type != core.TypeInternal {
		t.Errorf("type %s, want %s", got.Type, core.TypeInternal)
	}
	s.set(nil)
	if err := d.Base.Configure(context.Background(), req); err != nil {
		t.Errorf("configure after the panic failed: %v", err)
	}
}

func TestUnknownComponent_IsPluginNotFoundListingWhatExists(t *testing.T) {
	d := serveStub(t, &stub{})
	check := func(t *testing.T, err error, kind pluginapi.Kind) {
		t.Helper()
		got := asCoreError(t, err)
		if got.Type != core.TypePluginNotFound {
			t.Fatalf("type %s, want %s", got.Type, core.TypePluginNotFound)
		}
		if !strings.Contains(got.Message, `"missing"`) || !strings.Contains(got.Message, string(kind)) {
			t.Errorf("message %q does not name the kind and the missing component", got.Message)
		}
		listed := strings.Join(got.Causes, " ")
		for _, name := range []string{"stub", "other"} {
			if !strings.Contains(listed, name) {
				t.Errorf("causes %q do not list the served component %q", got.Causes, name)
			}
		}
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			check(t, c.do(context.Background(), d, "missing"), c.kind)
		})
	}
	for _, kind := range pluginapi.Kinds {
		t.Run("configure "+string(kind), func(t *testing.T) {
			err := d.Base.Configure(context.Background(), pluginapi.ConfigureRequest{Kind: kind, Component: "missing", APIVersion: 1})
			check(t, err, kind)
		})
	}
}

func TestCancelledCall_IsContextErrorNotCrash(t *testing.T) {
	started := make(chan struct{})
	hang := sdk.MetricFunc(func(ctx context.Context, _ pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
		close(started)
		<-ctx.Done()
		return pluginapi.ScoreResponse{}, ctx.Err()
	})
	m := plugintest.Metric(t, hang)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := m.Score(ctx, pluginapi.ScoreRequest{})
	if err == nil {
		t.Fatal("cancelled call succeeded")
	}
	if core.TypeOf(err) == core.TypePluginCrashed {
		t.Errorf("a cancelled call reads as a crashed plugin: %v", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(%v, context.Canceled) is false", err)
	}
}

func TestExpiredDeadline_IsDeadlineExceeded(t *testing.T) {
	m := plugintest.Metric(t, &stub{})
	ctx, cancel := context.WithDeadline(context.Background(), aLongTimeAgo)
	defer cancel()
	_, err := m.Score(ctx, pluginapi.ScoreRequest{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, context.DeadlineExceeded) is false", err)
	}
	if core.TypeOf(err) == core.TypePluginCrashed {
		t.Errorf("an expired deadline reads as a crashed plugin: %v", err)
	}
}

var aLongTimeAgo = time.Unix(1, 0)
