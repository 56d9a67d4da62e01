package env

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
)

// maxSubmissionBytes bounds the copy the host takes of a submission.
const maxSubmissionBytes = 2 << 30

// syntaxCheck parses the file named by argv[1] without running it and prints the error like Python.
const syntaxCheck = `import ast, sys
src = open(sys.argv[1], encoding="utf-8").read()
try:
    ast.parse(src, filename="<agent code>")
except SyntaxError as e:
    print(f"SyntaxError: {e.msg} (line {e.lineno}, column {e.offset})", file=sys.stderr)
    if e.text:
        print("    " + e.text.rstrip(), file=sys.stderr)
    sys.exit(1)
`

// runCode is validate_code (score=false: syntax check, run, discard the submission, reward 0) and
// execute_code (score=true: run, then score the submission and rank it).
func (e *Episode) runCode(ctx context.Context, p core.Params, score bool) outcome {
	name := core.ActionValidateCode
	if score {
		name = core.ActionExecuteCode
	}
	obs := e.observe(name)
	code, err := p.String("code", "")
	if err == nil {
		err = p.CheckKnown("code")
	}
	if err == nil && strings.TrimSpace(code) == "" {
		err = core.Errorf(core.TypeInvalidArgument, "%s needs non-empty code", name).
			WithCauses(`pass the Python source as params.code`)
	}
	if err != nil {
		obs.Error = core.AsError(err)
		return outcome{obs: obs, counts: true}
	}
	out := outcome{obs: obs, counts: true, code: code}
	timeout := min(e.cfg.ExecTimeout, e.cfg.MaxTime-e.elapsed())
	if timeout <= 0 {
		out.obs.Error = core.Errorf(core.TypeSandboxResource, "no time left in the episode's budget")
		return out
	}
	subPath := filepath.Join(e.work, e.cfg.SubmissionFile)
	if score {
		// Each execute_code is scored on the submission it writes; an older one (kept under steps/)
		// must not be scored again as if this code had made it.
		_ = os.Remove(subPath)
	} else {
		// validate_code must not disturb a submission the agent already made.
		restore, err := setAside(subPath)
		if err != nil {
			out.obs.Error = core.AsError(err)
			return out
		}
		defer restore()
		if syntaxErr := e.checkSyntax(ctx, code); syntaxErr != nil {
			out.obs.Error = syntaxErr
			return out
		}
	}
	res, err := e.sb.Exec(ctx, sandbox.ExecRequest{Code: code, Timeout: timeout})
	if err != nil {
		out.obs.Error = core.AsError(err)
		return out
	}
	out.obs.Execution = executionResult(res)
	if res.SessionRestarted {
		out.obs.Info = map[string]any{"session_restarted": true}
	}
	if err := executionError(res); err != nil {
		out.obs.Error = err
		return out
	}
	if !score {
		return out
	}
	sub, err := e.scoreSubmission(ctx, subPath)
	if err != nil {
		if out.obs.Error == nil {
			out.obs.Error = core.AsError(err)
		}
		return out
	}
	out.obs.Submission = sub
	if !sub.Valid {
		return out
	}
	out.reward = e.reward(sub)
	e.noteBest(sub)
	return out
}

// reward is a valid submission's reward: its mean HumanRank in position mode (0 when the competition
// has no leaderboard), its raw score in raw mode.
func (e *Episode) reward(sub *core.SubmissionResult) float64 {
	if e.cfg.ScoreMode == ScoreRaw {
		return sub.RawScore
	}
	if sub.HumanRank == nil {
		return 0
	}
	return sub.HumanRank.Mean
}

func (e *Episode) checkSyntax(ctx context.Context, code string) *core.Error {
	dir := filepath.Join(e.work, ".dojo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return core.Errorf(core.TypeInternal, "writing code for the syntax check: %w", err)
	}
	file := fmt.Sprintf("check-%d.py", e.state.step+1)
	if err := os.WriteFile(filepath.Join(dir, file), []byte(code), 0o644); err != nil {
		return core.Errorf(core.TypeInternal, "writing code for the syntax check: %w", err)
	}
	defer os.Remove(filepath.Join(dir, file))
	res, err := e.sb.Exec(ctx, sandbox.ExecRequest{
		Argv: []string{"python3", "-c", syntaxCheck, filepath.Join(sandbox.WorkspaceMount, ".dojo", file)}, Timeout: 30 * time.Second,
	})
	if err != nil {
		return core.AsError(err)
	}
	if res.ExitCode != 0 {
		return core.Errorf(core.TypeCodeSyntax, "the code does not parse").WithDetails("%s", strings.TrimSpace(res.Stderr)).
			WithCauses("fix the syntax error at the line shown")
	}
	return nil
}

func executionResult(r sandbox.Result) *core.ExecutionResult {
	return &core.ExecutionResult{
		ExitCode: r.ExitCode, Stdout: r.Stdout, Stderr: r.Stderr, Truncated: r.Truncated,
		Duration: r.Duration, PeakBytes: r.PeakBytes, Outcome: r.Outcome,
	}
}

// executionError classifies a run that did not end well.
func executionError(r sandbox.Result) *core.Error {
	tail := lastLines(r.Stderr, 15)
	switch r.Outcome {
	case core.OutcomeOK:
		return nil
	case core.OutcomeTimedOut:
		return core.Errorf(core.TypeSandboxResource, "the code ran past its time limit and was stopped").
			WithCauses("make it faster: sample the data, fewer iterations, simpler models", "print progress to see where time goes")
	case core.OutcomeOutOfMemory:
		return core.Errorf(core.TypeSandboxResource, "the code ran out of memory and was killed").
			WithCauses("load fewer columns or rows, use smaller dtypes, free large objects")
	case core.OutcomeResourceLimit:
		return core.Errorf(core.TypeSandboxResource, "the code hit a resource limit (processes or disk)").WithDetails("%s", tail)
	case core.OutcomeKilled:
		return core.Errorf(core.TypeCodeRuntime, "the code was killed by a signal").WithDetails("%s", tail)
	}
	if strings.Contains(tail, "SyntaxError") || strings.Contains(tail, "IndentationError") {
		return core.Errorf(core.TypeCodeSyntax, "the code does not parse").WithDetails("%s", tail)
	}
	return core.Errorf(core.TypeCodeRuntime, "the code exited with status %d", r.ExitCode).WithDetails("%s", tail).
		WithCauses("read the traceback's last lines")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// scoreSubmission copies the workspace's submission into the host-only step directory — never
// following a symlink, never opening a FIFO or device — and scores the copy, so agent code cannot
// swap the file while it is read.
func (e *Episode) scoreSubmission(ctx context.Context, path string) (*core.SubmissionResult, error) {
	dir, err := e.rec.stepDir(e.state.step + 1)
	if err != nil {
		return nil, err
	}
	copyPath := filepath.Join(dir, e.cfg.SubmissionFile)
	if err := copySubmission(path, copyPath); err != nil {
		return &core.SubmissionResult{}, err
	}
	if e.split == nil {
		return e.scoreOn(ctx, e.comp.AnswersPath, copyPath)
	}
	public := filepath.Join(dir, "submission.public.csv")
	if err := filterCSV(copyPath, public, e.split.idColumn, func(id string) bool { return e.split.public[id] }); err != nil {
		return nil, err
	}
	return e.scoreOn(ctx, e.split.publicAnswers(), public)
}

func copySubmission(src, dst string) error {
	f, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return core.Errorf(core.TypeSubmissionNotFound, "no %s in the workspace", filepath.Base(src)).
				WithCauses(fmt.Sprintf("write the predictions to %s", filepath.Join(sandbox.WorkspaceMount, filepath.Base(src))))
		}
		return core.Errorf(core.TypeSubmissionInvalid, "%s cannot be opened: %v", filepath.Base(src), err).
			WithCauses("write the submission as a regular file, not a symlink")
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return core.Errorf(core.TypeSubmissionInvalid, "%s is not a regular file", filepath.Base(src)).
			WithCauses("write the submission as a regular CSV file (not a symlink, FIFO or device)")
	}
	if st.Size() > maxSubmissionBytes {
		return core.Errorf(core.TypeSubmissionInvalid, "%s is %d bytes, over the %d byte limit", filepath.Base(src), st.Size(), maxSubmissionBytes)
	}
	out, err := os.Create(dst)
	if err != nil {
		return core.Errorf(core.TypeInternal, "copying the submission: %w", err)
	}
	if _, err := io.Copy(out, io.LimitReader(f, maxSubmissionBytes)); err != nil {
		out.Close()
		return core.Errorf(core.TypeInternal, "copying the submission: %w", err)
	}
	return out.Close()
}

// setAside moves an existing submission out of the way and returns how to put it back.
func setAside(path string) (func(), error) {
	aside := path + ".dojo-aside"
	if _, err := os.Lstat(path); err != nil {
		return func() { os.Remove(path) }, nil
	}
	if err := os.Rename(path, aside); err != nil {
		return nil, core.Errorf(core.TypeInternal, "setting the submission aside: %w", err)
	}
	return func() {
		os.Remove(path)
		os.Rename(aside, path)
	}, nil
}

// noteBest keeps the best raw score and HumanRank so far.
func (e *Episode) noteBest(sub *core.SubmissionResult) { e.noteBestAt(sub, e.state.step+1) }

func (e *Episode) noteBestAt(sub *core.SubmissionResult, step int) {
	if math.IsNaN(sub.RawScore) {
		return
	}
	if e.state.bestRaw == nil || e.comp.Direction.Better(sub.RawScore, *e.state.bestRaw) {
		v := sub.RawScore
		e.state.bestRaw = &v
		e.state.bestStep = step
	}
	if sub.HumanRank != nil && (e.state.bestRank == nil || sub.HumanRank.Mean > *e.state.bestRank) {
		v := sub.HumanRank.Mean
		e.state.bestRank = &v
	}
}
