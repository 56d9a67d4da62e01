package core

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Elo scale and defaults. A rating difference of EloScale means 10:1 odds of winning.
const (
	EloBase           = 1000.0
	EloScale          = 400.0
	DefaultPriorDraws = 1.0
	DefaultConfidence = 0.95
	// NoPrior as EloRequest.PriorDraws asks for the pure maximum-likelihood fit.
	NoPrior = -1.0
)

// EloRequest asks for Elo ratings of the agents on a scoreboard.
//
// Every competition on which two agents both have a result is one game between them: the better score
// wins, equal scores draw, any valid score beats a failure and two failures draw. Ratings are then the
// Bradley–Terry fit of all games, as in Chatbot Arena, rather than sequential Elo updates: sequential
// updates depend on the order games are played in, which here is meaningless, while the fit depends
// only on the set of games. A draw counts as half a win for each side.
type EloRequest struct {
	Scoreboard Scoreboard
	// PriorDraws is how many virtual draws each agent plays against a reference agent rated EloBase: a
	// prior that keeps ratings finite when an agent won (or lost) every game, where the maximum-likelihood
	// rating is infinite. Zero means DefaultPriorDraws; NoPrior (any negative) gives the pure fit, which
	// exists only when, however the agents are split in two groups, each group won or drew at least one
	// game against the other (Ford's condition); Elo returns an invalid_argument error otherwise.
	PriorDraws float64
	// Bootstrap is how many times to resample the competitions (with replacement) and refit, for the
	// confidence intervals. Zero skips the bootstrap: Lower and Upper then equal Rating.
	Bootstrap int
	// Confidence is the central probability of the intervals; zero means DefaultConfidence.
	Confidence float64
	// Seed seeds the bootstrap's random source, so the same request always gives the same intervals.
	Seed uint64
}

// EloRating is one agent's rating and its record.
type EloRating struct {
	Agent  string  `json:"agent"`
	Rating float64 `json:"rating"`
	// Lower and Upper bound the percentile bootstrap interval of Rating.
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
	Games  int     `json:"games"`
	Wins   int     `json:"wins"`
	Draws  int     `json:"draws"`
	Losses int     `json:"losses"`
}

// EloResult holds the ratings, best first, with mean EloBase: only differences carry meaning.
type EloResult struct {
	Ratings []EloRating `json:"ratings"`
	Games   int         `json:"games"`
	// BootstrapRounds is how many resamples were fitted; without a prior, a resample that breaks Ford's
	// condition cannot be fitted and is skipped.
	BootstrapRounds int     `json:"bootstrap_rounds"`
	Confidence      float64 `json:"confidence"`
}

// game is one comparison: agent a against agent b, with a's points (1 win, 0.5 draw, 0 loss).
type game struct {
	a, b   int
	points float64
}

// Elo rates the agents on req.Scoreboard. See EloRequest for the model.
func Elo(req EloRequest) (EloResult, error) {
	prior, conf, err := req.settings()
	if err != nil {
		return EloResult{}, err
	}
	agents := req.Scoreboard.Agents()
	index := make(map[string]int, len(agents))
	for i, a := range agents {
		index[a] = i
	}
	perComp := gamesByCompetition(req.Scoreboard, agents, index)

	full := newTally(len(agents))
	for _, gs := range perComp {
		full.add(gs)
	}
	if prior == 0 && !full.fordConnected() {
		return EloResult{}, Errorf(TypeInvalidArgument, "the games admit no finite maximum-likelihood ratings").
			WithCauses("some group of agents never lost (or never won) a game against the rest",
				"set PriorDraws to 0 (the default prior) or a positive number of virtual draws")
	}
	ratings, ok := fitBradleyTerry(full, prior)
	if !ok {
		return EloResult{}, Errorf(TypeInternal, "the Bradley-Terry fit did not converge")
	}

	res := EloResult{Ratings: make([]EloRating, len(agents)), Confidence: conf}
	for i, a := range agents {
		res.Ratings[i] = EloRating{Agent: a, Rating: ratings[i], Lower: ratings[i], Upper: ratings[i]}
	}
	for _, gs := range perComp {
		for _, g := range gs {
			res.Games++
			res.Ratings[g.a].record(g.points)
			res.Ratings[g.b].record(1 - g.points)
		}
	}

	samples := bootstrapRatings(perComp, len(agents), prior, req.Bootstrap, req.Seed)
	if len(samples) > 0 {
		res.BootstrapRounds = len(samples)
		col := make([]float64, len(samples))
		for i := range res.Ratings {
			for k, s := range samples {
				col[k] = s[i]
			}
			slices.Sort(col)
			res.Ratings[i].Lower = quantile(col, (1-conf)/2)
			res.Ratings[i].Upper = quantile(col, (1+conf)/2)
		}
	}
	slices.SortStableFunc(res.Ratings, func(x, y EloRating) int { return cmp.Compare(y.Rating, x.Rating) })
	return res, nil
}

func (req EloRequest) settings() (prior, conf float64, err error) {
	prior, conf = req.PriorDraws, req.Confidence
	switch {
	case math.IsNaN(prior) || math.IsInf(prior, 0):
		return 0, 0, Errorf(TypeInvalidArgument, "PriorDraws is %v", prior)
	case prior == 0:
		prior = DefaultPriorDraws
	case prior < 0:
		prior = 0
	}
	if conf == 0 {
		conf = DefaultConfidence
	}
	if !(conf > 0 && conf < 1) {
		return 0, 0, Errorf(TypeInvalidArgument, "Confidence is %v, want a probability strictly between 0 and 1", conf)
	}
	if req.Bootstrap < 0 {
		return 0, 0, Errorf(TypeInvalidArgument, "Bootstrap is %d, want zero or more rounds", req.Bootstrap)
	}
	return prior, conf, nil
}

func (r *EloRating) record(points float64) {
	r.Games++
	switch points {
	case 1:
		r.Wins++
	case 0:
		r.Losses++
	default:
		r.Draws++
	}
}

// gamesByCompetition lists each competition's games, competitions sorted by name so that the bootstrap
// draws the same resamples whatever order the scoreboard lists them in.
func gamesByCompetition(sb Scoreboard, agents []string, index map[string]int) [][]game {
	comps := slices.Clone(sb.Competitions)
	slices.SortStableFunc(comps, func(x, y CompetitionScores) int { return cmp.Compare(x.Competition, y.Competition) })
	out := make([][]game, 0, len(comps))
	for _, c := range comps {
		res := c.results()
		present := make([]int, 0, len(res))
		for a := range res {
			present = append(present, index[a])
		}
		slices.Sort(present)
		var gs []game
		for x, i := range present {
			oi := res[agents[i]]
			for _, j := range present[x+1:] {
				points := 0.5 * float64(1+oi.compare(res[agents[j]], c.Direction))
				gs = append(gs, game{a: i, b: j, points: points})
			}
		}
		out = append(out, gs)
	}
	return out
}

// bootstrapRatings refits on rounds resamples of the competitions and returns the fitted ratings.
func bootstrapRatings(perComp [][]game, agents int, prior float64, rounds int, seed uint64) [][]float64 {
	if rounds == 0 || len(perComp) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc908))
	var samples [][]float64
	for range rounds {
		t := newTally(agents)
		for range perComp {
			t.add(perComp[rng.IntN(len(perComp))])
		}
		if prior == 0 && !t.fordConnected() {
			continue
		}
		if r, ok := fitBradleyTerry(t, prior); ok {
			samples = append(samples, r)
		}
	}
	return samples
}

// quantile is the q-quantile of sorted xs by linear interpolation between order statistics (the
// default of numpy.percentile, which Chatbot Arena's intervals use).
func quantile(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	lo := int(math.Floor(h))
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}
