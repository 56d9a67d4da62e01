package env

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// getHistory returns the episode's steps so far: what the agent did and how it went.
func (e *Episode) getHistory(p core.Params) outcome {
	obs := e.observe(core.ActionGetHistory)
	last, err := p.Int("last", 0)
	if err == nil {
		err = p.CheckKnown("last")
	}
	if err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	entries := e.state.log
	if last > 0 && last < len(entries) {
		entries = entries[len(entries)-last:]
	}
	obs.Info = map[string]any{"steps": entries, "total_reward": e.state.totalReward}
	return outcome{obs: obs, counts: true}
}

// resetAction is the agent's reset: a clean workspace and interpreter. Unlike Episode.Reset it keeps
// the budgets and the best scores, so it cannot be used to buy more steps; it says what it cleared.
func (e *Episode) resetAction(ctx context.Context) outcome {
	obs := e.observe(core.ActionReset)
	if err := e.sb.Reset(ctx); err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	if err := clearDir(e.work); err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	obs.Info = map[string]any{
		"cleared": []string{"workspace files", "interpreter state"},
		"kept":    []string{"step and time budgets", "best scores", "history"},
		"task":    e.taskText(),
	}
	return outcome{obs: obs, counts: true}
}

// custom invokes a custom action plugin with host services bound to this episode.
func (e *Episode) custom(ctx context.Context, a core.Action) outcome {
	obs := e.observe(a.Name)
	act, err := e.deps.Plugins.Action(a.Name)
	if err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	resp, err := act.Invoke(ctx, pluginapi.InvokeRequest{
		EpisodeID: e.id, Params: a.Params, Host: &hostServices{e: e, ctx: ctx},
	})
	if err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	obs.Info = map[string]any{"output": resp.Output}
	if resp.Data != nil {
		obs.Info["data"] = resp.Data
	}
	out := outcome{obs: obs, counts: true, terminal: resp.Terminal}
	if resp.SubmissionPath != "" {
		path, err := workspacePath(e.work, resp.SubmissionPath)
		if err == nil {
			var sub *core.SubmissionResult
			sub, err = e.scoreSubmission(ctx, path)
			out.obs.Submission = sub
			if err == nil && sub.Valid {
				out.reward = e.reward(sub)
				e.noteBest(sub)
			}
		}
		if err != nil {
			out.obs.Error = core.AsError(err)
		}
	}
	return out
}

// workspacePath resolves a workspace-relative path, refusing anything that leaves the workspace.
func workspacePath(root, rel string) (string, error) {
	return resolveUnder(root, rel)
}

// resolveUnder joins rel to root and checks the result, with symlinks resolved, stays under root.
// Sandbox paths (/workspace/x, /data/x) are accepted as the same file.
func resolveUnder(root, rel string) (string, error) {
	for _, mount := range []string{"/workspace/", "/data/"} {
		rel = strings.TrimPrefix(rel, mount)
	}
	clean := filepath.Clean(rel)
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", core.Errorf(core.TypeInvalidArgument, "path %q leaves its root", rel).
			WithCauses("use a path relative to the workspace, without ..")
	}
	path := filepath.Join(root, clean)
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", core.Errorf(core.TypeInternal, "resolving %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(path)
	if os.IsNotExist(err) {
		// A file about to be written: its directory must resolve under root.
		dir, derr := filepath.EvalSymlinks(filepath.Dir(path))
		if derr != nil || !within(realRoot, dir) {
			return "", core.Errorf(core.TypeInvalidArgument, "path %q is not under its root", rel)
		}
		return filepath.Join(dir, filepath.Base(path)), nil
	}
	if err != nil {
		return "", core.Errorf(core.TypeInvalidArgument, "path %q: %v", rel, err)
	}
	if !within(realRoot, real) {
		return "", core.Errorf(core.TypeInvalidArgument, "path %q resolves outside its root", rel).
			WithCauses("symlinks may not point out of the workspace")
	}
	return real, nil
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}
