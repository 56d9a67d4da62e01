// Package layout reads, checks and seals the native competition format: a directory with
// competition.yaml (the Manifest), description.md, public/ (what the agent sees), private/answers.csv
// (host-only) and leaderboards/ (rank,score CSVs), every file's sha256 recorded in the manifest.
//
// Start with Load, which returns a verified core.Competition, and Seal, which records the checksums.
package layout
