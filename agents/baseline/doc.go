// Package baseline is Dojo's reference agent without an LLM: it reads the task with request_info,
// writes a scikit-learn pipeline shaped by the training data and the sample submission, validates it,
// executes it, and then tries a stronger model. It is the demo's agent and the reference the tests
// play whole episodes with.
//
// Start with Agent.Run.
package baseline
