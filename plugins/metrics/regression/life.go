package main

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/plugins/metrics/internal/inputs"
	"github.com/mledojo/dojo/sdk/table"
)

// life_reverse_mae scores Conway's Reverse Game of Life (Kaggle 2020): each submission row is a
// start board, which is run forward the answers' number of steps under a Life-like rule, and the
// score is the mean absolute error between the boards reached and the answers' stop boards, over
// every cell of every game (1 - cell accuracy). Any start that reaches the stop board scores 0,
// however it differs from the start Kaggle recorded.
//
// Boards up to 64 columns wide are stepped bit-parallel, one uint64 per board row; wider boards
// cell by cell.

// Params of life_reverse_mae besides id_column, numeric_ids and allow_extra_columns.
const (
	paramSubmissionPrefix = "submission_prefix"
	paramStopPrefix       = "stop_prefix"
	paramStepsColumn      = "steps_column"
	paramBoard            = "board"
	paramWrap             = "wrap"
	paramRule             = "rule"
)

// Limits that keep a malformed answers file or params from running away.
const (
	maxLifeSteps = 10_000
	maxLifeCells = 1 << 16
)

// lifeSchema is life_reverse_mae's params JSON Schema.
const lifeSchema = `{"type": "object", "additionalProperties": false, "properties": {
"id_column": {"type": "string", "description": "id column; default: the answers' first column"},
"numeric_ids": {"type": "boolean", "default": false, "description": "compare ids as numbers (1 == 1.0)"},
"allow_extra_columns": {"type": "boolean", "default": false},
"submission_prefix": {"type": "string", "default": "start_", "description": "the submission's cell columns are this prefix and the cell's row-major index from 0"},
"stop_prefix": {"type": "string", "default": "stop_", "description": "the answers' stop-board cell columns, named the same way"},
"steps_column": {"type": "string", "default": "delta", "description": "answers column holding how many steps each start board runs forward"},
"board": {"type": "array", "items": {"type": "integer"}, "default": [25, 25], "description": "board rows and columns"},
"wrap": {"enum": ["toroidal", "none"], "default": "toroidal", "description": "toroidal: the edges wrap around; none: cells beyond the edges are dead"},
"rule": {"type": "string", "default": "B3/S23", "description": "Life-like rule: neighbour counts that give birth (B) and survival (S); B3/S23 is Conway's"}}}`

// lifeParams are life_reverse_mae's settings.
type lifeParams struct {
	startPrefix, stopPrefix, steps string
	rows, cols                     int
	torus                          bool
	rule                           lifeRule
}

func readLifeParams(p core.Params) (lifeParams, error) {
	if err := p.CheckKnown(inputs.ParamIDColumn, inputs.ParamNumericIDs, inputs.ParamAllowExtraColumns,
		paramSubmissionPrefix, paramStopPrefix, paramStepsColumn, paramBoard, paramWrap, paramRule); err != nil {
		return lifeParams{}, err
	}
	var lp lifeParams
	var err error
	if lp.startPrefix, err = p.String(paramSubmissionPrefix, "start_"); err != nil {
		return lp, err
	}
	if lp.stopPrefix, err = p.String(paramStopPrefix, "stop_"); err != nil {
		return lp, err
	}
	if lp.steps, err = p.String(paramStepsColumn, "delta"); err != nil {
		return lp, err
	}
	if lp.startPrefix == "" || lp.stopPrefix == "" || lp.steps == "" {
		return lp, core.Errorf(core.TypeInvalidArgument, "parameters %q, %q and %q must not be empty", paramSubmissionPrefix, paramStopPrefix, paramStepsColumn)
	}
	board, err := floatList(p, paramBoard, []float64{25, 25})
	if err != nil {
		return lp, err
	}
	if len(board) != 2 || board[0] != math.Trunc(board[0]) || board[1] != math.Trunc(board[1]) ||
		board[0] < 1 || board[1] < 1 || board[0]*board[1] > maxLifeCells {
		return lp, core.Errorf(core.TypeInvalidArgument, "parameter %q is %v; want [rows, columns], two positive integers with at most %d cells in all", paramBoard, board, maxLifeCells)
	}
	lp.rows, lp.cols = int(board[0]), int(board[1])
	wrap, err := choice(p, paramWrap, "toroidal", "none")
	if err != nil {
		return lp, err
	}
	lp.torus = wrap == "toroidal"
	rule, err := p.String(paramRule, "B3/S23")
	if err != nil {
		return lp, err
	}
	if lp.rule, err = parseLifeRule(rule); err != nil {
		return lp, err
	}
	return lp, nil
}

// lifeRule holds, as bit k of each mask, whether a neighbour count of k gives birth to a dead cell
// or keeps a live one alive.
type lifeRule struct{ birth, survive uint16 }

// conway is B3/S23.
var conway = lifeRule{birth: 1 << 3, survive: 1<<2 | 1<<3}

// parseLifeRule reads a rule in B/S notation ("B3/S23", "b36/s23"); counts are digits 0 to 8.
func parseLifeRule(s string) (lifeRule, error) {
	bad := func() error {
		return core.Errorf(core.TypeInvalidArgument, "parameter %q is %q; want a Life-like rule in B/S notation such as B3/S23", paramRule, s)
	}
	b, sv, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "/")
	if !ok || !strings.HasPrefix(b, "B") || !strings.HasPrefix(sv, "S") {
		return lifeRule{}, bad()
	}
	mask := func(digits string) (uint16, bool) {
		var m uint16
		for _, d := range digits {
			if d < '0' || d > '8' {
				return 0, false
			}
			m |= 1 << (d - '0')
		}
		return m, true
	}
	var r lifeRule
	if r.birth, ok = mask(b[1:]); !ok {
		return r, bad()
	}
	if r.survive, ok = mask(sv[1:]); !ok {
		return r, bad()
	}
	return r, nil
}

func lifeReverseMAE(ctx context.Context, req pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
	lp, err := readLifeParams(req.Params)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	cells := lp.rows * lp.cols
	startCols, stopCols := make([]string, cells), make([]string, cells)
	for k := range cells {
		startCols[k] = lp.startPrefix + strconv.Itoa(k)
		stopCols[k] = lp.stopPrefix + strconv.Itoa(k)
	}
	in, err := inputs.Load(req, inputs.Options{SubmissionColumns: func(cols inputs.Columns, header []string) ([]string, error) {
		return startCols, checkBoardColumns(header, startCols, lp.startPrefix, lp, "submission", core.TypeSubmissionInvalid)
	}})
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	answers := in.Pair.Answers
	if err := checkBoardColumns(answers.Header(), append([]string{lp.steps}, stopCols...), lp.stopPrefix, lp, "answers", core.TypeGroundTruth); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	n := in.Pair.Len()
	if n == 0 {
		return pluginapi.ScoreResponse{}, core.Errorf(core.TypeEvaluation, "the answers hold no game to score")
	}
	steps, err := lifeSteps(in.Pair, lp.steps)
	if err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	subRows := make([]int, n)
	for i := range subRows {
		subRows[i] = in.Pair.Alignment.SubmissionRow(i)
	}
	b := newLifeBoards(lp, n)
	stop := newLifeBoards(lp, n)
	if err := b.read(in.Pair.Submission, startCols, subRows, in.Pair.IDs(), core.TypeSubmissionInvalid); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := ctx.Err(); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := stop.read(answers, stopCols, nil, in.Pair.IDs(), core.TypeGroundTruth); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	if err := ctx.Err(); err != nil {
		return pluginapi.ScoreResponse{}, err
	}
	b.run(steps)
	wrong, solved := b.compare(stop)
	return pluginapi.ScoreResponse{
		Score:  float64(wrong) / (float64(n) * float64(cells)),
		Rows:   int64(n),
		Extras: map[string]float64{"boards_solved": float64(solved) / float64(n)},
	}, nil
}

// checkBoardColumns reports, in one short message, which of want (other columns, then the cells
// prefix0, prefix1, ...) a file's header lacks.
func checkBoardColumns(header, want []string, prefix string, lp lifeParams, file string, typ core.ErrorType) error {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[h] = true
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	shown, more := missing, ""
	if len(shown) > 8 {
		shown, more = shown[:8], ", ..."
	}
	cells := lp.rows * lp.cols
	e := core.Errorf(typ, "%s is missing %d of the %d columns it needs: %s%s", file, len(missing), len(want),
		strings.Join(shown, ", "), more).
		WithDetails("a %dx%d board is %d columns, %s0 to %s%d, row by row; the %s's columns: %s",
			lp.rows, lp.cols, cells, prefix, prefix, cells-1, file, headerSummary(header))
	if typ == core.TypeGroundTruth {
		return e.WithCauses("the answers must hold the id, the steps column and the stop board: prepare the competition again, or fix the metric's params")
	}
	return e.WithCauses("write the sample submission's columns: the id and one 0/1 column per cell of the start board")
}

// headerSummary is a header for a message: the first columns and how many more.
func headerSummary(header []string) string {
	if len(header) <= 6 {
		return strings.Join(header, ", ")
	}
	return fmt.Sprintf("%s, ... (%d in all)", strings.Join(header[:6], ", "), len(header))
}

// lifeSteps reads the steps column: whole numbers from 0 to maxLifeSteps.
func lifeSteps(p *table.Pair, column string) ([]int, error) {
	vals, err := p.AnswerFloats(column)
	if err != nil {
		return nil, err
	}
	ids := p.IDs()
	out := make([]int, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || v < 0 || v > maxLifeSteps {
			return nil, core.Errorf(core.TypeGroundTruth, "answers column %q of id %q is %v; want a whole number of steps from 0 to %d",
				column, strings.TrimSpace(ids[i]), v, maxLifeSteps).
				WithDetails("answers line %d", p.Answers.Line(i)).
				WithCauses("the steps column says how many generations separate each start board from its stop board (Kaggle's delta, 1 to 5)")
		}
		out[i] = int(v)
	}
	return out, nil
}

// lifeBoards are n boards of one geometry. Boards at most 64 columns wide are held one uint64 per
// row (bit c is column c), rows of a board consecutive; wider ones one byte per cell.
type lifeBoards struct {
	lp   lifeParams
	n    int
	rows []uint64 // n*lp.rows words, when lp.cols <= 64
	grid []byte   // n*cells, when lp.cols > 64
}

func newLifeBoards(lp lifeParams, n int) *lifeBoards {
	b := &lifeBoards{lp: lp, n: n}
	if lp.cols <= 64 {
		b.rows = make([]uint64, n*lp.rows)
	} else {
		b.grid = make([]byte, n*lp.rows*lp.cols)
	}
	return b
}

// read fills the boards from a table's cell columns: board i from table row rowOf[i] (row i when
// rowOf is nil). Cells must be 0 or 1. Rows are read whole, in the order the table holds its values.
func (b *lifeBoards) read(t *table.Table, cols []string, rowOf []int, ids []string, typ core.ErrorType) error {
	W := b.lp.cols
	columns := make([]table.Column, len(cols))
	for k, name := range cols {
		col, ok := t.Column(name)
		if !ok {
			return core.Errorf(typ, "%s has no column %q", t.Name(), name)
		}
		columns[k] = col
	}
	for i := range b.n {
		row := i
		if rowOf != nil {
			row = rowOf[i]
		}
		for k, col := range columns {
			v := col.Bytes(row)
			alive := len(v) == 1 && v[0] == '1'
			if !alive && !(len(v) == 1 && v[0] == '0') {
				var ok bool
				if alive, ok = lifeCell(v); !ok {
					return badLifeCell(t, cols[k], row, ids[i], col.String(row), typ)
				}
			}
			if !alive {
				continue
			}
			if b.rows != nil {
				b.rows[i*b.lp.rows+k/W] |= 1 << (k % W)
			} else {
				b.grid[i*b.lp.rows*W+k] = 1
			}
		}
	}
	return nil
}

// lifeCell reads a cell other than a bare 0 or 1: a number equal to one of them ("1.0", as pandas
// writes a float column), with spaces around it.
func lifeCell(v []byte) (alive, ok bool) {
	s := strings.TrimSpace(string(v))
	if s == "" || strings.ContainsAny(s, "_xXpP") {
		return false, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || (f != 0 && f != 1) {
		return false, false
	}
	return f == 1, true
}

func badLifeCell(t *table.Table, column string, row int, id, value string, typ core.ErrorType) error {
	e := core.Errorf(typ, "%s cell %s of id %q is %q; cells are 0 (dead) or 1 (alive)", t.Name(), column, strings.TrimSpace(id), value).
		WithDetails("%s line %d", t.Name(), t.Line(row))
	if typ == core.TypeGroundTruth {
		return e.WithCauses("the answers' stop boards must be 0/1 cells: prepare the competition again")
	}
	return e.WithCauses("predict each cell as 0 or 1 (round probabilities, e.g. (p > 0.5).astype(int)); empty cells are not allowed")
}

// run steps board i forward steps[i] generations.
func (b *lifeBoards) run(steps []int) {
	H := b.lp.rows
	if b.rows != nil {
		scratch := make([]uint64, H)
		for i, s := range steps {
			board := b.rows[i*H : (i+1)*H]
			for range s {
				b.lp.stepBits(scratch, board)
				copy(board, scratch)
			}
		}
		return
	}
	cells := H * b.lp.cols
	scratch := make([]byte, cells)
	for i, s := range steps {
		board := b.grid[i*cells : (i+1)*cells]
		for range s {
			b.lp.stepCells(scratch, board)
			copy(board, scratch)
		}
	}
}

// compare counts the cells where b and stop differ, and the boards equal throughout.
func (b *lifeBoards) compare(stop *lifeBoards) (wrong int64, solved int) {
	H := b.lp.rows
	if b.rows != nil {
		for i := range b.n {
			d := 0
			for r := range H {
				d += bits.OnesCount64(b.rows[i*H+r] ^ stop.rows[i*H+r])
			}
			wrong += int64(d)
			if d == 0 {
				solved++
			}
		}
		return wrong, solved
	}
	cells := H * b.lp.cols
	for i := range b.n {
		d := 0
		for k := i * cells; k < (i+1)*cells; k++ {
			if b.grid[k] != stop.grid[k] {
				d++
			}
		}
		wrong += int64(d)
		if d == 0 {
			solved++
		}
	}
	return wrong, solved
}

// stepBits writes into dst the generation after src, a board of one word per row.
func (lp lifeParams) stepBits(dst, src []uint64) {
	H, W := lp.rows, uint(lp.cols)
	mask := ^uint64(0) >> (64 - W)
	// west(x) holds at bit c the cell at column c-1, east(x) the cell at column c+1.
	west := func(x uint64) uint64 { return x << 1 & mask }
	east := func(x uint64) uint64 { return x >> 1 }
	if lp.torus {
		west = func(x uint64) uint64 { return (x<<1 | x>>(W-1)) & mask }
		east = func(x uint64) uint64 { return (x>>1 | x<<(W-1)) & mask }
	}
	for r := range H {
		var up, down uint64
		switch {
		case r > 0:
			up = src[r-1]
		case lp.torus:
			up = src[H-1]
		}
		switch {
		case r < H-1:
			down = src[r+1]
		case lp.torus:
			down = src[0]
		}
		mid := src[r]
		// Count the eight neighbours of every cell of the row at once, as four bit planes of the
		// binary count (c0 the ones, c3 the eights), with carry-save adders.
		s1, k1 := add3(west(up), up, east(up))
		s2, k2 := add3(west(mid), east(mid), west(down))
		s3, k3 := down^east(down), down&east(down)
		c0, k4 := add3(s1, s2, s3)
		t, u := add3(k1, k2, k3)
		c1, v := t^k4, t&k4
		c2, c3 := u^v, u&v
		dst[r] = lp.rule.next(mid, c0, c1, c2, c3) & mask
	}
}

// add3 adds three bit planes: the sum's ones and its carries (twos).
func add3(a, b, c uint64) (sum, carry uint64) {
	t := a ^ b
	return t ^ c, a&b | t&c
}

// next applies the rule to a row of cells, given the bit planes of their neighbour counts.
func (r lifeRule) next(alive, c0, c1, c2, c3 uint64) uint64 {
	if r == conway {
		// Exactly 3, or exactly 2 and alive: the twos bit set, no fours or eights, and the ones bit
		// set unless the cell is alive.
		return c1 &^ c2 &^ c3 & (c0 | alive)
	}
	var born, stays uint64
	for k := range 9 {
		b, s := r.birth&(1<<k) != 0, r.survive&(1<<k) != 0
		if !b && !s {
			continue
		}
		eq := plane(c0, k&1 != 0) & plane(c1, k&2 != 0) & plane(c2, k&4 != 0) & plane(c3, k&8 != 0)
		if b {
			born |= eq
		}
		if s {
			stays |= eq
		}
	}
	return alive&stays | ^alive&born
}

func plane(c uint64, set bool) uint64 {
	if set {
		return c
	}
	return ^c
}

// stepCells is stepBits for boards wider than a word, one byte per cell.
func (lp lifeParams) stepCells(dst, src []byte) {
	H, W := lp.rows, lp.cols
	at := func(r, c int) int {
		if lp.torus {
			return int(src[((r+H)%H)*W+(c+W)%W])
		}
		if r < 0 || r >= H || c < 0 || c >= W {
			return 0
		}
		return int(src[r*W+c])
	}
	for r := range H {
		for c := range W {
			n := at(r-1, c-1) + at(r-1, c) + at(r-1, c+1) + at(r, c-1) + at(r, c+1) + at(r+1, c-1) + at(r+1, c) + at(r+1, c+1)
			var next byte
			if src[r*W+c] == 1 {
				next = byte(lp.rule.survive >> n & 1)
			} else {
				next = byte(lp.rule.birth >> n & 1)
			}
			dst[r*W+c] = next
		}
	}
}
