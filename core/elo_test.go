package core

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// duel is a competition only agents a and b attempted, with their scores (higher is better).
func duel(name, a string, sa float64, b string, sb float64) CompetitionScores {
	return CompetitionScores{Competition: name, Direction: HigherIsBetter, Scores: map[string]float64{a: sa, b: sb}}
}

// record repeats duels: a wins `wins` of them, b wins `losses`, the rest of `total` are draws.
func record(prefix, a, b string, wins, losses, draws int) []CompetitionScores {
	var cs []CompetitionScores
	for k := range wins + losses + draws {
		name := fmt.Sprintf("%s-%d", prefix, k)
		switch {
		case k < wins:
			cs = append(cs, duel(name, a, 1, b, 0))
		case k < wins+losses:
			cs = append(cs, duel(name, a, 0, b, 1))
		default:
			cs = append(cs, duel(name, a, 0.5, b, 0.5))
		}
	}
	return cs
}

func ratingsByAgent(r EloResult) map[string]EloRating {
	m := make(map[string]EloRating, len(r.Ratings))
	for _, x := range r.Ratings {
		m[x.Agent] = x
	}
	return m
}

func TestElo_MaximumLikelihoodWorkedVectors(t *testing.T) {
	// Without a prior, Bradley–Terry reproduces observed odds when they are consistent: winning 3 of 4
	// points against one opponent is odds 3, a gap of 400·log10(3) ≈ 190.849; the mean is 1000.
	log3 := EloScale * math.Log10(3)
	log2 := EloScale * math.Log10(2)
	tests := []struct {
		name  string
		comps []CompetitionScores
		want  map[string]float64
	}{
		{"three wins, one loss", record("c", "A", "B", 3, 1, 0),
			map[string]float64{"A": EloBase + log3/2, "B": EloBase - log3/2}},
		{"a draw is half a win each: one win and one draw is 1.5 points of 2",
			record("c", "A", "B", 1, 0, 1), map[string]float64{"A": EloBase + log3/2, "B": EloBase - log3/2}},
		{"even record", record("c", "A", "B", 2, 2, 0), map[string]float64{"A": EloBase, "B": EloBase}},
		{"consistent chain: A:B 2:1, B:C 2:1, A:C 4:1",
			append(append(record("ab", "A", "B", 2, 1, 0), record("bc", "B", "C", 2, 1, 0)...), record("ac", "A", "C", 4, 1, 0)...),
			map[string]float64{"A": EloBase + log2, "B": EloBase, "C": EloBase - log2}},
		{"rock, paper, scissors", []CompetitionScores{duel("1", "A", 1, "B", 0), duel("2", "B", 1, "C", 0), duel("3", "C", 1, "A", 0)},
			map[string]float64{"A": EloBase, "B": EloBase, "C": EloBase}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Elo(EloRequest{Scoreboard: Scoreboard{Competitions: tt.comps}, PriorDraws: NoPrior})
			if err != nil {
				t.Fatal(err)
			}
			got := ratingsByAgent(res)
			for a, w := range tt.want {
				if math.Abs(got[a].Rating-w) > 1e-9 {
					t.Errorf("%s = %.12f, want %.12f", a, got[a].Rating, w)
				}
			}
		})
	}
}

func TestElo_GamesFollowDirectionAndFailures(t *testing.T) {
	// A beats B on a lower-is-better competition and twice where B failed (by NaN and by name), and loses
	// one on raw score. A competition both failed is a draw; one only A attempted is no game at all.
	comps := []CompetitionScores{
		{Competition: "rmse", Direction: LowerIsBetter, Scores: map[string]float64{"A": 0.1, "B": 0.2}},
		{Competition: "nan", Direction: HigherIsBetter, Scores: map[string]float64{"A": 0.1, "B": math.NaN()}},
		{Competition: "listed", Direction: HigherIsBetter, Scores: map[string]float64{"A": -5}, Failed: []string{"B"}},
		{Competition: "auc", Direction: HigherIsBetter, Scores: map[string]float64{"A": 0.6, "B": 0.7}},
		{Competition: "both-failed", Direction: HigherIsBetter, Failed: []string{"A", "B"}},
		{Competition: "solo", Direction: HigherIsBetter, Scores: map[string]float64{"A": 1}},
	}
	res, err := Elo(EloRequest{Scoreboard: Scoreboard{Competitions: comps}, PriorDraws: NoPrior})
	if err != nil {
		t.Fatal(err)
	}
	got := ratingsByAgent(res)
	// 3 wins + 1 draw of 5 games = 3.5 points to 1.5: odds 7/3.
	wantGap := EloScale * math.Log10(3.5/1.5)
	if gap := got["A"].Rating - got["B"].Rating; math.Abs(gap-wantGap) > 1e-9 {
		t.Errorf("gap = %v, want %v", gap, wantGap)
	}
	a := got["A"]
	if res.Games != 5 || a.Games != 5 || a.Wins != 3 || a.Draws != 1 || a.Losses != 1 {
		t.Errorf("games %d, A %+v; want 5 games, A 3-1-1", res.Games, a)
	}
	if b := got["B"]; b.Wins != 1 || b.Draws != 1 || b.Losses != 3 {
		t.Errorf("B %+v, want 1 win, 1 draw, 3 losses", b)
	}
}

func TestElo_PriorKeepsUnbeatenAgentFinite(t *testing.T) {
	// A beat B in their one game. With one virtual draw each against a reference at β = 0, symmetry gives
	// β_A = −β_B = b where the score equation for A is 1 − σ(2b) + 0.5 − σ(b) = 0. Solve it by bisection.
	f := func(b float64) float64 { return 1.5 - sigmoid(2*b) - sigmoid(b) }
	lo, hi := 0.0, 10.0
	for range 200 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	want := EloBase + lo*EloScale/math.Ln10
	res, err := Elo(EloRequest{Scoreboard: Scoreboard{Competitions: record("c", "A", "B", 1, 0, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	got := ratingsByAgent(res)
	if math.Abs(got["A"].Rating-want) > 1e-9 || math.Abs(got["A"].Rating+got["B"].Rating-2*EloBase) > 1e-9 {
		t.Errorf("A = %v, B = %v; want A = %v and B its mirror", got["A"].Rating, got["B"].Rating, want)
	}
}

func TestElo_PureFitRefusesUnboundedRatings(t *testing.T) {
	tests := []struct {
		name  string
		comps []CompetitionScores
	}{
		{"unbeaten agent", record("c", "A", "B", 2, 0, 0)},
		{"agent with no games", append(record("c", "A", "B", 1, 1, 0), CompetitionScores{Competition: "x", Scores: map[string]float64{"C": 1}})},
		{"a group beat everyone else", append(record("ab", "A", "B", 1, 1, 0), append(record("cd", "C", "D", 1, 1, 0), record("ac", "A", "C", 1, 0, 0)...)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Elo(EloRequest{Scoreboard: Scoreboard{Competitions: tt.comps}, PriorDraws: NoPrior})
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("err = %v, want invalid_argument", err)
			}
			if _, err := Elo(EloRequest{Scoreboard: Scoreboard{Competitions: tt.comps}}); err != nil {
				t.Errorf("with the default prior: %v", err)
			}
		})
	}
}

func TestElo_RejectsBadSettings(t *testing.T) {
	tests := []struct {
		name string
		req  EloRequest
	}{
		{"confidence above 1", EloRequest{Confidence: 1.5}},
		{"confidence of exactly 1", EloRequest{Confidence: 1}},
		{"negative bootstrap", EloRequest{Bootstrap: -1}},
		{"NaN prior", EloRequest{PriorDraws: math.NaN()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Elo(tt.req); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("err = %v, want invalid_argument", err)
			}
		})
	}
}

func TestElo_EmptyScoreboardHasNoRatings(t *testing.T) {
	res, err := Elo(EloRequest{Bootstrap: 10})
	if err != nil || len(res.Ratings) != 0 || res.Games != 0 {
		t.Errorf("Elo(empty) = %+v, %v; want nothing", res, err)
	}
}

// field is a random scoreboard: agents of different strength on many competitions, some failures.
func field(seed uint64) Scoreboard {
	rng := rand.New(rand.NewPCG(seed, 7))
	agents := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	var sb Scoreboard
	for c := range 40 {
		cs := CompetitionScores{Competition: fmt.Sprintf("comp-%02d", c), Direction: HigherIsBetter, Scores: map[string]float64{}}
		if c%3 == 0 {
			cs.Direction = LowerIsBetter
		}
		for k, a := range agents {
			switch r := rng.Float64(); {
			case r < 0.1:
				cs.Failed = append(cs.Failed, a)
			case r < 0.2: // absent
			default:
				s := float64(k) + 3*rng.NormFloat64()
				if cs.Direction == LowerIsBetter {
					s = -s
				}
				cs.Scores[a] = math.Round(s)
			}
		}
		sb.Competitions = append(sb.Competitions, cs)
	}
	return sb
}

func TestElo_IndependentOfCompetitionOrder(t *testing.T) {
	sb := field(1)
	want, err := Elo(EloRequest{Scoreboard: sb, Bootstrap: 50, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	for range 5 {
		shuffled := Scoreboard{Competitions: append([]CompetitionScores(nil), sb.Competitions...)}
		rng.Shuffle(len(shuffled.Competitions), func(i, j int) {
			shuffled.Competitions[i], shuffled.Competitions[j] = shuffled.Competitions[j], shuffled.Competitions[i]
		})
		got, err := Elo(EloRequest{Scoreboard: shuffled, Bootstrap: 50, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want.Ratings {
			if got.Ratings[i] != want.Ratings[i] {
				t.Fatalf("shuffled: %+v, want %+v", got.Ratings[i], want.Ratings[i])
			}
		}
	}
}

func TestElo_BootstrapIsSeededAndBracketsTheRating(t *testing.T) {
	sb := field(5)
	run := func(seed uint64, rounds int) EloResult {
		res, err := Elo(EloRequest{Scoreboard: sb, Bootstrap: rounds, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(1, 200), run(1, 200), run(2, 200)
	if a.BootstrapRounds != 200 || a.Confidence != DefaultConfidence {
		t.Errorf("rounds %d confidence %v, want 200 and %v", a.BootstrapRounds, a.Confidence, DefaultConfidence)
	}
	differs := false
	for i := range a.Ratings {
		if a.Ratings[i] != b.Ratings[i] {
			t.Errorf("same seed: %+v vs %+v", a.Ratings[i], b.Ratings[i])
		}
		if a.Ratings[i].Lower != c.Ratings[i].Lower {
			differs = true
		}
		r := a.Ratings[i]
		if !(r.Lower < r.Rating && r.Rating < r.Upper) {
			t.Errorf("%s: interval [%v, %v] does not bracket %v", r.Agent, r.Lower, r.Upper, r.Rating)
		}
	}
	if !differs {
		t.Error("different seeds gave identical intervals")
	}
	for _, r := range run(1, 0).Ratings {
		if r.Lower != r.Rating || r.Upper != r.Rating {
			t.Errorf("without bootstrap %s: [%v, %v], want both %v", r.Agent, r.Lower, r.Upper, r.Rating)
		}
	}
}

func TestElo_IntervalIsCentralPercentileOfBootstrap(t *testing.T) {
	// At 90% confidence the bounds are the 5th and 95th percentiles of each agent's refitted ratings.
	sb := field(8)
	res, err := Elo(EloRequest{Scoreboard: sb, Bootstrap: 101, Seed: 3, Confidence: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	agents := sb.Agents()
	index := map[string]int{}
	for i, a := range agents {
		index[a] = i
	}
	samples := bootstrapRatings(gamesByCompetition(sb, agents, index), len(agents), DefaultPriorDraws, 101, 3)
	got := ratingsByAgent(res)
	for i, a := range agents {
		col := make([]float64, len(samples))
		for k, s := range samples {
			col[k] = s[i]
		}
		slices.Sort(col)
		// 101 samples: the 5th percentile is order statistic 5 (0-based), the 95th is 95.
		if math.Abs(got[a].Lower-col[5]) > 1e-9 || math.Abs(got[a].Upper-col[95]) > 1e-9 {
			t.Errorf("%s: [%v, %v], want [%v, %v]", a, got[a].Lower, got[a].Upper, col[5], col[95])
		}
	}
}

func TestElo_RatingsAreBestFirstWithMeanBase(t *testing.T) {
	res, err := Elo(EloRequest{Scoreboard: field(6)})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, r := range res.Ratings {
		sum += r.Rating
		if i > 0 && r.Rating > res.Ratings[i-1].Rating {
			t.Errorf("ratings out of order at %d: %v after %v", i, r.Rating, res.Ratings[i-1].Rating)
		}
	}
	if mean := sum / float64(len(res.Ratings)); math.Abs(mean-EloBase) > 1e-9 {
		t.Errorf("mean rating %v, want %v", mean, EloBase)
	}
}

func TestQuantile_InterpolatesLinearly(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	tests := []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {1, 5}, {0.025, 1.1}, {0.975, 4.9}, {0.3, 2.2}}
	for _, tt := range tests {
		if got := quantile(xs, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
