package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// maxShown caps how much of a program's output the text repeats; the full output is in the
// observation and the history.
const maxShown = 4000

type base struct{}

var _ pluginapi.Feedback = base{}

func (base) Render(_ context.Context, req pluginapi.RenderRequest) (pluginapi.RenderResponse, error) {
	s := req.Step
	o := s.Observation
	var b strings.Builder
	switch o.Action {
	case core.ActionRequestInfo:
		section(&b, "Competition Info")
		keys := make([]string, 0, len(o.Info))
		for k := range o.Info {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "[%s]\n%s\n\n", k, text(o.Info[k]))
		}
	case core.ActionValidateCode, core.ActionExecuteCode:
		title := "Code Execution Results"
		if o.Action == core.ActionValidateCode {
			title = "Code Validation Results"
		}
		section(&b, title)
		if x := o.Execution; x != nil {
			if x.Outcome == core.OutcomeOK {
				b.WriteString("Execution successful\n")
			} else {
				fmt.Fprintf(&b, "Execution failed: %s (exit code %d)\n", x.Outcome, x.ExitCode)
			}
			fmt.Fprintf(&b, "Execution time: %.2fs\n", x.Duration.Seconds())
			if x.Stdout != "" {
				fmt.Fprintf(&b, "Output:\n%s\n", clip(x.Stdout))
			}
			if x.Stderr != "" {
				fmt.Fprintf(&b, "Errors:\n%s\n", clip(x.Stderr))
			}
		}
		if sub := o.Submission; sub != nil {
			section(&b, "Submission Evaluation")
			if sub.Valid {
				b.WriteString("Submission successful\n")
				if sub.HumanRank != nil {
					for _, br := range sub.HumanRank.Boards {
						fmt.Fprintf(&b, "%s leaderboard: position %d / %d (HumanRank %.4f)\n", title1(br.Board), br.Position, br.Teams, br.Value)
					}
					fmt.Fprintf(&b, "Average HumanRank: %.4f\n", sub.HumanRank.Mean)
				}
				fmt.Fprintf(&b, "Raw score: %.10g\n", sub.RawScore)
				if sub.Medal != "" && sub.Medal != core.MedalNone {
					fmt.Fprintf(&b, "Medal: %s\n", sub.Medal)
				}
			} else {
				b.WriteString("Submission failed\n")
			}
		}
	case core.ActionGetHistory:
		section(&b, "History")
		b.WriteString(text(o.Info["steps"]) + "\n")
	default:
		section(&b, "Action "+o.Action)
		if out, ok := o.Info["output"]; ok {
			b.WriteString(text(out) + "\n")
		} else if len(o.Info) > 0 {
			b.WriteString(text(o.Info) + "\n")
		}
	}
	if e := o.Error; e != nil {
		section(&b, "Error")
		fmt.Fprintf(&b, "Type: %s\nMessage: %s\n", e.Type, e.Message)
		if e.Details != "" {
			fmt.Fprintf(&b, "Details:\n%s\n", clip(e.Details))
		}
		if len(e.Causes) > 0 {
			b.WriteString("Likely causes and fixes:\n")
			for _, c := range e.Causes {
				fmt.Fprintf(&b, "  - %s\n", c)
			}
		}
	}
	section(&b, "Progress")
	if o.BestRaw != nil {
		fmt.Fprintf(&b, "Best raw score so far: %.10g\n", *o.BestRaw)
	}
	if o.BestRank != nil {
		fmt.Fprintf(&b, "Best HumanRank so far: %.4f\n", *o.BestRank)
	}
	fmt.Fprintf(&b, "Reward this step: %.4f\nSteps left: %d, time left: %s\n", s.Reward, o.StepsLeft, o.TimeLeft.Round(time.Second))
	if s.Terminated || s.Truncated {
		b.WriteString("The episode is over.\n")
	}
	if o.Insecure {
		b.WriteString("WARNING: this sandbox runs without isolation.\n")
	}
	return pluginapi.RenderResponse{Text: b.String()}, nil
}

func section(b *strings.Builder, title string) {
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "=== %s ===\n", title)
}

func title1(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clip keeps the end of long output, where the error usually is.
func clip(s string) string {
	s = strings.TrimRight(s, "\n")
	if len(s) <= maxShown {
		return s
	}
	return fmt.Sprintf("[... %d earlier bytes not shown ...]\n%s", len(s)-maxShown, s[len(s)-maxShown:])
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return clip(s)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b))
}
