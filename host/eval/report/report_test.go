package report_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/eval"
	"github.com/mledojo/dojo/host/eval/report"
)

func f(x float64) *float64 { return &x }

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// syntheticRun writes a run directory by hand: three agents, two competitions, two seeds.
//
// alpha@1 (tabular, maximize): both boards [0.9 0.8 0.7 0.6 0.5]; 5 teams, so gold and silver are
// position 1 (0.9), bronze position 2 (0.8), median 0.7.
// beta@1 (vision, minimize): private board [1 2 3 4]; every medal is position 1 (1.0), median 2.5.
//
//	agent a: alpha 0.9 (HR 1, gold), alpha held-out 0.85 (public best 0.9; HR 0.8, bronze),
//	         beta 1.5 (HR 0.75), beta nothing valid (HR 0, two code_runtime steps)
//	agent b: alpha 0.55 (HR 0.2), alpha ended by a config error (HR 0), beta 3 (HR 0.5), beta 1 (HR 1, gold)
//	agent c: alpha given up after infrastructure failures, alpha 0.7 (HR 0.6); beta never ran
func syntheticRun(t *testing.T) string {
	dir := t.TempDir()
	alpha := eval.CompetitionInfo{ID: "alpha@1", Domain: core.DomainTabular, Metric: "accuracy", Direction: core.HigherIsBetter,
		Boards: []core.Leaderboard{{Name: "public", Scores: []float64{0.9, 0.8, 0.7, 0.6, 0.5}}, {Name: "private", Scores: []float64{0.5, 0.6, 0.7, 0.8, 0.9}}}}
	beta := eval.CompetitionInfo{ID: "beta@1", Domain: core.DomainVision, Metric: "rmse", Direction: core.LowerIsBetter,
		Boards: []core.Leaderboard{{Name: "private", Scores: []float64{4, 3, 2, 1}}}}
	writeJSON(t, filepath.Join(dir, "competitions", "alpha@1.json"), alpha)
	writeJSON(t, filepath.Join(dir, "competitions", "beta@1.json"), beta)
	cfg := eval.Config{
		Name:         "synthetic",
		Agents:       []eval.AgentSpec{{Name: "a", Kind: "scripted"}, {Name: "b", Kind: "baseline"}, {Name: "c", Kind: "llm"}},
		Competitions: []eval.CompetitionSelector{{ID: "alpha@1"}, {ID: "beta@1"}},
		Seeds:        []int64{1, 2},
	}
	writeJSON(t, filepath.Join(dir, eval.ManifestFile), eval.Manifest{Format: eval.ManifestFormat, Name: "synthetic", Config: cfg,
		Seeds: cfg.Seeds, Competitions: []string{"alpha@1", "beta@1"}})
	usage := &agents.Usage{Calls: 3, PromptTokens: 100, CompletionTokens: 50, CostUSD: 0.25}
	results := []eval.Result{
		{Agent: "a", Kind: "scripted", Competition: "alpha@1", Seed: 1, Status: eval.StatusDone, Attempts: 1, Steps: 5,
			BestRaw: f(0.9), BestRawByStep: []*float64{nil, f(0.9)}, Usage: usage, Elapsed: 10e9},
		{Agent: "a", Kind: "scripted", Competition: "alpha@1", Seed: 2, Status: eval.StatusDone, Attempts: 1, Steps: 5,
			BestRaw: f(0.9), Split: "public", HeldOutRaw: f(0.85), BestRawByStep: []*float64{f(0.85)}, Usage: usage, Elapsed: 20e9},
		{Agent: "a", Kind: "scripted", Competition: "beta@1", Seed: 1, Status: eval.StatusDone, Attempts: 1, Steps: 4,
			BestRaw: f(1.5), BestRawByStep: []*float64{nil, nil, f(1.5)}},
		{Agent: "a", Kind: "scripted", Competition: "beta@1", Seed: 2, Status: eval.StatusDone, Attempts: 1, Steps: 3,
			StepErrors: map[core.ErrorType]int{core.TypeCodeRuntime: 2}},
		{Agent: "b", Kind: "baseline", Competition: "alpha@1", Seed: 1, Status: eval.StatusDone, Attempts: 1, Steps: 5,
			BestRaw: f(0.55), StepErrors: map[core.ErrorType]int{core.TypeSubmissionInvalid: 1}},
		{Agent: "b", Kind: "baseline", Competition: "alpha@1", Seed: 2, Status: eval.StatusError, Attempts: 1, Steps: 2,
			Error: core.Errorf(core.TypeConfig, "bad setting")},
		{Agent: "b", Kind: "baseline", Competition: "beta@1", Seed: 1, Status: eval.StatusDone, Attempts: 1, Steps: 5, BestRaw: f(3)},
		{Agent: "b", Kind: "baseline", Competition: "beta@1", Seed: 2, Status: eval.StatusDone, Attempts: 1, Steps: 5, BestRaw: f(1)},
		{Agent: "c", Kind: "llm", Competition: "alpha@1", Seed: 1, Status: eval.StatusInfraError, Attempts: 3,
			Error: core.Errorf(core.TypeSandboxInit, "no sandbox"), InfraFailures: []eval.Failure{
				{Attempt: 1, Type: core.TypeSandboxInit}, {Attempt: 2, Type: core.TypeSandboxInit}, {Attempt: 3, Type: core.TypePluginCrashed}}},
		{Agent: "c", Kind: "llm", Competition: "alpha@1", Seed: 2, Status: eval.StatusDone, Attempts: 2, Steps: 6, BestRaw: f(0.7),
			InfraFailures: []eval.Failure{{Attempt: 1, Type: core.TypeUnavailable}}},
	}
	for _, r := range results {
		writeJSON(t, filepath.Join(eval.EpisodeDir(dir, r.Agent, r.Competition, r.Seed), eval.ResultFile), r)
	}
	return dir
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func leaderboard(t *testing.T) (string, report.Leaderboard, map[string]report.AgentResult) {
	t.Helper()
	dir := syntheticRun(t)
	run, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := report.Compute(run)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]report.AgentResult{}
	for _, a := range lb.Agents {
		by[a.Agent] = a
	}
	return dir, lb, by
}

func TestCompute_HumanRankMeansPerCompetitionDomainAndOverall(t *testing.T) {
	_, lb, by := leaderboard(t)
	a, b, c := by["a"], by["b"], by["c"]
	near(t, "a alpha", a.HumanRank.ByCompetition["alpha@1"], (1.0+0.8)/2) // the held-out 0.85, not the public 0.9
	near(t, "a beta", a.HumanRank.ByCompetition["beta@1"], (0.75+0)/2)
	near(t, "a overall", a.HumanRank.Overall, (0.9+0.375)/2)
	near(t, "a tabular", a.HumanRank.ByDomain["tabular"], 0.9)
	near(t, "a vision", a.HumanRank.ByDomain["vision"], 0.375)
	near(t, "b alpha", b.HumanRank.ByCompetition["alpha@1"], (0.2+0)/2)
	near(t, "b beta", b.HumanRank.ByCompetition["beta@1"], (0.5+1)/2)
	near(t, "b overall", b.HumanRank.Overall, (0.1+0.75)/2)
	near(t, "c alpha", c.HumanRank.ByCompetition["alpha@1"], 0.6) // the infra-failed episode is left out
	if _, ok := c.HumanRank.ByCompetition["beta@1"]; ok {
		t.Error("c has a beta score without a finished episode there")
	}
	if got := []string{lb.Agents[0].Agent, lb.Agents[1].Agent, lb.Agents[2].Agent}; strings.Join(got, ",") != "a,c,b" {
		t.Errorf("ranking %v, want a, c, b by overall HumanRank", got)
	}
	if c.Episodes != 1 || c.InfraFailed != 1 || c.Unfinished != 2 || len(lb.Unfinished) != 2 {
		t.Errorf("c episodes %d, infra-failed %d, unfinished %d (run %v)", c.Episodes, c.InfraFailed, c.Unfinished, lb.Unfinished)
	}
	near(t, "a curve step 1", a.Curve[0], (0+0.8+0+0)/4.0)
	near(t, "a curve step 2", a.Curve[1], (1+0.8+0+0)/4.0)
	near(t, "a curve step 3", a.Curve[2], (1+0.8+0.75+0)/4.0)
	if len(a.Curve) != 3 {
		t.Errorf("a curve %v, want 3 steps", a.Curve)
	}
}

func TestCompute_MedalsValidRateAndFailures(t *testing.T) {
	_, _, by := leaderboard(t)
	a, b, c := by["a"], by["b"], by["c"]
	near(t, "a gold", a.Medals.Gold, 0.25)
	near(t, "a bronze", a.Medals.Bronze, 0.25)
	near(t, "a silver", a.Medals.Silver, 0)
	near(t, "a any", a.Medals.Any, 0.5)
	near(t, "a above median", a.Medals.AboveMedian, 0.75) // 0.9, 0.85 > 0.7 and 1.5 < 2.5
	near(t, "b gold", b.Medals.Gold, 0.25)                // 1.0 ties the minimising board's best
	near(t, "b any", b.Medals.Any, 0.25)
	near(t, "b above median", b.Medals.AboveMedian, 0.25)
	near(t, "c any", c.Medals.Any, 0)
	near(t, "c above median", c.Medals.AboveMedian, 0) // 0.7 equals the median: not above it
	near(t, "a valid", a.ValidRate, 0.75)
	near(t, "b valid", b.ValidRate, 0.75)
	near(t, "c valid", c.ValidRate, 1)

	near(t, "a step errors", a.Failures.StepErrorRate, 2.0/17)
	near(t, "a code_runtime", a.Failures.StepErrors["code_runtime"], 2.0/17)
	near(t, "b step errors", b.Failures.StepErrorRate, 1.0/17)
	near(t, "b episode errors", b.Failures.EpisodeErrorRate, 0.25)
	near(t, "b config errors", b.Failures.EpisodeErrors["config"], 0.25)
	near(t, "a episode errors", a.Failures.EpisodeErrorRate, 0)
	if f := c.Failures; f.Attempts != 5 || f.InfraFailures["sandbox_init"] != 2 || f.InfraFailures["plugin_crashed"] != 1 || f.InfraFailures["unavailable"] != 1 {
		t.Errorf("c failures %+v", f)
	}
	near(t, "c infra rate", c.Failures.InfraFailureRate, 4.0/5)
	near(t, "a infra rate", a.Failures.InfraFailureRate, 0)
	near(t, "a mean steps", a.MeanSteps, 17.0/4)
	near(t, "a mean time", a.MeanEpisodeSeconds, 30.0/4)
	if a.Calls != 6 || a.PromptTokens != 200 || a.CompletionTokens != 100 {
		t.Errorf("a usage: %d calls, %d+%d tokens", a.Calls, a.PromptTokens, a.CompletionTokens)
	}
	near(t, "a cost", a.CostUSD, 0.5)
}

func TestCompute_EloAndAUPFromPerCompetitionComparisons(t *testing.T) {
	_, lb, by := leaderboard(t)
	a, b, c := by["a"], by["b"], by["c"]
	// alpha: a 0.9 > c 0.6 > b 0.1; beta: b 0.75 > a 0.375 (c absent). Four games.
	if lb.Elo.Games != 4 {
		t.Errorf("%d games, want 4", lb.Elo.Games)
	}
	if a.Elo.Wins != 2 || a.Elo.Losses != 1 || b.Elo.Wins != 1 || b.Elo.Losses != 2 || c.Elo.Wins != 1 || c.Elo.Losses != 1 {
		t.Errorf("records a %+v b %+v c %+v", a.Elo, b.Elo, c.Elo)
	}
	if !(a.Elo.Rating > c.Elo.Rating && c.Elo.Rating > b.Elo.Rating) {
		t.Errorf("Elo order a %.1f, c %.1f, b %.1f; want a > c > b", a.Elo.Rating, c.Elo.Rating, b.Elo.Rating)
	}
	for _, x := range []report.AgentResult{a, b, c} {
		if !(x.Elo.Lower <= x.Elo.Rating && x.Elo.Rating <= x.Elo.Upper) {
			t.Errorf("%s: interval [%.1f, %.1f] does not contain %.1f", x.Agent, x.Elo.Lower, x.Elo.Upper, x.Elo.Rating)
		}
	}
	// Resampling the two competitions moves a and b; c sits at the centre of every resample (a and b
	// mirror each other), so its interval is a point.
	if !(a.Elo.Lower < a.Elo.Upper && b.Elo.Lower < b.Elo.Upper) {
		t.Errorf("a [%.1f, %.1f] and b [%.1f, %.1f] should have intervals of some width", a.Elo.Lower, a.Elo.Upper, b.Elo.Lower, b.Elo.Upper)
	}
	if lb.Elo.BootstrapRounds != report.EloBootstrapRounds {
		t.Errorf("%d bootstrap rounds", lb.Elo.BootstrapRounds)
	}
	// Ratios to the best: alpha a 1, b 0.9/0.1 = 9, c 0.9/0.6 = 1.5; beta b 1, a 0.75/0.375 = 2. τmax 9.
	near(t, "tau max", lb.AUP.TauMax, 9)
	near(t, "a AUP", a.AUP, ((9-1)+(9-2))/2.0)
	near(t, "b AUP", b.AUP, ((9-1)+0)/2.0)
	near(t, "c AUP", c.AUP, (9-1.5)/2.0)
	near(t, "a AUP normalised", a.AUPNormalised, 7.5/8)
}

func TestWrite_ProducesLeaderboardMarkdownAndHTML(t *testing.T) {
	dir, lb, _ := leaderboard(t)
	if err := report.Write(dir, lb); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, report.LeaderboardFile))
	if err != nil {
		t.Fatal(err)
	}
	var back report.Leaderboard
	if err := json.Unmarshal(b, &back); err != nil || len(back.Agents) != 3 || back.Agents[0].Agent != "a" {
		t.Fatalf("leaderboard.json: %v %s", err, b)
	}
	md, _ := os.ReadFile(filepath.Join(dir, report.MarkdownFile))
	for _, want := range []string{"| 1 | a | 0.6375 |", "alpha@1", "2 episodes are unfinished"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	page, _ := os.ReadFile(filepath.Join(dir, report.HTMLFile))
	for _, banned := range []string{"http://", "https://", "<script", "<link", "@import"} {
		if banned == "http://" {
			// The SVG namespace is the one URL allowed; it is never fetched.
			if strings.Count(string(page), "http://") != strings.Count(string(page), "http://www.w3.org/2000/svg") {
				t.Error("report.html references an external http:// resource")
			}
			continue
		}
		if strings.Contains(string(page), banned) {
			t.Errorf("report.html contains %q: it must be self-contained", banned)
		}
	}
}

func TestLoad_NotARunDirectoryIsTyped(t *testing.T) {
	_, err := report.Load(t.TempDir())
	if core.TypeOf(err) != core.TypeInvalidArgument || !strings.Contains(err.Error(), "manifest.json") {
		t.Fatalf("err = %v", err)
	}
}
