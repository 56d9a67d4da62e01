package core

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func profilesByAgent(r AUPResult) map[string]PerformanceProfile {
	m := make(map[string]PerformanceProfile, len(r.Profiles))
	for _, p := range r.Profiles {
		m[p.Agent] = p
	}
	return m
}

// aupBoard is the worked example:
//
//	c1 (higher is better): A 0.8, B 0.4   → best 0.8: r_A = 1, r_B = 0.8/0.4 = 2
//	c2 (lower is better):  A 2,   B 1     → best 1:   r_A = 2, r_B = 1
//	c3 (higher is better): A 0.5, B failed → r_A = 1, r_B = ∞
//	c4: nobody has a valid score          → left out
var aupBoard = Scoreboard{Competitions: []CompetitionScores{
	{Competition: "c1", Direction: HigherIsBetter, Scores: map[string]float64{"A": 0.8, "B": 0.4}},
	{Competition: "c2", Direction: LowerIsBetter, Scores: map[string]float64{"A": 2, "B": 1}},
	{Competition: "c3", Direction: HigherIsBetter, Scores: map[string]float64{"A": 0.5}, Failed: []string{"B"}},
	{Competition: "c4", Direction: HigherIsBetter, Failed: []string{"A", "B"}},
}}

func TestAUP_WorkedVectors(t *testing.T) {
	// With 3 competitions, AUP = Σ max(0, τmax − r) / 3.
	//   τmax automatic = 2: A (1 + 0 + 1)/3 = 2/3, B (0 + 1)/3 = 1/3; normalised by τmax − 1 = 1.
	//   τmax = 3:           A (2 + 1 + 2)/3 = 5/3, B (1 + 2)/3 = 1;   normalised by 2: 5/6 and 1/2.
	tests := []struct {
		name                     string
		tauMax                   float64
		wantTau                  float64
		aupA, aupB, normA, normB float64
	}{
		{"automatic tau max", 0, 2, 2.0 / 3, 1.0 / 3, 2.0 / 3, 1.0 / 3},
		{"explicit tau max", 3, 3, 5.0 / 3, 1, 5.0 / 6, 1.0 / 2},
		{"tau max below some ratios", 1.5, 1.5, 1.0 / 3, 1.0 / 6, 2.0 / 3, 1.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := AUP(AUPRequest{Scoreboard: aupBoard, TauMax: tt.tauMax})
			if err != nil {
				t.Fatal(err)
			}
			if res.TauMax != tt.wantTau || res.Competitions != 3 {
				t.Errorf("TauMax %v Competitions %d, want %v and 3", res.TauMax, res.Competitions, tt.wantTau)
			}
			got := profilesByAgent(res)
			checks := []struct {
				what      string
				got, want float64
			}{
				{"A AUP", got["A"].AUP, tt.aupA}, {"B AUP", got["B"].AUP, tt.aupB},
				{"A normalised", got["A"].Normalised, tt.normA}, {"B normalised", got["B"].Normalised, tt.normB},
			}
			for _, c := range checks {
				if math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestPerformanceProfile_RhoCountsRatiosWithinTau(t *testing.T) {
	got := profilesByAgent(mustAUP(t, AUPRequest{Scoreboard: aupBoard}))
	tests := []struct {
		agent string
		tau   float64
		want  float64
	}{
		{"A", 1, 2.0 / 3}, {"A", 1.99, 2.0 / 3}, {"A", 2, 1}, {"A", 100, 1},
		{"B", 0.5, 0}, {"B", 1, 1.0 / 3}, {"B", 2, 2.0 / 3}, {"B", math.Inf(1), 2.0 / 3},
	}
	for _, tt := range tests {
		if r := got[tt.agent].Rho(tt.tau); r != tt.want {
			t.Errorf("ρ_%s(%v) = %v, want %v", tt.agent, tt.tau, r, tt.want)
		}
	}
}

func mustAUP(t *testing.T, req AUPRequest) AUPResult {
	t.Helper()
	res, err := AUP(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPerformanceRatio_IsAtLeastOneInEitherDirection(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name              string
		score, best, want float64
		dir               Direction
	}{
		{"higher is better: best over score", 0.4, 0.8, 2, HigherIsBetter},
		{"lower is better: score over best", 3, 1.5, 2, LowerIsBetter},
		{"the best itself", 0.8, 0.8, 1, HigherIsBetter},
		{"zero best, tied", 0, 0, 1, LowerIsBetter},
		{"zero best, not tied", 0.1, 0, inf, LowerIsBetter},
		{"zero score under higher is better", 0, 0.5, inf, HigherIsBetter},
		{"negative scores have no ratio", -2, -1, inf, HigherIsBetter},
		{"negative score equal to best", -1, -1, 1, HigherIsBetter},
		{"NaN score", math.NaN(), 1, inf, HigherIsBetter},
		{"infinite score", inf, 1, inf, HigherIsBetter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PerformanceRatio(tt.score, tt.best, tt.dir); got != tt.want {
				t.Errorf("PerformanceRatio(%v, %v, %s) = %v, want %v", tt.score, tt.best, tt.dir, got, tt.want)
			}
		})
	}
}

func TestAUP_AbsentAgentFailsTheCompetition(t *testing.T) {
	// C attempted only c1, where it tied A for best; it fails c2 and c3 by absence: ρ_C = 1/3 at every τ.
	sb := Scoreboard{Competitions: append([]CompetitionScores(nil), aupBoard.Competitions...)}
	sb.Competitions[0] = CompetitionScores{Competition: "c1", Direction: HigherIsBetter,
		Scores: map[string]float64{"A": 0.8, "B": 0.4, "C": 0.8}}
	c := profilesByAgent(mustAUP(t, AUPRequest{Scoreboard: sb}))["C"]
	if c.Competitions != 3 || len(c.Ratios) != 1 || c.Rho(2) != 1.0/3 || math.Abs(c.Normalised-1.0/3) > 1e-12 {
		t.Errorf("C = %+v, want one ratio of 1 over 3 competitions, normalised 1/3", c)
	}
}

func TestAUP_SingleAgentIsBestEverywhere(t *testing.T) {
	sb := Scoreboard{Competitions: []CompetitionScores{
		{Competition: "c1", Direction: HigherIsBetter, Scores: map[string]float64{"solo": 0.3}},
		{Competition: "c2", Direction: LowerIsBetter, Scores: map[string]float64{"solo": 7}},
	}}
	res := mustAUP(t, AUPRequest{Scoreboard: sb})
	p := res.Profiles[0]
	if res.TauMax != 1 || p.AUP != 0 || p.Normalised != 1 {
		t.Errorf("TauMax %v, profile %+v; want τmax 1, AUP 0, normalised ρ(1) = 1", res.TauMax, p)
	}
}

func TestAUP_EmptyScoreboardHasNoCompetitions(t *testing.T) {
	res := mustAUP(t, AUPRequest{Scoreboard: Scoreboard{Competitions: []CompetitionScores{aupBoard.Competitions[3]}}})
	if res.Competitions != 0 {
		t.Errorf("Competitions = %d, want 0", res.Competitions)
	}
	for _, p := range res.Profiles {
		if p.AUP != 0 || p.Normalised != 0 || p.Rho(10) != 0 {
			t.Errorf("profile %+v, want all zero", p)
		}
	}
}

func TestAUP_RejectsBadTauMax(t *testing.T) {
	for _, tau := range []float64{0.5, -1, math.NaN(), math.Inf(1)} {
		if _, err := AUP(AUPRequest{Scoreboard: aupBoard, TauMax: tau}); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("TauMax %v: err = %v, want invalid_argument", tau, err)
		}
	}
}

func TestAUP_ClosedFormMatchesNumericIntegral(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 20 {
		var sb Scoreboard
		for c := range 15 {
			cs := CompetitionScores{Competition: fmt.Sprint(c), Direction: HigherIsBetter, Scores: map[string]float64{}}
			if rng.IntN(2) == 0 {
				cs.Direction = LowerIsBetter
			}
			for _, a := range []string{"a", "b", "c", "d"} {
				if rng.IntN(6) == 0 {
					cs.Failed = append(cs.Failed, a)
					continue
				}
				cs.Scores[a] = 0.1 + rng.Float64()
			}
			sb.Competitions = append(sb.Competitions, cs)
		}
		res := mustAUP(t, AUPRequest{Scoreboard: sb})
		const steps = 200000
		h := (res.TauMax - 1) / steps
		for _, p := range res.Profiles {
			// Midpoint rule on the step function; its error is at most one step height per jump.
			sum := 0.0
			for k := range steps {
				sum += p.Rho(1 + (float64(k)+0.5)*h)
			}
			if numeric := sum * h; math.Abs(numeric-p.AUP) > float64(len(p.Ratios))*h {
				t.Fatalf("trial %d agent %s: closed form %v, numeric %v", trial, p.Agent, p.AUP, numeric)
			}
			if p.Normalised < 0 || p.Normalised > 1 {
				t.Fatalf("trial %d agent %s: normalised %v outside [0, 1]", trial, p.Agent, p.Normalised)
			}
		}
	}
}
