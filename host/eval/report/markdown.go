package report

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the leaderboard as report.md.
func Markdown(lb Leaderboard) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Evaluation report: %s\n\n", lb.Name)
	p("%d agents, %d competitions, seeds %v. Generated %s.\n\n", len(lb.Agents), len(lb.Competitions), lb.Seeds, lb.Generated.Format("2006-01-02 15:04 MST"))
	p("Score of an episode: %s.\n\n", lb.ScoreBasis)
	if n := len(lb.Unfinished); n > 0 {
		p("**%d episodes are unfinished** and left out; rerun `dojo eval` on the run directory to finish them.\n\n", n)
	}

	p("## Leaderboard\n\n")
	p("| # | agent | HumanRank | Elo (%.0f%% CI) | AUP | any medal | gold | above median | valid | episodes |\n", 100*conf(lb))
	p("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, a := range lb.Agents {
		p("| %d | %s | %.4f | %.0f [%.0f, %.0f] | %.3f | %s | %s | %s | %s | %d |\n", a.Rank, a.Agent, a.HumanRank.Overall,
			a.Elo.Rating, a.Elo.Lower, a.Elo.Upper, a.AUP, pct(a.Medals.Any), pct(a.Medals.Gold), pct(a.Medals.AboveMedian),
			pct(a.ValidRate), a.Episodes)
	}

	p("\n## HumanRank by domain\n\n| agent |")
	for _, d := range lb.Domains {
		p(" %s |", d)
	}
	p("\n|---|%s\n", strings.Repeat("---|", len(lb.Domains)))
	for _, a := range lb.Agents {
		p("| %s |", a.Agent)
		for _, d := range lb.Domains {
			p(" %s |", optional(a.HumanRank.ByDomain, d))
		}
		p("\n")
	}

	p("\n## HumanRank by competition (mean over seeds)\n\n| competition | domain | metric |")
	for _, a := range lb.Agents {
		p(" %s |", a.Agent)
	}
	p("\n|---|---|---|%s\n", strings.Repeat("---|", len(lb.Agents)))
	for _, c := range lb.Competitions {
		p("| %s | %s | %s |", c.ID, c.Domain, c.Metric)
		for _, a := range lb.Agents {
			p(" %s |", optional(a.HumanRank.ByCompetition, c.ID))
		}
		p("\n")
	}

	p("\n## Medals (MLE-bench rules, private board)\n\n| agent | gold | silver | bronze | any | above median |\n|---|---|---|---|---|---|\n")
	for _, a := range lb.Agents {
		m := a.Medals
		p("| %s | %s | %s | %s | %s | %s |\n", a.Agent, pct(m.Gold), pct(m.Silver), pct(m.Bronze), pct(m.Any), pct(m.AboveMedian))
	}

	p("\n## Failures\n\n| agent | failing steps | by type | episodes ended by the agent's error | infrastructure failures per attempt | by type |\n|---|---|---|---|---|---|\n")
	for _, a := range lb.Agents {
		f := a.Failures
		p("| %s | %s | %s | %s | %s (%d attempts) | %s |\n", a.Agent, pct(f.StepErrorRate), shares(f.StepErrors), pct(f.EpisodeErrorRate),
			pct(f.InfraFailureRate), f.Attempts, counts(f.InfraFailures))
	}

	p("\n## Cost\n\n| agent | mean steps | mean episode time | wall time | model calls | prompt tokens | completion tokens | cost |\n|---|---|---|---|---|---|---|---|\n")
	for _, a := range lb.Agents {
		p("| %s | %.1f | %.1fs | %.1fs | %d | %d | %d | $%.4f |\n", a.Agent, a.MeanSteps, a.MeanEpisodeSeconds, a.WallSeconds,
			a.Calls, a.PromptTokens, a.CompletionTokens, a.CostUSD)
	}
	p("\nElo: %d games (one per pair of agents per competition), %d bootstrap resamples of the competitions. AUP: τ up to %.3g over %d competitions.\n",
		lb.Elo.Games, lb.Elo.BootstrapRounds, lb.AUP.TauMax, lb.AUP.Competitions)
	return b.String()
}

func conf(lb Leaderboard) float64 {
	if lb.Elo.Confidence == 0 {
		return 0.95
	}
	return lb.Elo.Confidence
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

func optional(m map[string]float64, k string) string {
	if v, ok := m[k]; ok {
		return fmt.Sprintf("%.4f", v)
	}
	return "–"
}

func shares(m map[string]float64) string {
	if len(m) == 0 {
		return "–"
	}
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s", k, pct(m[k]))
	}
	return strings.Join(parts, ", ")
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "–"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
