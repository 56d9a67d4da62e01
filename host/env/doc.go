// Package env runs Gym-style episodes: an agent steps through a competition with the five core
// actions (request_info, validate_code, execute_code, get_history, reset) and any custom action
// plugins, its code runs in a sandbox, its submissions are scored by a metric plugin and ranked
// against the human leaderboards (HumanRank), and every step is written to disk as it happens.
//
// Episode follows Gymnasium: Reset(seed, options) returns (observation, info) and Step(action)
// returns (observation, reward, terminated, truncated, info). Start with New and Episode.Step; the
// example in example_test.go drives a whole episode in-process.
package env
