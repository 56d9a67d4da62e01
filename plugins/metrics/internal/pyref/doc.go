// Package pyref runs reference computations in Debian's Python (numpy, scipy) for the differential
// tests of the metric packages: a test sends its random inputs as JSON to a script of its own and
// compares the script's answers with the Go results.
//
// Start with Run.
package pyref
