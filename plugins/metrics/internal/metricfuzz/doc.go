// Package metricfuzz is the fuzz harness the metric plugins' tests share: it runs every metric a
// plugin serves, with each MLE-Dojo registry entry's params, on fuzzed answers and submission
// files, and fails on a panic or on a rejection that is not a typed *core.Error.
//
// Start with Fuzz; Typed is the property on its own, for fuzz targets of parsing helpers.
package metricfuzz
