package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, on a registry of its own (GET /metrics).
type metrics struct {
	reg             *prometheus.Registry
	episodesActive  prometheus.Gauge
	episodesCreated prometheus.Counter
	episodesResumed prometheus.Counter
	episodesClosed  *prometheus.CounterVec // by reason
	steps           *prometheus.CounterVec // by action, status
	stepSeconds     *prometheus.HistogramVec
	sandboxOutcomes *prometheus.CounterVec // by outcome
	requests        *prometheus.CounterVec // by procedure, code
}

// Restarter is a plugin host that counts process starts per plugin binary. Plugins that are not one
// but are a *catalog.Catalog are read through the catalog's binaries (catalogStarts in server.go).
type Restarter interface {
	// PluginStarts returns, per plugin binary, how many times its process was started.
	PluginStarts() map[string]int
}

func newMetrics(plugins Restarter) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		episodesActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dojo_server_episodes_active", Help: "Open episodes, each holding a sandbox.",
		}),
		episodesCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dojo_server_episodes_created_total", Help: "Episodes created.",
		}),
		episodesResumed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dojo_server_episodes_resumed_total", Help: "Episodes reopened from their history.",
		}),
		episodesClosed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dojo_server_episodes_closed_total", Help: "Episodes closed, by reason (client, idle_timeout, shutdown).",
		}, []string{"reason"}),
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dojo_server_steps_total",
			Help: "Steps by action and status: ok, error (the agent's mistake, in the observation) or failed (the call failed).",
		}, []string{"action", "status"}),
		stepSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dojo_server_step_duration_seconds", Help: "Wall time of a Step call, by action.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"action"}),
		sandboxOutcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dojo_server_sandbox_outcomes_total",
			Help: "Executions of agent code by outcome (ok, exit_nonzero, timed_out, out_of_memory, killed, resource_limit).",
		}, []string{"outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dojo_server_requests_total", Help: "API calls by procedure and status code.",
		}, []string{"procedure", "code"}),
	}
	m.reg.MustRegister(m.episodesActive, m.episodesCreated, m.episodesResumed, m.episodesClosed, m.steps,
		m.stepSeconds, m.sandboxOutcomes, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if plugins != nil {
		m.reg.MustRegister(restartCollector{plugins})
	}
	return m
}

// restartCollector reports plugin restarts, read from the plugin host at scrape time.
type restartCollector struct{ plugins Restarter }

var restartsDesc = prometheus.NewDesc("dojo_plugin_restarts_total",
	"Times a plugin process was started again after it died.", []string{"plugin"}, nil)

func (c restartCollector) Describe(ch chan<- *prometheus.Desc) { ch <- restartsDesc }

func (c restartCollector) Collect(ch chan<- prometheus.Metric) {
	for name, starts := range c.plugins.PluginStarts() {
		ch <- prometheus.MustNewConstMetric(restartsDesc, prometheus.CounterValue, float64(max(0, starts-1)), name)
	}
}
