package core

import (
	"math"
	"testing"
)

func TestFitBradleyTerry_SolvesScoreEquations(t *testing.T) {
	// At the optimum each agent's points equal its expected points, plus the prior's pull: the score
	// equations, checked directly from the ratings.
	sb := field(4)
	res, err := Elo(EloRequest{Scoreboard: sb})
	if err != nil {
		t.Fatal(err)
	}
	agents := sb.Agents()
	index := map[string]int{}
	for i, a := range agents {
		index[a] = i
	}
	tl := newTally(len(agents))
	for _, gs := range gamesByCompetition(sb, agents, index) {
		tl.add(gs)
	}
	got := ratingsByAgent(res)
	beta := make([]float64, len(agents))
	mean := 0.0
	for i, a := range agents {
		beta[i] = (got[a].Rating - EloBase) * math.Ln10 / EloScale
		mean += beta[i]
	}
	// The reported ratings are shifted to mean 1000; the prior pins the unshifted ones. Recover the
	// shift c by requiring the score equations to sum to zero: Σ(0.5 − σ(β_i + c)) = 0.
	lo, hi := -10.0, 10.0
	for range 200 {
		c := (lo + hi) / 2
		s := 0.0
		for _, b := range beta {
			s += 0.5 - sigmoid(b+c)
		}
		if s > 0 {
			lo = c
		} else {
			hi = c
		}
	}
	for i := range beta {
		beta[i] += lo
	}
	n := len(agents)
	for i := range n {
		g := DefaultPriorDraws * (0.5 - sigmoid(beta[i]))
		for j := range n {
			g += tl.points[i*n+j] - tl.games[i*n+j]*sigmoid(beta[i]-beta[j])
		}
		if math.Abs(g) > 1e-8 {
			t.Errorf("score equation for %s = %g, want 0", agents[i], g)
		}
	}
}

func TestTally_FordConnectedNeedsEveryoneToScoreAndConcede(t *testing.T) {
	// Games on agents 0..3; points is who scored against whom.
	tests := []struct {
		name  string
		n     int
		games []game
		want  bool
	}{
		{"single agent", 1, nil, true},
		{"one win only", 2, []game{{0, 1, 1}}, false},
		{"a win each way", 2, []game{{0, 1, 1}, {0, 1, 0}}, true},
		{"one draw links both ways", 2, []game{{0, 1, 0.5}}, true},
		{"a cycle", 3, []game{{0, 1, 1}, {1, 2, 1}, {2, 0, 1}}, true},
		{"a chain", 3, []game{{0, 1, 1}, {1, 2, 1}}, false},
		{"an agent without games", 3, []game{{0, 1, 0.5}}, false},
		{"two linked pairs, one dominating", 4, []game{{0, 1, 0.5}, {2, 3, 0.5}, {0, 2, 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := newTally(tt.n)
			tl.add(tt.games)
			if got := tl.fordConnected(); got != tt.want {
				t.Errorf("fordConnected = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSolveSPD_SolvesAndRejectsIndefinite(t *testing.T) {
	// [4 2; 2 3]·[1; 2] = [8; 8].
	x, ok := solveSPD([]float64{4, 2, 2, 3}, []float64{8, 8}, 2)
	if !ok || math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-2) > 1e-12 {
		t.Errorf("solveSPD = %v, %v; want [1 2], true", x, ok)
	}
	if _, ok := solveSPD([]float64{1, 2, 2, 1}, []float64{1, 1}, 2); ok {
		t.Error("solveSPD accepted an indefinite matrix")
	}
}

func TestLogSigmoid_IsStableAtExtremes(t *testing.T) {
	tests := []struct{ x, want float64 }{{0, -math.Ln2}, {800, 0}, {-800, -800}}
	for _, tt := range tests {
		if got := logSigmoid(tt.x); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("logSigmoid(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}
