package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
	"github.com/mledojo/dojo/plugins/metrics/internal/pyref"
)

// lifeGame is one game of a test file: its id, steps, start and stop boards (row-major cells).
type lifeGame struct {
	id          string
	steps       int
	start, stop []byte
}

// lifeFiles writes the answers (id, steps, stop cells) and the submission (id, start cells, in a
// shuffled order when r is set) of games, with the column names params give.
func lifeFiles(t testing.TB, dir string, p core.Params, games []lifeGame, r *rand.Rand) (answers, submission string) {
	t.Helper()
	id, _ := p.String("id_column", "id")
	steps, _ := p.String("steps_column", "delta")
	startPrefix, _ := p.String("submission_prefix", "start_")
	stopPrefix, _ := p.String("stop_prefix", "stop_")
	cells := len(games[0].stop)
	header := func(first []string, prefix string) string {
		cols := append([]string(nil), first...)
		for k := range cells {
			cols = append(cols, prefix+strconv.Itoa(k))
		}
		return strings.Join(cols, ",") + "\n"
	}
	row := func(first []string, board []byte) string {
		var b strings.Builder
		b.WriteString(strings.Join(first, ","))
		for _, c := range board {
			b.WriteByte(',')
			b.WriteByte('0' + c)
		}
		b.WriteByte('\n')
		return b.String()
	}
	var a, s strings.Builder
	a.WriteString(header([]string{id, steps}, stopPrefix))
	s.WriteString(header([]string{id}, startPrefix))
	order := make([]int, len(games))
	for i := range order {
		order[i] = i
	}
	if r != nil {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	for i, g := range games {
		a.WriteString(row([]string{g.id, strconv.Itoa(g.steps)}, g.stop))
		h := games[order[i]]
		s.WriteString(row([]string{h.id}, h.start))
	}
	answers, submission = filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
	if err := os.WriteFile(answers, []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(submission, []byte(s.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return answers, submission
}

// randomBoard has each cell alive with probability density.
func randomBoard(r *rand.Rand, cells int, density float64) []byte {
	b := make([]byte, cells)
	for k := range b {
		if r.Float64() < density {
			b[k] = 1
		}
	}
	return b
}

// randomGames are n games on a board of cells: random densities from empty to full, a few boards
// entirely dead or alive on either side, steps from lo to hi.
func randomGames(r *rand.Rand, n, cells, lo, hi int) []lifeGame {
	games := make([]lifeGame, n)
	for i := range games {
		g := lifeGame{id: fmt.Sprint(50000 + i*3), steps: lo + r.IntN(hi-lo+1)}
		g.start = randomBoard(r, cells, r.Float64())
		g.stop = randomBoard(r, cells, r.Float64()*0.4)
		switch i % 11 {
		case 3:
			g.start = make([]byte, cells) // all dead: stays dead
		case 5:
			g.stop = make([]byte, cells)
		case 7:
			g.start, g.stop = make([]byte, cells), make([]byte, cells)
		case 9:
			g.start = randomBoard(r, cells, 1) // all alive
		}
		games[i] = g
	}
	return games
}

// Random games on boards of several shapes, rules and edges, scored by the plugin over gRPC and by
// testdata/life_reference.py (scipy's convolve2d, as Kaggle's stepping function), to 1e-9.
func TestLifeReverseMAE_AgreesWithTheReference(t *testing.T) {
	pyref.Require(t, "numpy", "pandas", "scipy.signal")
	r := rand.New(rand.NewPCG(7, 2020))
	type refCase struct {
		Name       string         `json:"-"`
		Params     map[string]any `json:"params"`
		Answers    string         `json:"answers"`
		Submission string         `json:"submission"`
	}
	kaggle := map[string]any{"id_column": "id", "submission_prefix": "start_", "stop_prefix": "stop_",
		"steps_column": "delta", "board": []any{25, 25}, "wrap": "toroidal", "rule": "B3/S23"}
	with := func(base map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	shapes := []struct {
		name       string
		params     map[string]any
		rows, cols int
		n, lo, hi  int
	}{
		{"kaggle 25x25 torus, delta 1..5", kaggle, 25, 25, 120, 1, 5},
		{"kaggle params left to their defaults", map[string]any{}, 25, 25, 40, 1, 5},
		{"25x25 dead edges", with(kaggle, "wrap", "none"), 25, 25, 60, 1, 5},
		{"delta 0 compares the start", with(kaggle), 25, 25, 20, 0, 0},
		{"long runs", with(kaggle), 25, 25, 20, 20, 40},
		{"64 wide, the widest bit board", with(kaggle, "board", []any{9, 64}), 9, 64, 40, 1, 5},
		{"64 wide, dead edges", with(kaggle, "board", []any{9, 64}, "wrap", "none"), 9, 64, 40, 1, 5},
		{"70 wide, cell by cell", with(kaggle, "board", []any{6, 70}), 6, 70, 40, 1, 5},
		{"70 wide, cell by cell, dead edges", with(kaggle, "board", []any{6, 70}, "wrap", "none"), 6, 70, 40, 1, 5},
		{"1x1 torus", with(kaggle, "board", []any{1, 1}), 1, 1, 30, 1, 5},
		{"2x3 torus", with(kaggle, "board", []any{2, 3}), 2, 3, 30, 1, 5},
		{"3x1 dead edges", with(kaggle, "board", []any{3, 1}, "wrap", "none"), 3, 1, 30, 1, 5},
		{"HighLife B36/S23", with(kaggle, "rule", "B36/S23"), 25, 25, 40, 1, 5},
		{"Seeds B2/S", with(kaggle, "rule", "B2/S", "board", []any{12, 17}), 12, 17, 40, 1, 5},
		{"B0/S8 births everywhere", with(kaggle, "rule", "b0/s8", "board", []any{5, 70}), 5, 70, 20, 1, 3},
		{"B0/S8 bit boards", with(kaggle, "rule", "b0/s8", "board", []any{5, 9}), 5, 9, 20, 1, 3},
		{"renamed columns", map[string]any{"id_column": "game", "steps_column": "steps", "submission_prefix": "s",
			"stop_prefix": "t", "board": "4,5"}, 4, 5, 30, 1, 5},
	}
	dir := t.TempDir()
	var cases []refCase
	for i, sh := range shapes {
		d := filepath.Join(dir, strconv.Itoa(i))
		os.Mkdir(d, 0o755)
		a, s := lifeFiles(t, d, core.Params(sh.params), randomGames(r, sh.n, sh.rows*sh.cols, sh.lo, sh.hi), r)
		cases = append(cases, refCase{Name: sh.name, Params: sh.params, Answers: a, Submission: s})
	}
	var want []float64
	pyref.Run(t, "testdata/life_reference.py", cases, &want)
	metrics := servedMetrics(t)
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			resp, err := metrics.Component("life_reverse_mae").Score(context.Background(), pluginapi.ScoreRequest{
				Metric: "life_reverse_mae", AnswersPath: c.Answers, SubmissionPath: c.Submission, Params: core.Params(c.Params)})
			if err != nil {
				t.Fatal(err)
			}
			if !pyref.Close(resp.Score, want[i]) {
				t.Errorf("score %.17g, reference %.17g", resp.Score, want[i])
			}
			if resp.Rows != int64(shapes[i].n) {
				t.Errorf("rows %d, want %d", resp.Rows, shapes[i].n)
			}
		})
	}
}

// A glider moves one cell down and right every four generations: a start four (or eight, across
// the wrapped edges) generations back reaches the stop board exactly, and the start Kaggle recorded
// need not be the one submitted.
func TestLifeReverseMAE_AGliderCrossesTheWrappedEdges(t *testing.T) {
	const H, W = 25, 25
	glider := func(r0, c0 int) []byte {
		b := make([]byte, H*W)
		for _, p := range [][2]int{{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}} {
			b[((r0+p[0])%H)*W+(c0+p[1])%W] = 1
		}
		return b
	}
	games := []lifeGame{
		{id: "1", steps: 4, start: glider(3, 3), stop: glider(4, 4)},
		{id: "2", steps: 8, start: glider(23, 23), stop: glider(0, 0)},        // across both edges
		{id: "3", steps: 5 * 4 * 25, start: glider(0, 0), stop: glider(0, 0)}, // once round the torus
		{id: "4", steps: 1, start: make([]byte, H*W), stop: make([]byte, H*W)},
	}
	dir := t.TempDir()
	a, s := lifeFiles(t, dir, nil, games, nil)
	resp, err := servedMetrics(t).Component("life_reverse_mae").Score(context.Background(),
		pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: core.Params{"board": []any{H, W}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Score != 0 || resp.Rows != 4 || resp.Extras["boards_solved"] != 1 {
		t.Fatalf("got %+v, want a perfect score on 4 games", resp)
	}
	// With dead edges the gliders of games 2 and 3 run into the edges and miss their stop boards.
	resp, err = servedMetrics(t).Component("life_reverse_mae").Score(context.Background(),
		pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: core.Params{"wrap": "none"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Score == 0 || resp.Extras["boards_solved"] != 0.5 {
		t.Fatalf("dead edges: got %+v, want games 2 and 3 wrong", resp)
	}
}

func TestLifeReverseMAE_RejectsMalformedInputWithTypedErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	games := randomGames(r, 4, 625, 1, 5)
	base := func(t *testing.T) (string, string) {
		a, s := lifeFiles(t, t.TempDir(), nil, games, nil)
		return a, s
	}
	edit := func(t *testing.T, path string, f func(string) string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cell := func(line, k int, v string) func(string) string {
		return func(s string) string {
			lines := strings.Split(s, "\n")
			f := strings.Split(lines[line], ",")
			f[k] = v
			lines[line] = strings.Join(f, ",")
			return strings.Join(lines, "\n")
		}
	}
	tests := []struct {
		name       string
		answers    func(string) string
		submission func(string) string
		params     core.Params
		want       core.ErrorType
		says       string
	}{
		{name: "a cell of 2", submission: cell(2, 10, "2"), want: core.TypeSubmissionInvalid, says: "start_9"},
		{name: "an empty cell", submission: cell(1, 1, ""), want: core.TypeSubmissionInvalid, says: "start_0"},
		{name: "a probability", submission: cell(3, 625, "0.7"), want: core.TypeSubmissionInvalid, says: "0.7"},
		{name: "a hex float", submission: cell(3, 625, "0x1p0"), want: core.TypeSubmissionInvalid, says: "0x1p0"},
		{name: "a missing cell column", submission: func(s string) string { return strings.Replace(s, "start_624", "start_625", 1) },
			want: core.TypeSubmissionInvalid, says: "start_624"},
		{name: "the stop board submitted", submission: func(s string) string { return strings.ReplaceAll(s, "start_", "stop_") },
			want: core.TypeSubmissionInvalid, says: "missing 625"},
		{name: "an extra column", submission: func(s string) string {
			return strings.Replace(strings.Replace(s, "\n", ",x\n", -1), "start_624,x", "start_624,extra", 1)
		}, want: core.TypeSubmissionInvalid, says: "extra"},
		{name: "a missing id", submission: func(s string) string { return s[:strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1] },
			want: core.TypeSubmissionInvalid},
		{name: "a repeated id", submission: func(s string) string {
			lines := strings.Split(s, "\n")
			lines[2] = lines[1]
			return strings.Join(lines, "\n")
		}, want: core.TypeSubmissionInvalid},
		{name: "answers without delta", answers: func(s string) string { return strings.Replace(s, "delta", "steps", 1) },
			want: core.TypeGroundTruth, says: "delta"},
		{name: "answers with a negative delta", answers: cell(2, 1, "-1"), want: core.TypeGroundTruth, says: "-1"},
		{name: "answers with a fractional delta", answers: cell(2, 1, "1.5"), want: core.TypeGroundTruth, says: "1.5"},
		{name: "answers with a cell of 3", answers: cell(1, 2, "3"), want: core.TypeGroundTruth, says: "stop_0"},
		{name: "a board of no rows", params: core.Params{"board": []any{0, 25}}, want: core.TypeInvalidArgument, says: "board"},
		{name: "a board of one number", params: core.Params{"board": []any{25}}, want: core.TypeInvalidArgument, says: "board"},
		{name: "a board too large", params: core.Params{"board": []any{1000, 1000}}, want: core.TypeInvalidArgument, says: "board"},
		{name: "a board that does not match", params: core.Params{"board": []any{5, 5}}, want: core.TypeSubmissionInvalid, says: "unexpected"},
		{name: "a rule of another notation", params: core.Params{"rule": "23/3"}, want: core.TypeInvalidArgument, says: "rule"},
		{name: "a rule with a count of 9", params: core.Params{"rule": "B39/S23"}, want: core.TypeInvalidArgument, says: "rule"},
		{name: "an unknown wrap", params: core.Params{"wrap": "mobius"}, want: core.TypeInvalidArgument, says: "wrap"},
		{name: "an unknown param", params: core.Params{"target_columns": []any{"x"}}, want: core.TypeInvalidArgument, says: "target_columns"},
	}
	metrics := servedMetrics(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, s := base(t)
			if tc.answers != nil {
				edit(t, a, tc.answers)
			}
			if tc.submission != nil {
				edit(t, s, tc.submission)
			}
			_, err := metrics.Component("life_reverse_mae").Score(context.Background(),
				pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: tc.params})
			var e *core.Error
			if !errors.As(err, &e) || e.Type != tc.want {
				t.Fatalf("got %v, want a %s error", err, tc.want)
			}
			if !strings.Contains(e.Message+" "+e.Details, tc.says) {
				t.Errorf("error %q (%s) does not say %q", e.Message, e.Details, tc.says)
			}
		})
	}
}

// The registry's own binding: a valid submission of the sample's shape scores the share of live
// stop cells when every start is dead, as Kaggle's all-zero sample submission does.
func TestLifeReverseMAE_AllDeadStartsScoreTheStopDensity(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	games := randomGames(r, 30, 625, 1, 5)
	live := 0
	for i := range games {
		games[i].start = make([]byte, 625)
		for _, c := range games[i].stop {
			live += int(c)
		}
	}
	a, s := lifeFiles(t, t.TempDir(), nil, games, r)
	resp, err := servedMetrics(t).Component("life_reverse_mae").Score(context.Background(),
		pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s})
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(live) / (30 * 625); resp.Score != want {
		t.Fatalf("score %v, want %v", resp.Score, want)
	}
}

// lifePair is syntheticPair for life_reverse_mae: a few games on the board the params give.
func lifePair(t testing.TB, p core.Params) (answers, submission string) {
	t.Helper()
	lp, err := readLifeParams(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	a, s := lifeFiles(t, t.TempDir(), p, randomGames(r, 6, lp.rows*lp.cols, 1, 5), r)
	ab, _ := os.ReadFile(a)
	sb, _ := os.ReadFile(s)
	return string(ab), string(sb)
}

func BenchmarkLifeReverseMAE_KaggleTest(b *testing.B) {
	// Kaggle's test set: 50,000 games of 25x25, delta 1 to 5.
	r := rand.New(rand.NewPCG(8, 9))
	games := randomGames(r, 50_000, 625, 1, 5)
	a, s := lifeFiles(b, b.TempDir(), nil, games, nil)
	req := pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s}
	b.ResetTimer()
	for b.Loop() {
		if _, err := lifeReverseMAE(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLifeStepBits(b *testing.B) {
	lp, _ := readLifeParams(nil)
	r := rand.New(rand.NewPCG(1, 2))
	board := newLifeBoards(lp, 1)
	for k, c := range randomBoard(r, 625, 0.4) {
		board.rows[k/25] |= uint64(c) << (k % 25)
	}
	scratch := make([]uint64, 25)
	for b.Loop() {
		lp.stepBits(scratch, board.rows)
		copy(board.rows, scratch)
	}
}

// FuzzLifeReverseMAE scores fuzzed answers and submissions on small boards of any shape, edges and
// rule: nothing panics, every rejection is a typed *core.Error, and a score is an error rate.
func FuzzLifeReverseMAE(f *testing.F) {
	f.Add([]byte("id,delta,stop_0,stop_1,stop_2,stop_3\n1,1,0,1,1,0\n2,3,1,1,1,1\n"),
		[]byte("id,start_0,start_1,start_2,start_3\n2,1,1,0,1\n1,0,0,1,1\n"), uint8(2), uint8(2), true, "B3/S23")
	f.Add([]byte("id,delta,stop_0,stop_1,stop_2\n1,0,1,0,1\n"), []byte("id,start_0,start_1,start_2\n1,1.0, 0 ,1e0\n"),
		uint8(1), uint8(3), false, "B36/S23")
	f.Add([]byte("id,delta,stop_0\n1,10000,1\n2,-1,0\n3,1.5,1\n"), []byte("id,start_0\n1,2\n2,\n3,0x1p0\n"), uint8(1), uint8(1), true, "b0/s8")
	f.Add([]byte("id,delta,stop_0,stop_1\n1,2,0,1\n1,2,0,1\n"), []byte("id,start_1,start_0\n1,1,0\n"), uint8(1), uint8(2), true, "B/S")
	f.Fuzz(func(t *testing.T, answers, submission []byte, rows, cols uint8, torus bool, rule string) {
		dir := t.TempDir()
		a, s := filepath.Join(dir, "answers.csv"), filepath.Join(dir, "submission.csv")
		os.WriteFile(a, answers, 0o600)
		os.WriteFile(s, submission, 0o600)
		params := core.Params{"board": []any{float64(rows%6 + 1), float64(cols%70 + 1)}, "rule": rule, "wrap": "none"}
		if torus {
			params["wrap"] = "toroidal"
		}
		resp, err := lifeReverseMAE(context.Background(), pluginapi.ScoreRequest{AnswersPath: a, SubmissionPath: s, Params: params})
		if err != nil {
			metricfuzz.Typed(t, err)
			return
		}
		if !(resp.Score >= 0 && resp.Score <= 1) || resp.Rows <= 0 {
			t.Fatalf("score %v over %d rows", resp.Score, resp.Rows)
		}
	})
}
