package server

import (
	"encoding/json"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/mledojo/dojo/core"
)

func TestCheckAction_PathParamsStayInTheWorkspace(t *testing.T) {
	for _, c := range []struct {
		params core.Params
		ok     bool
	}{
		{core.Params{"path": "submission.csv"}, true},
		{core.Params{"path": "/workspace/sub/x.csv"}, true},
		{core.Params{"path": "/data/train.csv"}, true},
		{core.Params{"path": "a/b/../c"}, false}, // any ".." is refused, even one that stays inside
		{core.Params{"path": "../x"}, false},
		{core.Params{"path": "/etc/passwd"}, false},
		{core.Params{"path": "/workspace2/x"}, false},
		{core.Params{"path": "/data/../private/answers.csv"}, false},
		{core.Params{"output_file": "../../x"}, false},
		{core.Params{"paths": []any{"ok.txt", "../no.txt"}}, false},
		{core.Params{"options": map[string]any{"dir": "/root"}}, false},
		{core.Params{"query": "../not a path"}, true},
		{core.Params{"path": "x\x00y"}, false},
	} {
		err := checkAction(core.Action{Name: "files", Params: c.params}, 1<<20)
		if (err == nil) != c.ok || (err != nil && core.TypeOf(err) != core.TypeInvalidArgument) {
			t.Errorf("%v: %v", c.params, err)
		}
	}
}

func TestCheckAction_CodeOverTheLimitIsRequestTooLarge(t *testing.T) {
	err := checkAction(core.Action{Name: "execute_code", Params: core.Params{"code": strings.Repeat("x", 11)}}, 10)
	if core.TypeOf(err) != core.TypeRequestTooLarge || !strings.Contains(err.Error(), "11 bytes") {
		t.Fatalf("%v", err)
	}
	if err := checkAction(core.Action{Name: "execute_code", Params: core.Params{"code": strings.Repeat("x", 10)}}, 10); err != nil {
		t.Fatal(err)
	}
}

func TestToConnectError_EveryTypeHasACodeAndHeadersAreASCIIJSON(t *testing.T) {
	for _, typ := range core.ErrorTypes {
		ce := toConnectError(core.Errorf(typ, "bad thing: ünïcödé 🙂").WithDetails("%s", strings.Repeat("d", 5000)).WithCauses("fix it"))
		if ce.Code() == connect.CodeUnknown {
			t.Errorf("%s maps to unknown", typ)
		}
		h := ce.Meta().Get(HeaderError)
		for _, r := range h {
			if r >= 0x80 || r < 0x20 {
				t.Fatalf("%s: header has byte %q", typ, r)
			}
		}
		var back core.Error
		if err := json.Unmarshal([]byte(h), &back); err != nil || back.Type != typ || back.Message != "bad thing: ünïcödé 🙂" || len(back.Details) > 2200 {
			t.Fatalf("%s: %v %+v", typ, err, back)
		}
		if ce.Meta().Get(HeaderErrorType) != string(typ) || len(ce.Details()) != 1 {
			t.Fatalf("%s: %v", typ, ce.Meta())
		}
	}
	for typ, code := range map[core.ErrorType]connect.Code{
		core.TypeEpisodeNotFound: connect.CodeNotFound, core.TypeUnauthenticated: connect.CodeUnauthenticated,
		core.TypeServerBusy: connect.CodeResourceExhausted, core.TypeEpisodeClosed: connect.CodeFailedPrecondition,
		core.TypeInvalidArgument: connect.CodeInvalidArgument, core.TypeInternal: connect.CodeInternal,
	} {
		if got := codeOf(typ); got != code {
			t.Errorf("%s -> %s, want %s", typ, got, code)
		}
	}
}
