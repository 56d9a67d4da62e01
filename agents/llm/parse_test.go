package llm

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

func TestParseAction_AcceptsWhatAModelMeans(t *testing.T) {
	cases := []struct {
		name, reply string
		want        core.Action
	}{
		{"bare", `{"action": "request_info", "params": {"info_type": "overview"}}`,
			core.Action{Name: "request_info", Params: core.Params{"info_type": "overview"}}},
		{"fenced with prose", "I'll look at the data.\n```json\n{\"action\": \"request_info\", \"params\": {\"info_type\": \"all\"}}\n```\nThen train.",
			core.Action{Name: "request_info", Params: core.Params{"info_type": "all"}}},
		{"unlabelled fence", "```\n{\"action\": \"get_history\", \"params\": {}}\n```",
			core.Action{Name: "get_history", Params: core.Params{}}},
		{"prose around a bare object", "Sure! {\"action\": \"reset\"} is what I want.",
			core.Action{Name: "reset", Params: core.Params{}}},
		{"params at the top level", `{"action": "execute_code", "code": "print(1)"}`,
			core.Action{Name: "execute_code", Params: core.Params{"code": "print(1)"}}},
		{"null params", `{"action": "get_history", "params": null}`,
			core.Action{Name: "get_history", Params: core.Params{}}},
		{"raw line breaks in code", "{\"action\": \"execute_code\", \"params\": {\"code\": \"x = 1\n\tprint(x)\"}}",
			core.Action{Name: "execute_code", Params: core.Params{"code": "x = 1\n\tprint(x)"}}},
		{"code holding braces and a fence", "```json\n{\"action\": \"execute_code\", \"params\": {\"code\": \"d = {'a': 1}\\nprint('```')\"}}\n```",
			core.Action{Name: "execute_code", Params: core.Params{"code": "d = {'a': 1}\nprint('```')"}}},
		{"the same action twice", "```json\n{\"action\": \"reset\", \"params\": {}}\n```\nAgain: {\"action\": \"reset\", \"params\": {}}",
			core.Action{Name: "reset", Params: core.Params{}}},
		{"other JSON beside the action", "The sample is {\"id\": 1}.\n{\"action\": \"reset\", \"params\": {}}",
			core.Action{Name: "reset", Params: core.Params{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, problem := parseAction(c.reply, core.CoreActions)
			if problem != "" {
				t.Fatalf("problem %q", problem)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestParseAction_NamesWhatIsWrong(t *testing.T) {
	cases := []struct{ name, reply, want string }{
		{"empty", "  \n", "empty"},
		{"prose only", "I would train a random forest.", `no JSON object with an "action" key`},
		{"broken JSON", `{"action": "execute_code", "params": {"code": print(1)}}`, "not valid JSON"},
		{"action not a string", `{"action": 3}`, `"action" must be the action's name`},
		{"params not an object", `{"action": "execute_code", "params": "print(1)"}`, `"params" must be a JSON object`},
		{"unknown action", `{"action": "train", "params": {}}`, `"train" is not an action of this episode`},
		{"two actions", `{"action": "reset"} then {"action": "get_history"}`, "2 actions (reset, get_history)"},
		{"code missing", `{"action": "execute_code", "params": {}}`, `execute_code needs "params": {"code"`},
		{"code not a string", `{"action": "validate_code", "params": {"code": ["print(1)"]}}`, `validate_code needs "params": {"code"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, problem := parseAction(c.reply, core.CoreActions)
			if !strings.Contains(problem, c.want) {
				t.Fatalf("problem %q (action %+v), want it to say %q", problem, got, c.want)
			}
		})
	}
}

func TestParseAction_AnyNameGoesWhenTheActionsAreUnknown(t *testing.T) {
	got, problem := parseAction(`{"action": "inspect_data", "params": {"path": "train.csv"}}`, nil)
	if problem != "" || got.Name != "inspect_data" {
		t.Fatalf("got %+v, problem %q", got, problem)
	}
}
