package llm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// maxObservationChars bounds one observation in a prompt. Program output is cut in the middle: its
// start says what ran, its end holds the error.
const maxObservationChars = 8000

// actionSpec is one action as the system prompt describes it.
type actionSpec struct {
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	ParamsSchema json.RawMessage `json:"params_schema,omitempty"`
}

// coreActionHelp describes the five core actions: their parameters and what they answer.
var coreActionHelp = []struct{ name, params, help string }{
	{core.ActionRequestInfo, `{"info_type": "<one of: ` + strings.Join(env.InfoTypes, ", ") + `>"}`,
		"Tells you about the competition: overview (description and evaluation), sample_submission (the expected format), data_structure (the files under /data), data_path, output_path, name, metadata (metric, direction, submission file) or all of them."},
	{core.ActionValidateCode, `{"code": "<python source>"}`,
		"Runs the code in the sandbox and shows its output and errors. Nothing is scored: use it to look at the data and to debug."},
	{core.ActionExecuteCode, `{"code": "<python source>"}`,
		"Runs the code; if it writes the submission file, the file is checked and scored, and you get the metric's value, your HumanRank and a reward."},
	{core.ActionGetHistory, `{"last": <optional number of steps>}`,
		"Lists the steps taken so far, with status and scores."},
	{core.ActionReset, `{}`,
		"Clears /workspace and the interpreter's state. The step and time budgets and the best score stay. Rarely needed."},
}

// systemPrompt is the protocol: the goal, the reply format, the actions and the sandbox.
func systemPrompt(custom []actionSpec, execMode, scoreMode string) string {
	var b strings.Builder
	reward := "it is your reward"
	if scoreMode == "raw" {
		reward = "your reward is the metric's raw value"
	}
	b.WriteString(`You are an expert machine-learning engineer taking part in a Kaggle-style competition inside Dojo, an interactive environment. Your goal is the best score you can reach on the competition's metric. A score is placed on the competition's human leaderboards: your HumanRank, from 0 to 1, is the share of human teams you beat, and ` + reward + `. You have a limited number of steps and a limited time.

# How a turn works

Answer every message with exactly one action, a JSON object:

{"action": "<action name>", "params": {<the action's parameters>}}

You may reason briefly first, then put the action in a fenced block:

` + "```json\n{\"action\": \"request_info\", \"params\": {\"info_type\": \"overview\"}}\n```" + `

Python code goes into "code" as one JSON string: escape its line breaks (\n), quotes (\") and backslashes (\\). Send one action per reply. The environment performs it and answers with the result and your remaining steps and time. Each action uses one step; the episode ends when the steps or the time run out.

# Actions

`)
	for _, a := range coreActionHelp {
		fmt.Fprintf(&b, "- %s, params %s\n  %s\n", a.name, a.params, a.help)
	}
	for _, a := range custom {
		fmt.Fprintf(&b, "- %s", a.Name)
		if len(a.ParamsSchema) > 0 {
			fmt.Fprintf(&b, ", params as this JSON Schema says: %s", compactJSON(a.ParamsSchema))
		}
		b.WriteString("\n")
		if a.Description != "" {
			fmt.Fprintf(&b, "  %s\n", a.Description)
		}
	}
	b.WriteString(`
# The sandbox

- Your code runs with Python 3 in a sandbox without network access.
- The competition's data is under /data, read-only. Your working directory is /workspace; files you write there stay from one step to the next.
`)
	switch execMode {
	case "session":
		b.WriteString("- All runs share one Python interpreter: what one run defines is still there in the next, until reset.\n")
	default:
		b.WriteString("- Every run starts a fresh Python interpreter, so each piece of code must stand on its own: load the data, train, predict and write the file in the same run (or save and reload intermediate files in /workspace).\n")
	}
	b.WriteString(`- Write your predictions where the task says, in the sample submission's format: the same id column and rows, the same column names.
- Print what you need to see, briefly; long output is cut. Each run has a time limit, so keep training within it.

# Working well

- Read the task first: the overview, the data's structure and the sample submission.
- Get a simple, valid submission scored early, then improve it step by step.
- When code fails, read the error and fix its cause rather than starting over.
- Mind the budget: the remaining steps and time are in every message.
`)
	return b.String()
}

func compactJSON(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// budget is what is left of the episode, as of the latest observation.
type budget struct {
	StepsLeft int           `json:"steps_left"`
	TimeLeft  time.Duration `json:"time_left_ns"`
	Known     bool          `json:"known"`
}

func budgetOf(o core.Observation) budget {
	return budget{StepsLeft: o.StepsLeft, TimeLeft: o.TimeLeft, Known: true}
}

func (b budget) String() string {
	if !b.Known {
		return "Remaining steps and time: unknown until your next action."
	}
	return fmt.Sprintf("Steps left: %d. Time left: %s.", b.StepsLeft, b.TimeLeft.Round(time.Second))
}

// taskMessage is the conversation's first message: the task as Reset stated it.
func taskMessage(obs core.Observation) string {
	task, _ := obs.Info["task"].(string)
	if task == "" {
		task = "(the environment stated no task; ask with request_info)"
	}
	return fmt.Sprintf("# The competition\n\n%s\n\n%s\nReply with your first action.", task, budgetOf(obs))
}

// resumedTaskMessage opens a conversation on an episode already under way whose earlier chat is
// lost: the model learns the task and the past from the environment itself.
const resumedTaskMessage = "# The competition\n\nYou are taking over an episode that is already under way; its earlier steps are not in this conversation. Use request_info (info_type \"all\") to read the task and get_history to see what was done so far."

// resumedNote is added to the first prompt after a resume that kept the conversation.
const resumedNote = "Note: the episode was interrupted and has been resumed. Files in /workspace are kept; a session interpreter's variables are not, and a step that was running when it stopped may not have happened (get_history shows the steps that did)."

// stepMessage tells the model what its action did.
func stepMessage(res core.StepResult) string {
	o := res.Observation
	var b strings.Builder
	fmt.Fprintf(&b, "# Step %d: %s, %s", res.Step, o.Action, o.Status)
	if res.Reward != 0 {
		fmt.Fprintf(&b, ", reward %.4f", res.Reward)
	}
	b.WriteString("\n\n")
	b.WriteString(clipMiddle(observationBody(res), maxObservationChars))
	b.WriteString("\n\n")
	if o.BestRaw != nil {
		fmt.Fprintf(&b, "Best raw score so far: %.6g", *o.BestRaw)
		if o.BestRank != nil {
			fmt.Fprintf(&b, " (HumanRank %.4f)", *o.BestRank)
		}
		b.WriteString(". ")
	}
	b.WriteString(budgetOf(o).String())
	b.WriteString("\nReply with your next action.")
	return b.String()
}

// observationBody is a feedback style's text when the episode renders one (base first), else the
// agent's own rendering of the observation.
func observationBody(res core.StepResult) string {
	o := res.Observation
	if t := o.Feedback["base"]; strings.TrimSpace(t) != "" {
		return strings.TrimSpace(t)
	}
	styles := make([]string, 0, len(o.Feedback))
	for s, t := range o.Feedback {
		if strings.TrimSpace(t) != "" {
			styles = append(styles, s)
		}
	}
	if len(styles) > 0 {
		sort.Strings(styles)
		return strings.TrimSpace(o.Feedback[styles[0]])
	}
	return renderObservation(o)
}

// renderObservation writes an observation as plain text.
func renderObservation(o core.Observation) string {
	var parts []string
	if x := o.Execution; x != nil {
		s := fmt.Sprintf("Execution: %s, exit code %d, %.1fs", x.Outcome, x.ExitCode, x.Duration.Seconds())
		if x.Truncated {
			s += " (output truncated)"
		}
		if x.Stdout != "" {
			s += "\nOutput:\n" + clipMiddle(strings.TrimRight(x.Stdout, "\n"), maxObservationChars/2)
		}
		if x.Stderr != "" {
			s += "\nErrors:\n" + clipMiddle(strings.TrimRight(x.Stderr, "\n"), maxObservationChars/2)
		}
		parts = append(parts, s)
	}
	if sub := o.Submission; sub != nil {
		if sub.Valid {
			s := fmt.Sprintf("Submission scored: raw score %.6g", sub.RawScore)
			if sub.HumanRank != nil {
				s += fmt.Sprintf(", HumanRank %.4f", sub.HumanRank.Mean)
			}
			if sub.Medal != "" && sub.Medal != core.MedalNone {
				s += ", medal " + string(sub.Medal)
			}
			parts = append(parts, s)
		} else {
			parts = append(parts, "Submission not valid.")
		}
	}
	if len(o.Info) > 0 {
		keys := make([]string, 0, len(o.Info))
		for k := range o.Info {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("[%s]\n%s", k, text(o.Info[k])))
		}
	}
	if e := o.Error; e != nil {
		s := fmt.Sprintf("Error (%s): %s", e.Type, e.Message)
		if e.Details != "" {
			s += "\n" + e.Details
		}
		for _, c := range e.Causes {
			s += "\n- " + c
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "(nothing to show)"
	}
	return strings.Join(parts, "\n\n")
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// stepSummary is a step in one line, as older turns appear in a prompt.
func stepSummary(res core.StepResult) string {
	o := res.Observation
	s := fmt.Sprintf("step %d %s: %s", res.Step, o.Action, o.Status)
	if sub := o.Submission; sub != nil && sub.Valid {
		s += fmt.Sprintf(", raw score %.6g", sub.RawScore)
		if sub.HumanRank != nil {
			s += fmt.Sprintf(", HumanRank %.4f", sub.HumanRank.Mean)
		}
	}
	if x := o.Execution; x != nil && x.Outcome != core.OutcomeOK {
		s += fmt.Sprintf(", execution %s", x.Outcome)
	}
	if e := o.Error; e != nil {
		s += fmt.Sprintf(", %s: %s", e.Type, oneLine(e.Message, 160))
	}
	return s
}

// failedTurnMessage answers a turn that gave no usable action.
func failedTurnMessage(problem string, repairs int, b budget) string {
	return fmt.Sprintf("# No action taken\n\nYour reply could not be used as an action (%s), also after %d attempt(s) to fix it, so no step was taken.\n\n%s\nReply with one action as a JSON object {\"action\": ..., \"params\": {...}}.", problem, repairs, b)
}

// repairMessage sends a reply back: what was wrong and the format again.
func repairMessage(problem string, known []string) string {
	var names string
	if len(known) > 0 {
		names = "\nThe actions are: " + strings.Join(known, ", ") + "."
	}
	return fmt.Sprintf("Your reply could not be used: %s.\n\nReply again with exactly one action as a JSON object, in a ```json fenced block:\n{\"action\": \"<action name>\", \"params\": {<parameters>}}%s\nCode goes into \"code\" as one JSON string with its line breaks written \\n and its quotes \\\".", problem, names)
}

func clipMiddle(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	head, tail := limit/4, len(s)-(limit-limit/4)
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return fmt.Sprintf("%s\n[... %d bytes not shown ...]\n%s", s[:head], tail-head, s[tail:])
}

func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > limit {
		for limit > 0 && !utf8.RuneStart(s[limit]) {
			limit--
		}
		s = s[:limit] + "..."
	}
	return s
}
