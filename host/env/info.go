package env

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// InfoTypes are the kinds of information request_info answers.
var InfoTypes = []string{"overview", "sample_submission", "data_structure", "data_path", "output_path", "name", "metadata", "all"}

func (e *Episode) requestInfo(p core.Params) outcome {
	obs := e.observe(core.ActionRequestInfo)
	kind, err := p.String("info_type", "all")
	if err == nil {
		err = p.CheckKnown("info_type")
	}
	if err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	kinds := []string{kind}
	if kind == "all" {
		kinds = InfoTypes[:len(InfoTypes)-1]
	}
	obs.Info = map[string]any{}
	for _, k := range kinds {
		v, err := e.infoValue(k)
		if err != nil {
			obs.Error = core.AsError(err)
			return outcome{obs: obs, counts: true}
		}
		obs.Info[k] = v
	}
	return outcome{obs: obs, counts: true}
}

func (e *Episode) infoValue(kind string) (any, error) {
	switch kind {
	case "overview":
		return e.comp.Description, nil
	case "sample_submission":
		return e.sampleSubmission()
	case "data_structure":
		return tree(e.comp.PublicDir, 3, 200), nil
	case "data_path":
		return sandbox.PublicMount, nil
	case "output_path":
		return sandbox.WorkspaceMount, nil
	case "name":
		return e.comp.ID, nil
	case "metadata":
		boards := map[string]int{}
		for _, b := range e.boards {
			boards[b.Name()] = b.Teams()
		}
		return map[string]any{
			"id": e.comp.ID, "title": e.comp.Title, "domain": e.comp.Domain, "task_type": e.comp.TaskType,
			"metric": e.comp.Metric.Name, "direction": e.comp.Direction, "leaderboard_teams": boards,
			"submission_file": filepath.Join(sandbox.WorkspaceMount, e.cfg.SubmissionFile),
		}, nil
	}
	return nil, core.Errorf(core.TypeInfoRequest, "unknown info_type %q", kind).
		WithCauses("use one of: " + strings.Join(InfoTypes, ", "))
}

// sampleSubmission returns the head of the public sample submission as text: enough for the agent to
// see the columns and id format.
func (e *Episode) sampleSubmission() (string, error) {
	matches, _ := filepath.Glob(filepath.Join(e.comp.PublicDir, "sample_submission*"))
	if len(matches) == 0 {
		matches, _ = filepath.Glob(filepath.Join(e.comp.PublicDir, "*submission*.csv"))
	}
	if len(matches) == 0 {
		return "", core.Errorf(core.TypeInfoRequest, "competition %s has no sample submission file", e.comp.ID).
			WithCauses("read the overview's submission section instead")
	}
	f, err := os.Open(matches[0])
	if err != nil {
		return "", core.Errorf(core.TypeCompetitionData, "sample submission: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	lines := strings.SplitAfter(string(buf[:n]), "\n")
	if len(lines) > 6 {
		lines = lines[:6]
	}
	return fmt.Sprintf("%s (first lines):\n%s", filepath.Base(matches[0]), strings.Join(lines, "")), nil
}

// tree draws dir as an indented listing, like the original's data_structure, bounded in depth and
// entries so a folder of a million images does not flood the agent.
func tree(dir string, depth, maxEntries int) string {
	var b strings.Builder
	count := 0
	var walk func(d, indent string, level int)
	walk = func(d, indent string, level int) {
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for i, en := range entries {
			if count >= maxEntries {
				fmt.Fprintf(&b, "%s... (%d more)\n", indent, len(entries)-i)
				return
			}
			count++
			name := en.Name()
			if en.IsDir() {
				name += "/"
			} else if st, err := en.Info(); err == nil {
				name = fmt.Sprintf("%s (%s)", name, humanBytes(st.Size()))
			}
			fmt.Fprintf(&b, "%s%s\n", indent, name)
			if en.IsDir() && level < depth {
				walk(filepath.Join(d, en.Name()), indent+"    ", level+1)
			}
		}
	}
	b.WriteString(sandbox.PublicMount + "/\n")
	walk(dir, "    ", 1)
	return b.String()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// taskText is the reset observation's task statement.
func (e *Episode) taskText() string {
	return fmt.Sprintf(`Competition: %s (%s)
Metric: %s (%s is better)
Public data (read-only): %s
Workspace (your working directory): %s
Write your predictions to %s.
Actions: %s
Budget: %d steps, %s.`,
		e.comp.Title, e.comp.ID, e.comp.Metric.Name, map[core.Direction]string{core.HigherIsBetter: "higher", core.LowerIsBetter: "lower"}[e.comp.Direction],
		sandbox.PublicMount, sandbox.WorkspaceMount, filepath.Join(sandbox.WorkspaceMount, e.cfg.SubmissionFile),
		joinNames(append(append([]string(nil), core.CoreActions...), e.cfg.Actions...)), e.cfg.MaxSteps, e.cfg.MaxTime)
}
