// Command benchreport runs Dojo's benchmarks and prints a markdown report: plugin cold start, warm
// Score RPC latency, and end-to-end scoring of a million-row submission against a pandas +
// scikit-learn baseline timed in the same run, each against its target. `make bench` runs it and
// writes docs/benchmarks.md. Start reading at run in main.go.
package main
