package layout

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Load reads a competition directory, checks its layout, verifies every file against the recorded
// checksums, and returns the competition with absolute paths and both leaderboards. source names the
// task loader (set as Competition.Source).
func Load(dir, source string) (core.Competition, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return core.Competition{}, core.Errorf(core.TypeCompetitionData, "%s: %w", dir, err)
	}
	m, err := ReadManifest(abs)
	if err != nil {
		return core.Competition{}, err
	}
	if err := CheckLayout(abs, m); err != nil {
		return core.Competition{}, err
	}
	if err := Verify(abs, m); err != nil {
		return core.Competition{}, err
	}
	desc, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(m.Description)))
	if err != nil {
		return core.Competition{}, problem(ErrMissingDescription, "competition %s: cannot read %s: %w", m.ID, m.Description, err)
	}
	c := core.Competition{
		ID: m.ID, Title: m.Title, Domain: m.Domain, TaskType: m.TaskType, Description: string(desc),
		Metric: m.Metric, Direction: m.Direction, Source: source,
		PublicDir:   filepath.Join(abs, PublicDir),
		AnswersPath: filepath.Join(abs, filepath.FromSlash(AnswersFile)),
	}
	for _, b := range []struct {
		name string
		file BoardFile
	}{{"public", m.Leaderboards.Public}, {"private", m.Leaderboards.Private}} {
		scores, err := ReadBoard(filepath.Join(abs, filepath.FromSlash(b.file.File)), m.Direction)
		if err != nil {
			return core.Competition{}, withID(err, m.ID)
		}
		c.Boards = append(c.Boards, core.Leaderboard{Name: b.name, Scores: scores, Reference: b.file.Reference})
	}
	if err := c.Validate(); err != nil {
		return core.Competition{}, err
	}
	return c, nil
}

// CheckLayout checks that the files the manifest and the format require are there: public/ (a
// directory holding sample_submission.csv whose header is the manifest's submission columns),
// private/answers.csv, the description and both leaderboard files. It reads no data beyond the
// sample submission's header and does not verify checksums.
func CheckLayout(dir string, m Manifest) error {
	pub := filepath.Join(dir, PublicDir)
	if st, err := os.Stat(pub); err != nil || !st.IsDir() {
		return problem(ErrMissingPublic, "competition %s has no public/ directory", m.ID).
			WithDetails("looked for %s", pub).
			WithCauses("public/ holds what the agent sees: train data, test data without targets, sample_submission.csv", reprepare(m.ID))
	}
	if !regular(filepath.Join(dir, filepath.FromSlash(AnswersFile))) {
		return problem(ErrMissingAnswers, "competition %s has no %s", m.ID, AnswersFile).
			WithCauses("the host scores submissions against private/answers.csv (the id column and the targets)", reprepare(m.ID))
	}
	if !regular(filepath.Join(dir, filepath.FromSlash(m.Description))) {
		return problem(ErrMissingDescription, "competition %s: description file %s is missing", m.ID, m.Description).
			WithCauses("write the overview the agent reads (task, data files, evaluation, submission format) to " + m.Description)
	}
	for _, b := range []struct{ name, file string }{{"public", m.Leaderboards.Public.File}, {"private", m.Leaderboards.Private.File}} {
		if !regular(filepath.Join(dir, filepath.FromSlash(b.file))) {
			return problem(ErrMissingLeaderboard, "competition %s: %s leaderboard file %s is missing", m.ID, b.name, b.file).
				WithCauses("HumanRank needs both boards: CSV files of rank,score, best first", reprepare(m.ID))
		}
	}
	header, err := readHeader(filepath.Join(dir, filepath.FromSlash(SampleFile)))
	if err != nil {
		return problem(ErrSampleSubmission, "competition %s: cannot read %s: %w", m.ID, SampleFile, err).
			WithCauses("public/sample_submission.csv shows the agent the submission format", reprepare(m.ID))
	}
	if strings.Join(header, ",") != strings.Join(m.SubmissionColumns, ",") {
		return problem(ErrSampleSubmission, "competition %s: %s has columns %s, competition.yaml says %s",
			m.ID, SampleFile, strings.Join(header, ","), strings.Join(m.SubmissionColumns, ",")).
			WithCauses("make submission_columns and the sample submission's header agree")
	}
	return nil
}

// Prepared reports whether dir holds a complete competition with recorded checksums, without
// hashing anything (Load verifies the checksums).
func Prepared(dir string, m Manifest) bool {
	return len(m.Checksums) > 0 && CheckLayout(dir, m) == nil
}

// ReadBoard reads a leaderboard CSV: a rank,score header, then one row per team, best first (ranks
// ascending from 1, scores in the order dir ranks them; ties share or skip ranks as published).
func ReadBoard(path string, dir core.Direction) ([]float64, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, problem(ErrMissingLeaderboard, "leaderboard %s is missing", path)
		}
		return nil, problem(ErrLeaderboard, "cannot read leaderboard %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if err != nil || strings.TrimPrefix(header[0], "\ufeff") != "rank" || header[1] != "score" {
		return nil, problem(ErrLeaderboard, "leaderboard %s does not start with the header rank,score", name)
	}
	var scores []float64
	prevRank := 0
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, problem(ErrLeaderboard, "leaderboard %s: %w", name, err)
		}
		rank, err1 := strconv.Atoi(strings.TrimSpace(rec[0]))
		score, err2 := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		switch {
		case err1 != nil || rank < 1:
			return nil, problem(ErrLeaderboard, "leaderboard %s line %d: rank %q is not a positive integer", name, line, rec[0])
		case err2 != nil || math.IsNaN(score) || math.IsInf(score, 0):
			return nil, problem(ErrLeaderboard, "leaderboard %s line %d: score %q is not a finite number", name, line, rec[1])
		case rank < prevRank:
			return nil, problem(ErrLeaderboard, "leaderboard %s line %d: rank %d after rank %d", name, line, rank, prevRank).
				WithCauses("list teams best first")
		case len(scores) > 0 && dir.Better(score, scores[len(scores)-1]):
			return nil, problem(ErrLeaderboard, "leaderboard %s line %d: score %v is better than the row above it (%v) for a metric to %s",
				name, line, score, scores[len(scores)-1], dir).WithCauses("list teams best first")
		}
		prevRank = rank
		scores = append(scores, score)
	}
	if len(scores) == 0 {
		return nil, problem(ErrLeaderboard, "leaderboard %s has no scores", name)
	}
	return scores, nil
}

func readHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := csv.NewReader(f).Read()
	if err != nil {
		return nil, err
	}
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
	}
	return rec, nil
}

func regular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// withID prefixes a leaderboard error's message with the competition id.
func withID(err error, id string) error {
	if ce, ok := err.(*core.Error); ok {
		ce.Message = "competition " + id + ": " + ce.Message
		ce.WithCauses(reprepare(id))
		return ce
	}
	return err
}
