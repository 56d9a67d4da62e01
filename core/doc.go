// Package core is Dojo's domain with no I/O: competitions and leaderboards, actions, observations and
// step results, the typed error taxonomy, and the scoring maths (HumanRank, medals, Elo, AUP).
//
// Start with Competition (competition.go), StepResult (step.go) and Error (errors.go). core imports
// nothing else of Dojo's; every other package may import it.
package core
