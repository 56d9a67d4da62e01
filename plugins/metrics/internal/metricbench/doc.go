// Package metricbench times whole Score calls of the metric plugins on files of a million rows, as
// `dojo score` runs them in a plugin process: read both files, pair the rows, parse the values and
// compute. The plugins' benchmarks shape their files like make bench's (internal/benchreport), so a
// profile of one explains that report's per-family rows.
//
// Start with Files and Score.
package metricbench
