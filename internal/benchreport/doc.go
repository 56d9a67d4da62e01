// Command benchreport runs Dojo's benchmarks and prints a markdown report: plugin cold start, warm
// Score RPC latency, end-to-end scoring of a million-row submission against a pandas + scikit-learn
// baseline timed in the same run, and the same comparison for every metric family the metric
// plugins serve (families.go, graded by baseline.py), each against its target. `make bench` runs it and
// writes docs/benchmarks.md. serveload.go adds a load run of `dojo serve`: concurrent session-mode
// episodes driven by clients/python/bench/load.py, with the server process's peak RSS against its target. Start reading at run in main.go.
package main
