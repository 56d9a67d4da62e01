package core_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// TestStepSchema_DocumentsEveryField keeps docs/step.schema.json in step with the Go types: every
// JSON field of the step result, observation, execution, submission and error is in the schema, and
// every error type is in its enum.
func TestStepSchema_DocumentsEveryField(t *testing.T) {
	b, err := os.ReadFile("../docs/step.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	check := func(typ reflect.Type, props map[string]bool, where string) {
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" && !props[name] {
				t.Errorf("%s.%s (json %q) is not in %s of docs/step.schema.json", typ.Name(), typ.Field(i).Name, name, where)
			}
		}
	}
	top := map[string]bool{}
	for k := range schema.Properties {
		top[k] = true
	}
	check(reflect.TypeOf(core.StepResult{}), top, "properties")
	for def, typ := range map[string]reflect.Type{
		"observation": reflect.TypeOf(core.Observation{}), "execution": reflect.TypeOf(core.ExecutionResult{}),
		"submission": reflect.TypeOf(core.SubmissionResult{}), "error": reflect.TypeOf(core.Error{}),
	} {
		props := map[string]bool{}
		for k := range schema.Defs[def].Properties {
			props[k] = true
		}
		check(typ, props, "$defs."+def)
	}
	enum, _ := schema.Defs["error"].Properties["type"]["enum"].([]any)
	listed := map[string]bool{}
	for _, v := range enum {
		listed[v.(string)] = true
	}
	for _, et := range core.ErrorTypes {
		if !listed[string(et)] {
			t.Errorf("error type %q is not in the schema's enum", et)
		}
	}
}
