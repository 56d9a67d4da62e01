package report

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/eval"
)

// Bootstrap settings of the Elo intervals: fixed, so a report of the same run always shows the same
// intervals.
const (
	EloBootstrapRounds = 1000
	EloBootstrapSeed   = 1
)

// LeaderboardFormat is leaderboard.json's format version.
const LeaderboardFormat = "dojo-leaderboard/1"

// Leaderboard is leaderboard.json: every number of the report.
type Leaderboard struct {
	Format    string    `json:"format"`
	Name      string    `json:"name"`
	Generated time.Time `json:"generated"`
	// ScoreBasis says which score judges an episode.
	ScoreBasis   string               `json:"score_basis"`
	Competitions []CompetitionSummary `json:"competitions"`
	Domains      []string             `json:"domains"`
	Seeds        []int64              `json:"seeds"`
	// Agents are ranked by overall HumanRank, best first.
	Agents []AgentResult `json:"agents"`
	Elo    EloSummary    `json:"elo"`
	AUP    AUPSummary    `json:"aup"`
	// Unfinished names episodes without a result yet.
	Unfinished []string `json:"unfinished,omitempty"`
}

// CompetitionSummary is one competition of the run.
type CompetitionSummary struct {
	ID        string         `json:"id"`
	Domain    string         `json:"domain"`
	Metric    string         `json:"metric"`
	Direction core.Direction `json:"direction"`
	Teams     int            `json:"teams"`
}

// EloSummary describes the Elo fit.
type EloSummary struct {
	Games           int     `json:"games"`
	BootstrapRounds int     `json:"bootstrap_rounds"`
	Confidence      float64 `json:"confidence"`
}

// AUPSummary describes the performance profiles.
type AUPSummary struct {
	TauMax       float64 `json:"tau_max"`
	Competitions int     `json:"competitions"`
}

// AgentResult is one agent's numbers.
type AgentResult struct {
	Rank  int    `json:"rank"`
	Agent string `json:"agent"`
	Kind  string `json:"kind"`
	// Episodes counts the scored episodes (done, or ended by the agent's error); InfraFailed those
	// given up after infrastructure failures (left out of every score); Unfinished those not over.
	Episodes    int `json:"episodes"`
	InfraFailed int `json:"infra_failed_episodes"`
	Unfinished  int `json:"unfinished_episodes"`

	HumanRank HumanRankStats `json:"humanrank"`
	Elo       EloStats       `json:"elo"`
	// AUP is the area under the performance profile; AUPNormalised divides it by its maximum.
	AUP           float64 `json:"aup"`
	AUPNormalised float64 `json:"aup_normalised"`
	Medals        Medals  `json:"medals"`
	// ValidRate is the share of scored episodes with a valid final submission.
	ValidRate float64  `json:"valid_submission_rate"`
	Failures  Failures `json:"failures"`

	MeanSteps float64 `json:"mean_steps"`
	// MeanEpisodeSeconds is the mean episode time (the time budget's clock).
	MeanEpisodeSeconds float64 `json:"mean_episode_seconds"`
	// WallSeconds sums the wall time of every attempt of every episode.
	WallSeconds      float64 `json:"wall_seconds"`
	Calls            int     `json:"model_calls"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	// Retries counts model calls repeated after a transient failure; Repairs replies sent back because
	// they held no usable action.
	Retries int `json:"model_retries"`
	Repairs int `json:"repairs"`
	// Curve is the mean over scored episodes of the best HumanRank after each step (an episode that
	// ended earlier keeps its last value).
	Curve []float64 `json:"best_humanrank_by_step"`
}

// HumanRankStats are an agent's mean HumanRank: per competition over seeds, per domain over its
// competitions, and overall over every competition (each competition weighs the same).
type HumanRankStats struct {
	Overall       float64            `json:"overall"`
	ByDomain      map[string]float64 `json:"by_domain"`
	ByCompetition map[string]float64 `json:"by_competition"`
}

// EloStats is an agent's Elo rating with its bootstrap interval and record.
type EloStats struct {
	Rating float64 `json:"rating"`
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
	Wins   int     `json:"wins"`
	Draws  int     `json:"draws"`
	Losses int     `json:"losses"`
}

// Medals are shares of scored episodes that earned each medal (MLE-bench's rules, on the private
// board), at least one medal, and a score above the board's median.
type Medals struct {
	Gold        float64 `json:"gold"`
	Silver      float64 `json:"silver"`
	Bronze      float64 `json:"bronze"`
	Any         float64 `json:"any"`
	AboveMedian float64 `json:"above_median"`
}

// Failures are the agent's failures by error type, and the infrastructure's apart.
type Failures struct {
	// StepErrorRate is the share of steps whose observation carried an error; StepErrors splits it by
	// error type (each a share of all steps).
	StepErrorRate float64            `json:"step_error_rate"`
	StepErrors    map[string]float64 `json:"step_errors,omitempty"`
	// EpisodeErrorRate is the share of scored episodes the agent ended with an error; EpisodeErrors
	// splits it by type.
	EpisodeErrorRate float64            `json:"episode_error_rate"`
	EpisodeErrors    map[string]float64 `json:"episode_errors,omitempty"`
	// InfraFailureRate is infrastructure failures per attempt; InfraFailures counts them by type.
	Attempts         int            `json:"attempts"`
	InfraFailureRate float64        `json:"infra_failure_rate"`
	InfraFailures    map[string]int `json:"infra_failures,omitempty"`
}

// ScoreBasis is the leaderboard's description of the score that judges an episode.
const ScoreBasis = "the held-out final score where the episode used a held-out split (score_split: public), else the best valid submission; no valid submission scores HumanRank 0"

// episodeScore is one scored episode, judged.
type episodeScore struct {
	valid bool
	rank  float64 // mean HumanRank of the final score; 0 without a valid one
	medal core.MedalResult
}

func judge(r eval.Result, c eval.CompetitionInfo) episodeScore {
	raw, ok := r.FinalRaw()
	if !ok {
		return episodeScore{}
	}
	s := episodeScore{valid: true, rank: core.RankAll(raw, c.Boards, c.Direction).Mean}
	if n := len(c.Boards); n > 0 {
		s.medal = core.MedalFor(raw, c.Boards[n-1], c.Direction)
	}
	return s
}

// Compute works out the leaderboard of run.
func Compute(run Run) (Leaderboard, error) {
	lb := Leaderboard{
		Format: LeaderboardFormat, Name: run.Manifest.Name, Generated: time.Now().UTC(), ScoreBasis: ScoreBasis,
		Seeds: run.Manifest.Config.Seeds, Unfinished: run.Unfinished,
	}
	domains := map[string]bool{}
	ids := make([]string, 0, len(run.Competitions))
	for id := range run.Competitions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := run.Competitions[id]
		teams := 0
		if n := len(c.Boards); n > 0 {
			teams = len(c.Boards[n-1].Scores)
		}
		lb.Competitions = append(lb.Competitions, CompetitionSummary{ID: id, Domain: domainOf(c), Metric: c.Metric, Direction: c.Direction, Teams: teams})
		domains[domainOf(c)] = true
	}
	for d := range domains {
		lb.Domains = append(lb.Domains, d)
	}
	sort.Strings(lb.Domains)

	byAgent := map[string]*AgentResult{}
	var order []string
	for _, a := range run.Manifest.Config.Agents {
		byAgent[a.Name] = &AgentResult{Agent: a.Name, Kind: a.Kind}
		order = append(order, a.Name)
	}
	agentOf := func(name, kind string) *AgentResult {
		if a, ok := byAgent[name]; ok {
			return a
		}
		a := &AgentResult{Agent: name, Kind: kind}
		byAgent[name] = a
		order = append(order, name)
		return a
	}
	for _, u := range run.Unfinished {
		agentOf(firstElem(u), "").Unfinished++
	}

	// Per agent and competition: the judged scores of its scored episodes.
	scores := map[string]map[string][]episodeScore{}
	curves := map[string][][]float64{}
	steps := map[string]int{}
	stepErrs := map[string]map[string]int{}
	epErrs := map[string]map[string]int{}
	elapsed := map[string]time.Duration{}
	for _, r := range run.Results {
		a := agentOf(r.Agent, r.Kind)
		comp := run.Competitions[r.Competition]
		f := &a.Failures
		f.Attempts += r.Attempts
		for _, fl := range r.InfraFailures {
			if f.InfraFailures == nil {
				f.InfraFailures = map[string]int{}
			}
			f.InfraFailures[string(fl.Type)]++
		}
		a.WallSeconds += r.Wall.Seconds()
		if u := r.Usage; u != nil {
			a.Calls += u.Calls
			a.PromptTokens += u.PromptTokens
			a.CompletionTokens += u.CompletionTokens
			a.CostUSD += u.CostUSD
			a.Retries += u.Retries
			a.Repairs += u.Repairs
		}
		if r.Status == eval.StatusInfraError {
			a.InfraFailed++
			continue
		}
		a.Episodes++
		s := judge(r, comp)
		if scores[r.Agent] == nil {
			scores[r.Agent] = map[string][]episodeScore{}
			stepErrs[r.Agent] = map[string]int{}
			epErrs[r.Agent] = map[string]int{}
		}
		scores[r.Agent][r.Competition] = append(scores[r.Agent][r.Competition], s)
		curves[r.Agent] = append(curves[r.Agent], rankCurve(r.BestRawByStep, comp))
		steps[r.Agent] += r.Steps
		elapsed[r.Agent] += r.Elapsed
		for t, n := range r.StepErrors {
			stepErrs[r.Agent][string(t)] += n
		}
		if r.Status == eval.StatusError && r.Error != nil {
			epErrs[r.Agent][string(r.Error.Type)]++
		}
	}

	board := core.Scoreboard{}
	for _, id := range ids {
		cs := core.CompetitionScores{Competition: id, Direction: core.HigherIsBetter, Scores: map[string]float64{}}
		for _, name := range order {
			list := scores[name][id]
			if len(list) == 0 {
				continue
			}
			anyValid := false
			for _, s := range list {
				anyValid = anyValid || s.valid
			}
			if anyValid {
				cs.Scores[name] = meanRank(list)
			} else {
				cs.Failed = append(cs.Failed, name)
			}
		}
		board.Competitions = append(board.Competitions, cs)
	}

	for _, name := range order {
		a := byAgent[name]
		a.HumanRank = HumanRankStats{ByDomain: map[string]float64{}, ByCompetition: map[string]float64{}}
		domainSums, domainCounts := map[string]float64{}, map[string]int{}
		total, n := 0.0, 0
		var all []episodeScore
		for _, id := range ids {
			list := scores[name][id]
			if len(list) == 0 {
				continue
			}
			all = append(all, list...)
			m := meanRank(list)
			a.HumanRank.ByCompetition[id] = m
			d := domainOf(run.Competitions[id])
			domainSums[d] += m
			domainCounts[d]++
			total += m
			n++
		}
		if n > 0 {
			a.HumanRank.Overall = total / float64(n)
		}
		for d, s := range domainSums {
			a.HumanRank.ByDomain[d] = s / float64(domainCounts[d])
		}
		a.Medals, a.ValidRate = medalRates(all)
		if a.Episodes > 0 {
			a.MeanSteps = float64(steps[name]) / float64(a.Episodes)
			a.MeanEpisodeSeconds = elapsed[name].Seconds() / float64(a.Episodes)
			errs := 0
			for t, k := range epErrs[name] {
				if a.Failures.EpisodeErrors == nil {
					a.Failures.EpisodeErrors = map[string]float64{}
				}
				a.Failures.EpisodeErrors[t] = float64(k) / float64(a.Episodes)
				errs += k
			}
			a.Failures.EpisodeErrorRate = float64(errs) / float64(a.Episodes)
		}
		if steps[name] > 0 {
			errs := 0
			for t, k := range stepErrs[name] {
				if a.Failures.StepErrors == nil {
					a.Failures.StepErrors = map[string]float64{}
				}
				a.Failures.StepErrors[t] = float64(k) / float64(steps[name])
				errs += k
			}
			a.Failures.StepErrorRate = float64(errs) / float64(steps[name])
		}
		if a.Failures.Attempts > 0 {
			infra := 0
			for _, k := range a.Failures.InfraFailures {
				infra += k
			}
			a.Failures.InfraFailureRate = float64(infra) / float64(a.Failures.Attempts)
		}
		a.Curve = meanCurve(curves[name])
	}

	if len(board.Competitions) > 0 && len(board.Agents()) > 0 {
		elo, err := core.Elo(core.EloRequest{Scoreboard: board, Bootstrap: EloBootstrapRounds, Seed: EloBootstrapSeed})
		if err != nil {
			return lb, err
		}
		lb.Elo = EloSummary{Games: elo.Games, BootstrapRounds: elo.BootstrapRounds, Confidence: elo.Confidence}
		for _, r := range elo.Ratings {
			byAgent[r.Agent].Elo = EloStats{Rating: r.Rating, Lower: r.Lower, Upper: r.Upper, Wins: r.Wins, Draws: r.Draws, Losses: r.Losses}
		}
		aup, err := core.AUP(core.AUPRequest{Scoreboard: board})
		if err != nil {
			return lb, err
		}
		lb.AUP = AUPSummary{TauMax: aup.TauMax, Competitions: aup.Competitions}
		for _, p := range aup.Profiles {
			byAgent[p.Agent].AUP, byAgent[p.Agent].AUPNormalised = p.AUP, p.Normalised
		}
	}

	for _, name := range order {
		lb.Agents = append(lb.Agents, *byAgent[name])
	}
	slices.SortStableFunc(lb.Agents, func(x, y AgentResult) int {
		if c := cmp.Compare(y.HumanRank.Overall, x.HumanRank.Overall); c != 0 {
			return c
		}
		return cmp.Compare(y.Elo.Rating, x.Elo.Rating)
	})
	for i := range lb.Agents {
		lb.Agents[i].Rank = i + 1
	}
	return lb, nil
}

func domainOf(c eval.CompetitionInfo) string {
	if c.Domain == "" {
		return string(core.DomainOther)
	}
	return string(c.Domain)
}

func meanRank(list []episodeScore) float64 {
	if len(list) == 0 {
		return 0
	}
	s := 0.0
	for _, e := range list {
		s += e.rank
	}
	return s / float64(len(list))
}

func medalRates(all []episodeScore) (Medals, float64) {
	var m Medals
	if len(all) == 0 {
		return m, 0
	}
	valid := 0
	for _, s := range all {
		if !s.valid {
			continue
		}
		valid++
		switch s.medal.Medal {
		case core.MedalGold:
			m.Gold++
		case core.MedalSilver:
			m.Silver++
		case core.MedalBronze:
			m.Bronze++
		}
		if s.medal.Medal.Any() {
			m.Any++
		}
		if s.medal.AboveMedian {
			m.AboveMedian++
		}
	}
	n := float64(len(all))
	m.Gold, m.Silver, m.Bronze, m.Any, m.AboveMedian = m.Gold/n, m.Silver/n, m.Bronze/n, m.Any/n, m.AboveMedian/n
	return m, float64(valid) / n
}

// rankCurve is the best HumanRank after each step of one episode (0 before its first valid submission).
func rankCurve(best []*float64, c eval.CompetitionInfo) []float64 {
	boards := core.SortBoards(c.Boards, c.Direction)
	out := make([]float64, len(best))
	for i, b := range best {
		if b != nil && !math.IsNaN(*b) {
			out[i] = core.RankSorted(*b, boards).Mean
		}
	}
	return out
}

// meanCurve averages episode curves step by step; a curve shorter than the longest keeps its last
// value (the episode's best stays its best after it ended).
func meanCurve(curves [][]float64) []float64 {
	n := 0
	for _, c := range curves {
		n = max(n, len(c))
	}
	if n == 0 || len(curves) == 0 {
		return nil
	}
	out := make([]float64, n)
	for k := range n {
		s := 0.0
		for _, c := range curves {
			switch {
			case k < len(c):
				s += c[k]
			case len(c) > 0:
				s += c[len(c)-1]
			}
		}
		out[k] = s / float64(len(curves))
	}
	return out
}

func firstElem(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
