package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/mledojo/dojo/core"
)

// Files Write produces in the run directory.
const (
	LeaderboardFile = "leaderboard.json"
	MarkdownFile    = "report.md"
	HTMLFile        = "report.html"
)

// Write writes leaderboard.json, report.md and report.html into dir.
func Write(dir string, lb Leaderboard) error {
	js, err := json.MarshalIndent(lb, "", "  ")
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding the leaderboard: %w", err)
	}
	page, err := HTML(lb)
	if err != nil {
		return err
	}
	for name, body := range map[string][]byte{
		LeaderboardFile: append(js, '\n'), MarkdownFile: []byte(Markdown(lb)), HTMLFile: page,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			return core.Errorf(core.TypeInternal, "writing %s: %w", name, err)
		}
	}
	return nil
}

// HTML renders the leaderboard as one self-contained page: inline CSS and SVG, no script, nothing
// fetched.
func HTML(lb Leaderboard) ([]byte, error) {
	var b bytes.Buffer
	err := page.Execute(&b, map[string]any{
		"LB": lb, "Conf": 100 * conf(lb),
		"Curve": template.HTML(curveChart(lb)), "Domain": template.HTML(domainChart(lb)), "Elo": template.HTML(eloChart(lb)),
	})
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "rendering report.html: %w", err)
	}
	return b.Bytes(), nil
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"f4":       func(x float64) string { return fmt.Sprintf("%.4f", x) },
	"f0":       func(x float64) string { return fmt.Sprintf("%.0f", x) },
	"f1":       func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"f3":       func(x float64) string { return fmt.Sprintf("%.3f", x) },
	"optional": optional,
	"shares":   shares,
	"counts":   counts,
	"usd":      func(x float64) string { return fmt.Sprintf("$%.4f", x) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evaluation report: {{.LB.Name}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 24px auto; max-width: 1100px; padding: 0 16px; background: #f6f8fa; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
p.meta { color: #57606a; }
table { border-collapse: collapse; background: #fff; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: right; }
th { background: #eaeef2; }
td:first-child, th:first-child, td.name { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { background: #fff; border: 1px solid #d0d7de; }
svg .title { font: bold 14px system-ui, sans-serif; fill: #1b1f24; }
svg .tick, svg .legend { font: 12px system-ui, sans-serif; fill: #57606a; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; }
</style>
</head>
<body>
<h1>Evaluation report: {{.LB.Name}}</h1>
<p class="meta">{{len .LB.Agents}} agents, {{len .LB.Competitions}} competitions, seeds {{.LB.Seeds}}. Generated {{.LB.Generated.Format "2006-01-02 15:04 MST"}}.<br>
Score of an episode: {{.LB.ScoreBasis}}.</p>
{{with .LB.Unfinished}}<p class="warn">{{len .}} episodes are unfinished and left out; rerun <code>dojo eval</code> on the run directory to finish them.</p>{{end}}

<h2>Leaderboard</h2>
<table id="leaderboard">
<tr><th>#</th><th>agent</th><th>HumanRank</th><th>Elo ({{f0 .Conf}}% CI)</th><th>AUP</th><th>any medal</th><th>gold</th><th>above median</th><th>valid</th><th>episodes</th></tr>
{{range .LB.Agents}}<tr><td>{{.Rank}}</td><td class="name">{{.Agent}} <small>({{.Kind}})</small></td><td>{{f4 .HumanRank.Overall}}</td><td>{{f0 .Elo.Rating}} [{{f0 .Elo.Lower}}, {{f0 .Elo.Upper}}]</td><td>{{f3 .AUP}}</td><td>{{pct .Medals.Any}}</td><td>{{pct .Medals.Gold}}</td><td>{{pct .Medals.AboveMedian}}</td><td>{{pct .ValidRate}}</td><td>{{.Episodes}}</td></tr>
{{end}}</table>

<h2>Charts</h2>
<div class="charts">
{{.Curve}}
{{.Domain}}
{{.Elo}}
</div>

<h2>HumanRank by competition (mean over seeds)</h2>
<table id="by-competition">
<tr><th>competition</th><th>domain</th><th>metric</th>{{range .LB.Agents}}<th>{{.Agent}}</th>{{end}}</tr>
{{range $c := .LB.Competitions}}<tr><td>{{$c.ID}}</td><td class="name">{{$c.Domain}}</td><td class="name">{{$c.Metric}}</td>{{range $.LB.Agents}}<td>{{optional .HumanRank.ByCompetition $c.ID}}</td>{{end}}</tr>
{{end}}</table>

<h2>Medals (MLE-bench rules, private board)</h2>
<table id="medals">
<tr><th>agent</th><th>gold</th><th>silver</th><th>bronze</th><th>any</th><th>above median</th></tr>
{{range .LB.Agents}}<tr><td>{{.Agent}}</td><td>{{pct .Medals.Gold}}</td><td>{{pct .Medals.Silver}}</td><td>{{pct .Medals.Bronze}}</td><td>{{pct .Medals.Any}}</td><td>{{pct .Medals.AboveMedian}}</td></tr>
{{end}}</table>

<h2>Failures</h2>
<table id="failures">
<tr><th>agent</th><th>failing steps</th><th>by type</th><th>episodes ended by the agent's error</th><th>infrastructure failures per attempt</th><th>by type</th></tr>
{{range .LB.Agents}}<tr><td>{{.Agent}}</td><td>{{pct .Failures.StepErrorRate}}</td><td class="name">{{shares .Failures.StepErrors}}</td><td>{{pct .Failures.EpisodeErrorRate}}</td><td>{{pct .Failures.InfraFailureRate}} ({{.Failures.Attempts}} attempts)</td><td class="name">{{counts .Failures.InfraFailures}}</td></tr>
{{end}}</table>

<h2>Steps, time and cost</h2>
<table id="cost">
<tr><th>agent</th><th>mean steps</th><th>mean episode time (s)</th><th>wall time (s)</th><th>model calls</th><th>prompt tokens</th><th>completion tokens</th><th>cost</th></tr>
{{range .LB.Agents}}<tr><td>{{.Agent}}</td><td>{{f1 .MeanSteps}}</td><td>{{f1 .MeanEpisodeSeconds}}</td><td>{{f1 .WallSeconds}}</td><td>{{.Calls}}</td><td>{{.PromptTokens}}</td><td>{{.CompletionTokens}}</td><td>{{usd .CostUSD}}</td></tr>
{{end}}</table>
<p class="meta">Elo: {{.LB.Elo.Games}} games (one per pair of agents per competition), {{.LB.Elo.BootstrapRounds}} bootstrap resamples of the competitions. AUP: τ up to {{f3 .LB.AUP.TauMax}} over {{.LB.AUP.Competitions}} competitions.</p>
</body>
</html>
`))
