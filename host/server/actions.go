package server

import (
	"encoding/json"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/server/apiv1"
)

// coreActionSpecs describes the five core actions, which the host itself serves.
func coreActionSpecs() []*apiv1.ActionSpec {
	infoTypes, _ := json.Marshal(env.InfoTypes)
	specs := []struct{ name, description, schema string }{
		{core.ActionRequestInfo, "Information about the task: overview, sample submission, data structure and paths, metadata.",
			`{"type": "object", "properties": {"info_type": {"enum": ` + string(infoTypes) + `, "default": "all"}}, "additionalProperties": false}`},
		{core.ActionValidateCode, "Check Python code (syntax, then a run) without scoring a submission.",
			`{"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "description": "Python source; public data is at /data, write files under /workspace"}}, "additionalProperties": false}`},
		{core.ActionExecuteCode, "Run Python code in the sandbox; the submission file it writes in /workspace is scored and ranked (HumanRank).",
			`{"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "description": "Python source; write predictions to /workspace/submission.csv"}}, "additionalProperties": false}`},
		{core.ActionGetHistory, "The episode's steps so far: action, status, reward and scores of each.",
			`{"type": "object", "properties": {"last": {"type": "integer", "minimum": 0, "description": "only the last N steps"}}, "additionalProperties": false}`},
		{core.ActionReset, "A clean workspace and interpreter; budgets, best scores and history are kept.",
			`{"type": "object", "additionalProperties": false}`},
	}
	out := make([]*apiv1.ActionSpec, 0, len(specs))
	for _, s := range specs {
		out = append(out, &apiv1.ActionSpec{
			Name: s.name, Description: strings.TrimSpace(s.description), Core: true,
			ParamsSchema: rawSchemaStruct(json.RawMessage(s.schema)),
		})
	}
	return out
}
