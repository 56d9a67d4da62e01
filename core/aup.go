package core

import (
	"math"
	"slices"
	"sort"
)

// AUPRequest asks for the agents' performance profiles and the areas under them.
//
// The method is Dolan and Moré's performance profile (2002), as MLGym and MLE-Dojo use it to summarise
// many competitions in one number. For agent a on competition p the performance ratio r(a,p) compares a's
// score with the best agent's there (PerformanceRatio); the profile ρ_a(τ) is the fraction of competitions
// with r(a,p) ≤ τ; and AUP is the area under ρ_a over τ in [1, TauMax]. An agent that failed or skipped a
// competition has an infinite ratio there: it never enters ρ. This is MLGym's (1+ε)·r_max for failures
// in the limit ε → 0, without the arbitrary ε.
//
// Ratios use τ on a linear axis. A competition no agent has a valid score on has no best score and is
// left out.
type AUPRequest struct {
	Scoreboard Scoreboard
	// TauMax is the upper end of the integral. Zero means the largest finite ratio any agent has, the
	// smallest τ at which every profile has reached its final height.
	TauMax float64
}

// AUPResult is every agent's profile, in name order, over the same competitions and τ range.
type AUPResult struct {
	TauMax float64 `json:"tau_max"`
	// Competitions is how many competitions the profiles range over.
	Competitions int                  `json:"competitions"`
	Profiles     []PerformanceProfile `json:"profiles"`
}

// PerformanceProfile is one agent's performance ratios and the area under its profile.
type PerformanceProfile struct {
	Agent string `json:"agent"`
	// Ratios holds the agent's finite performance ratios, ascending; the competitions it failed are
	// the ones missing. ρ(τ) is the count of Ratios ≤ τ over Competitions.
	Ratios       []float64 `json:"ratios"`
	Competitions int       `json:"competitions"`
	// AUP is the area ∫₁^TauMax ρ(τ) dτ. Because ρ is a step function it is exactly
	// Σ max(0, TauMax − r) / Competitions over the finite ratios.
	AUP float64 `json:"aup"`
	// Normalised is AUP / (TauMax − 1), in [0, 1]: 1 means best on every competition. When TauMax is 1
	// (every agent with a result tied the best everywhere) it is ρ(1).
	Normalised float64 `json:"aup_normalised"`
}

// Rho returns ρ(τ), the fraction of competitions on which the agent's ratio is at most tau.
func (p PerformanceProfile) Rho(tau float64) float64 {
	if p.Competitions == 0 {
		return 0
	}
	k := sort.Search(len(p.Ratios), func(i int) bool { return p.Ratios[i] > tau })
	return float64(k) / float64(p.Competitions)
}

// PerformanceRatio returns how many times worse score is than best under dir: best/score when higher
// is better and score/best when lower is better, so it is at least 1 whichever way the metric points
// (provided best is the best). A ratio of two scores means something only when both are positive;
// otherwise a score equal to best has ratio 1 and any other has +Inf, as does a NaN or ±Inf score.
func PerformanceRatio(score, best float64, dir Direction) float64 {
	if math.IsNaN(score) || math.IsInf(score, 0) || math.IsNaN(best) || math.IsInf(best, 0) {
		return math.Inf(1)
	}
	if score == best {
		return 1
	}
	if score <= 0 || best <= 0 {
		return math.Inf(1)
	}
	if dir == LowerIsBetter {
		return score / best
	}
	return best / score
}

// AUP computes the performance profiles of every agent on req.Scoreboard. See AUPRequest.
func AUP(req AUPRequest) (AUPResult, error) {
	if math.IsNaN(req.TauMax) || math.IsInf(req.TauMax, 0) || (req.TauMax != 0 && req.TauMax < 1) {
		return AUPResult{}, Errorf(TypeInvalidArgument, "TauMax is %v, want 0 (automatic) or a finite value of at least 1", req.TauMax)
	}
	agents := req.Scoreboard.Agents()
	profiles := make([]PerformanceProfile, len(agents))
	for i, a := range agents {
		profiles[i].Agent = a
	}
	comps := 0
	tauMax := 1.0
	for _, c := range req.Scoreboard.Competitions {
		res := c.results()
		best, ok := bestScore(res, c.Direction)
		if !ok {
			continue
		}
		comps++
		for i, a := range agents {
			o, attempted := res[a]
			if !attempted || o.failed {
				continue
			}
			if r := PerformanceRatio(o.score, best, c.Direction); !math.IsInf(r, 1) {
				profiles[i].Ratios = append(profiles[i].Ratios, r)
				tauMax = max(tauMax, r)
			}
		}
	}
	if req.TauMax != 0 {
		tauMax = req.TauMax
	}
	for i := range profiles {
		p := &profiles[i]
		p.Competitions = comps
		slices.Sort(p.Ratios)
		if comps == 0 {
			continue
		}
		for _, r := range p.Ratios {
			p.AUP += max(0, tauMax-r)
		}
		p.AUP /= float64(comps)
		if tauMax > 1 {
			p.Normalised = p.AUP / (tauMax - 1)
		} else {
			p.Normalised = p.Rho(1)
		}
	}
	return AUPResult{TauMax: tauMax, Competitions: comps, Profiles: profiles}, nil
}

// bestScore is the best valid score among res under dir.
func bestScore(res map[string]outcome, dir Direction) (float64, bool) {
	best, found := 0.0, false
	for _, o := range res {
		if o.failed {
			continue
		}
		if !found || dir.Better(o.score, best) {
			best, found = o.score, true
		}
	}
	return best, found
}
