// Package table reads CSV files into columns fast and runs the submission checks every metric plugin
// shares: required columns, duplicate, missing and extra ids, and numeric values.
//
// Start with LoadPair (pair.go), which reads an answers file and a submission and aligns them by id;
// Read and ReadFile (read.go) and Align (align.go) are the pieces it is built from.
package table
