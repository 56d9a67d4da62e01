package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// palette colours the agents, in leaderboard order; it repeats after eight.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"}

func colour(i int) string { return palette[i%len(palette)] }

// chart is the frame shared by the charts: a plot area inside margins, with a title.
type chart struct {
	id, title                string
	width, height            float64
	left, right, top, bottom float64
	b                        strings.Builder
}

func newChart(id, title string, width, height float64) *chart {
	c := &chart{id: id, title: title, width: width, height: height, left: 60, right: 20, top: 36, bottom: 48}
	fmt.Fprintf(&c.b, `<svg id="%s" class="chart" xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`,
		c.id, width, height, width, height, esc(title))
	fmt.Fprintf(&c.b, `<rect x="0" y="0" width="%g" height="%g" fill="#ffffff"/>`, width, height)
	fmt.Fprintf(&c.b, `<text x="%g" y="22" class="title">%s</text>`, c.left, esc(title))
	return c
}

func (c *chart) plotW() float64 { return c.width - c.left - c.right }
func (c *chart) plotH() float64 { return c.height - c.top - c.bottom }

// y maps a value in [lo, hi] to the plot's vertical axis.
func (c *chart) y(v, lo, hi float64) float64 {
	if hi == lo {
		return c.top + c.plotH()/2
	}
	return c.top + c.plotH()*(1-(v-lo)/(hi-lo))
}

func (c *chart) yAxis(lo, hi float64, ticks int, format string) {
	for i := 0; i <= ticks; i++ {
		v := lo + (hi-lo)*float64(i)/float64(ticks)
		y := c.y(v, lo, hi)
		fmt.Fprintf(&c.b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" class="grid"/>`, c.left, y, c.left+c.plotW(), y)
		fmt.Fprintf(&c.b, `<text x="%g" y="%.1f" class="tick" text-anchor="end">%s</text>`, c.left-6, y+4, fmt.Sprintf(format, v))
	}
	fmt.Fprintf(&c.b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>`, c.left, c.top, c.left, c.top+c.plotH())
	fmt.Fprintf(&c.b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>`, c.left, c.top+c.plotH(), c.left+c.plotW(), c.top+c.plotH())
}

func (c *chart) legend(names []string) {
	x := c.left
	y := c.height - 12
	for i, n := range names {
		fmt.Fprintf(&c.b, `<rect x="%g" y="%g" width="12" height="12" fill="%s"/><text x="%g" y="%g" class="legend">%s</text>`,
			x, y-10, colour(i), x+16, y, esc(n))
		x += 28 + 7*float64(len(n))
	}
}

func (c *chart) String() string { return c.b.String() + "</svg>" }

// curveChart plots each agent's mean best HumanRank against the step.
func curveChart(lb Leaderboard) string {
	c := newChart("chart-curve", "Best HumanRank by step (mean over episodes)", 720, 340)
	c.bottom = 64
	steps := 1
	for _, a := range lb.Agents {
		steps = max(steps, len(a.Curve))
	}
	c.yAxis(0, 1, 5, "%.1f")
	x := func(step int) float64 {
		if steps == 1 {
			return c.left + c.plotW()/2
		}
		return c.left + c.plotW()*float64(step-1)/float64(steps-1)
	}
	for _, s := range xTicks(steps) {
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%g" class="tick" text-anchor="middle">%d</text>`, x(s), c.top+c.plotH()+16, s)
	}
	fmt.Fprintf(&c.b, `<text x="%g" y="%g" class="tick" text-anchor="middle">step</text>`, c.left+c.plotW()/2, c.top+c.plotH()+32)
	var names []string
	for i, a := range lb.Agents {
		names = append(names, a.Agent)
		if len(a.Curve) == 0 {
			continue
		}
		pts := make([]string, len(a.Curve))
		for k, v := range a.Curve {
			pts[k] = fmt.Sprintf("%.1f,%.1f", x(k+1), c.y(v, 0, 1))
		}
		fmt.Fprintf(&c.b, `<polyline class="series" data-agent="%s" fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`,
			esc(a.Agent), colour(i), strings.Join(pts, " "))
		if n := len(a.Curve); n < steps {
			// The agent's episodes ended earlier; their best stands from there on.
			fmt.Fprintf(&c.b, `<line class="carry" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="5 4"/>`,
				x(n), c.y(a.Curve[n-1], 0, 1), x(steps), c.y(a.Curve[n-1], 0, 1), colour(i))
		}
		for k, v := range a.Curve {
			fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s step %d: %.4f</title></circle>`,
				x(k+1), c.y(v, 0, 1), colour(i), esc(a.Agent), k+1, v)
		}
	}
	c.legend(names)
	return c.String()
}

func xTicks(steps int) []int {
	stride := max(1, int(math.Ceil(float64(steps)/10)))
	var out []int
	for s := 1; s <= steps; s += stride {
		out = append(out, s)
	}
	if out[len(out)-1] != steps {
		out = append(out, steps)
	}
	return out
}

// domainChart draws grouped bars: per domain, each agent's mean HumanRank.
func domainChart(lb Leaderboard) string {
	c := newChart("chart-domain", "HumanRank by domain", 720, 320)
	c.yAxis(0, 1, 5, "%.1f")
	groups := max(1, len(lb.Domains))
	gw := c.plotW() / float64(groups)
	bw := gw * 0.8 / float64(max(1, len(lb.Agents)))
	var names []string
	for i, a := range lb.Agents {
		names = append(names, a.Agent)
		for g, d := range lb.Domains {
			v, ok := a.HumanRank.ByDomain[d]
			if !ok {
				continue
			}
			x := c.left + gw*float64(g) + gw*0.1 + bw*float64(i)
			y := c.y(v, 0, 1)
			fmt.Fprintf(&c.b, `<rect class="bar" data-agent="%s" data-domain="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %.4f</title></rect>`,
				esc(a.Agent), esc(d), x, y, bw*0.92, c.top+c.plotH()-y, colour(i), esc(a.Agent), esc(d), v)
		}
	}
	for g, d := range lb.Domains {
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%g" class="tick" text-anchor="middle">%s</text>`, c.left+gw*(float64(g)+0.5), c.top+c.plotH()+16, esc(d))
	}
	c.legend(names)
	return c.String()
}

// eloChart draws each agent's Elo rating as a dot on its bootstrap interval.
func eloChart(lb Leaderboard) string {
	rowH := 34.0
	c := newChart("chart-elo", fmt.Sprintf("Elo rating with %.0f%% bootstrap interval", 100*conf(lb)), 720, 80+rowH*float64(max(1, len(lb.Agents))))
	c.left, c.bottom = 140, 40
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range lb.Agents {
		lo, hi = math.Min(lo, a.Elo.Lower), math.Max(hi, a.Elo.Upper)
	}
	if math.IsInf(lo, 0) || hi-lo < 50 {
		mid := 1000.0
		if !math.IsInf(lo, 0) {
			mid = (lo + hi) / 2
		}
		lo, hi = mid-50, mid+50
	}
	pad := (hi - lo) * 0.08
	lo, hi = lo-pad, hi+pad
	x := func(v float64) float64 { return c.left + c.plotW()*(v-lo)/(hi-lo) }
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="grid"/>`, x(v), c.top, x(v), c.top+c.plotH())
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%g" class="tick" text-anchor="middle">%.0f</text>`, x(v), c.top+c.plotH()+16, v)
	}
	for i, a := range lb.Agents {
		y := c.top + rowH*(float64(i)+0.5)
		fmt.Fprintf(&c.b, `<text x="%g" y="%.1f" class="tick" text-anchor="end">%s</text>`, c.left-8, y+4, esc(a.Agent))
		fmt.Fprintf(&c.b, `<line class="interval" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`,
			x(a.Elo.Lower), y, x(a.Elo.Upper), y, colour(i))
		for _, end := range []float64{a.Elo.Lower, a.Elo.Upper} {
			fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, x(end), y-7, x(end), y+7, colour(i))
		}
		fmt.Fprintf(&c.b, `<circle class="rating" cx="%.1f" cy="%.1f" r="6" fill="%s"><title>%s: %.0f [%.0f, %.0f]</title></circle>`,
			x(a.Elo.Rating), y, colour(i), esc(a.Agent), a.Elo.Rating, a.Elo.Lower, a.Elo.Upper)
	}
	return c.String()
}

func esc(s string) string { return html.EscapeString(s) }
