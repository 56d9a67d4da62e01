package env

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/scoring"
)

// ScoreSplit says which answers score a submission during the episode.
type ScoreSplit string

// Score splits.
const (
	// SplitFull scores every submission on all the answers, as the original benchmark does.
	SplitFull ScoreSplit = "full"
	// SplitPublic scores submissions during the episode on a seeded part of the answers (the public
	// part, like Kaggle's public leaderboard) and holds the rest out: when the episode ends, one
	// submission — the one the agent submitted, else its best — is scored once on the held-out part,
	// and that is the episode's final score. The agent never sees a held-out number while it plays,
	// so it cannot tune on them.
	SplitPublic ScoreSplit = "public"
)

// DefaultPublicFraction is the share of the answers' ids in the public part under SplitPublic.
const DefaultPublicFraction = 0.3

const (
	splitDir     = "split"
	finalFile    = "final.json"
	publicFile   = "answers_public.csv"
	heldOutFile  = "answers_heldout.csv"
	splitIDParam = "id_column"
)

// FinalScore is final.json: the held-out score of an episode played under SplitPublic.
type FinalScore struct {
	Split string `json:"split"`
	// Step is the step whose submission was scored; 0 when the episode had no valid submission.
	Step int `json:"step"`
	// Chosen says why that submission: "submitted" (the agent's final answer) or "best_public".
	Chosen string `json:"chosen,omitempty"`
	// Public is the submission's score on the public part, as the agent saw it.
	Public *core.SubmissionResult `json:"public,omitempty"`
	// HeldOut is its score on the held-out part: the episode's final score.
	HeldOut *core.SubmissionResult `json:"heldout,omitempty"`
	Error   *core.Error            `json:"error,omitempty"`
	Time    time.Time              `json:"time"`
}

// ReadFinal reads an episode directory's final.json; ok is false when it has none.
func ReadFinal(dir string) (f FinalScore, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, finalFile))
	if errors.Is(err, os.ErrNotExist) {
		return f, false, nil
	}
	if err != nil {
		return f, false, core.Errorf(core.TypeInternal, "reading %s: %w", finalFile, err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, false, core.Errorf(core.TypeInternal, "%s in %s is not valid JSON: %v", finalFile, dir, err)
	}
	return f, true, nil
}

// answerSplit is the public/held-out cut of the answers, made once per episode from its seed.
type answerSplit struct {
	idColumn string
	public   map[string]bool
	dir      string // the episode's split directory (host-only)
}

func (s *answerSplit) publicAnswers() string  { return filepath.Join(s.dir, publicFile) }
func (s *answerSplit) heldOutAnswers() string { return filepath.Join(s.dir, heldOutFile) }

// openSplit cuts the answers into a public and a held-out part, or reopens the cut an earlier run of
// the episode made (on resume), so the parts never change during an episode.
func openSplit(comp core.Competition, cfg Config) (*answerSplit, error) {
	s := &answerSplit{dir: filepath.Join(cfg.Dir, splitDir)}
	idCol, _ := comp.Metric.Params[splitIDParam].(string)
	if _, err := os.Stat(s.publicAnswers()); err == nil {
		header, ids, err := readIDs(s.publicAnswers(), idCol)
		if err != nil {
			return nil, err
		}
		s.idColumn = header
		s.public = make(map[string]bool, len(ids))
		for _, id := range ids {
			s.public[id] = true
		}
		return s, nil
	}
	header, ids, err := readIDs(comp.AnswersPath, idCol)
	if err != nil {
		return nil, err
	}
	s.idColumn = header
	unique := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	if len(unique) < 2 {
		return nil, core.Errorf(core.TypeConfig, "score_split public needs at least 2 ids in the answers; %s has %d", comp.ID, len(unique)).
			WithCauses("use score_split full for this competition")
	}
	frac := cfg.PublicFraction
	if frac == 0 {
		frac = DefaultPublicFraction
	}
	n := min(len(unique)-1, max(1, int(math.Round(frac*float64(len(unique))))))
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5ec7e75))
	rng.Shuffle(len(unique), func(i, j int) { unique[i], unique[j] = unique[j], unique[i] })
	s.public = make(map[string]bool, n)
	for _, id := range unique[:n] {
		s.public[id] = true
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, core.Errorf(core.TypeInternal, "split directory: %w", err)
	}
	if err := filterCSV(comp.AnswersPath, s.heldOutAnswers(), s.idColumn, func(id string) bool { return !s.public[id] }); err != nil {
		return nil, err
	}
	// The public file last: its presence marks a finished cut.
	if err := filterCSV(comp.AnswersPath, s.publicAnswers(), s.idColumn, func(id string) bool { return s.public[id] }); err != nil {
		return nil, err
	}
	return s, nil
}

// readIDs returns the id column's name (idCol, or the first column when empty) and its values.
func readIDs(path, idCol string) (string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, core.Errorf(core.TypeGroundTruth, "opening the answers: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return "", nil, core.Errorf(core.TypeGroundTruth, "reading the answers' header: %v", err)
	}
	col, err := columnIndex(header, idCol)
	if err != nil {
		return "", nil, core.AsError(err).WithCauses("set the metric's id_column param; the held-out split cuts the answers by id")
	}
	name := header[col]
	var ids []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, core.Errorf(core.TypeGroundTruth, "reading the answers: %v", err)
		}
		ids = append(ids, strings.TrimSpace(rec[col]))
	}
	return name, ids, nil
}

func columnIndex(header []string, name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	for i, h := range header {
		if strings.TrimSpace(h) == name {
			return i, nil
		}
	}
	return -1, core.Errorf(core.TypeGroundTruth, "no column %q in %v", name, header)
}

// filterCSV copies src to dst keeping the header and the rows whose id column passes keep. A src
// that is not well-formed CSV, or lacks the id column, is copied whole: the metric then reports the
// problem with the file as it would without a split.
func filterCSV(src, dst, idCol string, keep func(id string) bool) error {
	in, err := os.Open(src)
	if err != nil {
		return core.Errorf(core.TypeInternal, "opening %s: %v", filepath.Base(src), err)
	}
	defer in.Close()
	r := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	r.FieldsPerRecord = -1
	var rows [][]string
	header, err := r.Read()
	col := -1
	if err == nil {
		col, err = columnIndex(header, idCol)
		rows = append(rows, header)
	}
	for err == nil {
		var rec []string
		if rec, err = r.Read(); err == nil && col < len(rec) && keep(strings.TrimSpace(rec[col])) {
			rows = append(rows, rec)
		}
	}
	if err != io.EOF {
		return copyFile(src, dst)
	}
	out, err := os.Create(dst)
	if err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %v", filepath.Base(dst), err)
	}
	w := csv.NewWriter(bufio.NewWriterSize(out, 1<<20))
	if err := w.WriteAll(rows); err != nil {
		out.Close()
		return core.Errorf(core.TypeInternal, "writing %s: %v", filepath.Base(dst), err)
	}
	return out.Close()
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err == nil {
		err = os.WriteFile(dst, b, 0o600)
	}
	if err != nil {
		return core.Errorf(core.TypeInternal, "copying %s: %v", filepath.Base(src), err)
	}
	return nil
}

// scoreOn scores a submission file against an answers file and ranks it on the boards.
func (e *Episode) scoreOn(ctx context.Context, answers, submission string) (*core.SubmissionResult, error) {
	res, err := scoring.Score(ctx, e.deps.Plugins, scoring.Request{
		Metric: e.comp.Metric.Name, Params: e.comp.Metric.Params, AnswersPath: answers, SubmissionPath: submission,
	})
	if err != nil {
		return nil, err
	}
	sub := &core.SubmissionResult{Valid: res.Valid, RawScore: res.RawScore, Rows: res.Rows}
	if !res.Valid {
		return sub, res.Error
	}
	if len(e.boards) > 0 {
		r := core.RankSorted(res.RawScore, e.boards)
		sub.HumanRank = &r
		sub.Medal = e.boards[len(e.boards)-1].Medal(res.RawScore).Medal
	}
	return sub, nil
}

// Finish ends the scoring of an episode played under SplitPublic: it scores the agent's chosen
// submission on the held-out answers, writes final.json and returns it. Step calls it when the
// episode terminates or is truncated; call it yourself when the agent stops early. Once the episode
// is finished (since its last reset), Finish returns the recorded score again. It returns nil when
// the episode has no held-out split.
func (e *Episode) Finish(ctx context.Context) (*FinalScore, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.state.reset || e.split == nil {
		return nil, nil
	}
	if e.state.finished {
		f, ok, err := ReadFinal(e.cfg.Dir)
		if err != nil || !ok {
			return nil, err
		}
		return &f, nil
	}
	return e.finish(ctx, 0, nil)
}

// finish is Finish with the lock held. submittedStep is the step whose valid submission the agent
// gave as its final answer, or 0; current is the submission result of the step being taken, not yet
// in the state's records.
func (e *Episode) finish(ctx context.Context, submittedStep int, current *core.SubmissionResult) (*FinalScore, error) {
	if e.split == nil || e.state.finished {
		return nil, nil
	}
	e.state.finished = true
	f := FinalScore{Split: string(SplitPublic), Time: time.Now().UTC()}
	switch {
	case submittedStep > 0:
		f.Step, f.Chosen = submittedStep, "submitted"
	case e.state.bestStep > 0:
		f.Step, f.Chosen = e.state.bestStep, "best_public"
	}
	if f.Step > 0 {
		if s := e.stepResult(f.Step); s != nil {
			f.Public = s.Observation.Submission
		} else if f.Step == e.state.step {
			f.Public = current
		}
		dir := filepath.Join(e.cfg.Dir, stepsDir, stepName(f.Step))
		src := filepath.Join(dir, e.cfg.SubmissionFile)
		heldOut := filepath.Join(dir, "submission.heldout.csv")
		err := filterCSV(src, heldOut, e.split.idColumn, func(id string) bool { return !e.split.public[id] })
		if err == nil {
			f.HeldOut, err = e.scoreOn(ctx, e.split.heldOutAnswers(), heldOut)
		}
		if err != nil {
			f.Error = core.AsError(err)
		}
	} else {
		f.Error = core.Errorf(core.TypeSubmissionNotFound, "the episode ended without a valid submission to score on the held-out answers")
	}
	if err := e.rec.writeJSONAtomic(finalFile, f); err != nil {
		return &f, err
	}
	return &f, nil
}

// stepResult returns the recorded result of step n in the current reset segment, or nil.
func (e *Episode) stepResult(n int) *core.StepResult {
	for i := len(e.state.steps) - 1; i >= 0; i-- {
		if e.state.steps[i].Result.Step == n {
			return &e.state.steps[i].Result
		}
	}
	return nil
}

func (s ScoreSplit) valid() bool { return s == "" || s == SplitFull || s == SplitPublic }

func (s ScoreSplit) String() string {
	if s == "" {
		return string(SplitFull)
	}
	return string(s)
}
