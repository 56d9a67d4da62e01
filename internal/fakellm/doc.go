// Package fakellm is a fake OpenAI-compatible chat-completions server for tests. It listens on the
// loopback interface only and answers each request with what a Script decides from the request
// itself — its messages, and how often the same request was answered before — so that parallel
// conversations, and a client killed and restarted mid-conversation, get consistent answers without
// the server tracking conversations. A Reply can be a normal answer (with its token usage), an HTTP
// error (a rate limit with Retry-After, a server error) or no answer at all until the client gives
// up. Every answer is logged, so a test can check a client's accounting against what was served.
//
// Hold makes the server keep requests it has not answered before waiting, while retries of earlier
// ones are still answered: a test that holds, waits for InFlight to reach zero and for the client to
// have recorded every logged answer, and then kills the client, knows that no answer was lost.
package fakellm
