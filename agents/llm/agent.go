package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Env is what the agent steps: an in-process *env.Episode, or a remote client with the same shape.
// When it also has a Dir() string method (env.Episode does), the agent keeps its chat there.
type Env = agents.Env

// Summary is what an episode came to.
type Summary = agents.Summary

// Options are the agent's collaborators; the zero value is the usual choice.
type Options struct {
	// Provider, when set, is used instead of the one Config names (and no key is read).
	Provider Provider
	// Getenv reads the key's environment variable; nil means os.Getenv.
	Getenv func(string) string
	// Log, when set, receives one line per turn.
	Log func(format string, args ...any)
}

// Agent plays episodes with a chat model: each turn it shows the model the protocol, the task, the
// latest turns in full and the older ones in brief, and takes the one JSON action the model replies
// with. Its methods may be called for one episode after another, not for two at once.
type Agent struct {
	cfg    Config
	caller *caller
	log    func(format string, args ...any)
}

var _ agents.Agent = (*Agent)(nil)

// New checks cfg, reads the API key and builds the provider.
func New(cfg Config, opts Options) (*Agent, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := opts.Provider
	if p == nil {
		key, err := cfg.Key(opts.Getenv)
		if err != nil {
			return nil, err
		}
		if p, err = NewProvider(cfg, key); err != nil {
			return nil, err
		}
	}
	return &Agent{cfg: cfg, log: opts.Log, caller: &caller{
		provider: p, name: cfg.Provider, maxRetries: cfg.MaxRetries, timeout: time.Duration(cfg.CallTimeout),
		baseDelay: time.Duration(cfg.RetryBaseDelay), maxDelay: time.Duration(cfg.RetryMaxDelay),
		sleep: sleepCtx, jitter: defaultJitter,
	}}, nil
}

// Config is the agent's configuration, with the defaults filled in.
func (a *Agent) Config() Config { return a.cfg }

// Run plays one episode: it resets the environment, states the protocol and the task, and takes the
// model's actions until the episode ends, the model gives no usable action MaxFailedTurns times in a
// row, or the provider stays unavailable (a TypeUnavailable error).
func (a *Agent) Run(ctx context.Context, e Env) (Summary, error) {
	obs, info, err := e.Reset(ctx, env.ResetOptions{})
	if err != nil {
		return Summary{}, err
	}
	s, err := a.newSession(e)
	if err != nil {
		return Summary{}, err
	}
	defer s.chat.close()
	specs, known := actionsFrom(info)
	execMode, _ := info["exec_mode"].(string)
	scoreMode, _ := info["score_mode"].(string)
	s.system, s.task, s.known, s.budget = systemPrompt(specs, execMode, scoreMode), taskMessage(obs), known, budgetOf(obs)
	if err := s.chat.append(s.startRecord(RecordStart)); err != nil {
		return s.summary(), err
	}
	return s.play(ctx)
}

// Continue plays an episode already under way, such as a resumed one, without resetting it. When
// the episode directory holds the agent's chat, the conversation goes on where it stopped (the
// Summary's Usage then counts the whole conversation); otherwise a new one starts and the model is
// told to catch up with request_info and get_history.
func (a *Agent) Continue(ctx context.Context, e Env) (Summary, error) {
	s, err := a.newSession(e)
	if err != nil {
		return Summary{}, err
	}
	defer s.chat.close()
	conv, restored := conversation{}, false
	if s.dir != "" {
		records, err := ReadChat(s.dir)
		if err != nil {
			return Summary{}, err
		}
		conv, restored = restore(records)
	}
	kind := RecordStart
	if restored {
		s.system, s.task, s.known, s.turns, s.usage, s.budget = conv.system, conv.task, conv.actions, conv.turns, conv.usage, conv.budget
		for _, t := range s.turns {
			s.sum.Steps = max(s.sum.Steps, t.step)
		}
		s.note = resumedNote
		kind = RecordResume
	} else {
		s.system, s.task = systemPrompt(nil, "", ""), resumedTaskMessage+"\n\n"+s.budget.String()
	}
	if err := s.chat.append(s.startRecord(kind)); err != nil {
		return s.summary(), err
	}
	return s.play(ctx)
}

func (a *Agent) logf(format string, args ...any) {
	if a.log != nil {
		a.log(format, args...)
	}
}

// turn is one exchange: the model's reply and the message answering it.
type turn struct {
	reply       string
	action      *core.Action // nil when the reply gave no usable action
	step        int
	observation string
	summary     string
	failed      bool
	problem     string // why the reply gave no action
}

// session is one episode's conversation.
type session struct {
	a      *Agent
	env    Env
	dir    string
	chat   *chatLog
	system string
	task   string
	known  []string // the episode's actions; empty accepts any name
	turns  []turn
	budget budget
	note   string // said once, with the next prompt
	usage  agents.Usage
	sum    Summary
}

func (a *Agent) newSession(e Env) (*session, error) {
	s := &session{a: a, env: e}
	if d, ok := e.(interface{ Dir() string }); ok && d.Dir() != "" {
		s.dir = d.Dir()
		chat, err := openChat(s.dir)
		if err != nil {
			return nil, err
		}
		s.chat = chat
	}
	return s, nil
}

func (s *session) startRecord(kind string) ChatRecord {
	b := s.budget
	return ChatRecord{Type: kind, Time: time.Now().UTC(), Provider: s.a.cfg.Provider, Model: s.a.cfg.Model,
		BaseURL: s.a.cfg.BaseURL, System: s.system, Task: s.task, Actions: s.known, Budget: &b}
}

func (s *session) summary() Summary {
	out := s.sum
	u := s.usage
	out.Usage = &u
	return out
}

// play takes turns until the episode ends.
func (s *session) play(ctx context.Context) (Summary, error) {
	failedInARow := 0
	for {
		if err := ctx.Err(); err != nil {
			return s.summary(), err
		}
		n := len(s.turns) + 1
		action, reply, problem, err := s.decide(ctx)
		if err != nil {
			return s.summary(), err
		}
		if problem != "" {
			t := turn{reply: reply, failed: true, problem: problem, summary: fmt.Sprintf("turn %d: no usable action (%s)", n, oneLine(problem, 160)),
				observation: failedTurnMessage(problem, max(s.a.cfg.MaxRepairs, 0), s.budget)}
			s.sum.Errors = append(s.sum.Errors, fmt.Sprintf("turn %d: no usable action after %d repair(s): %s", n, max(s.a.cfg.MaxRepairs, 0), problem))
			if err := s.endTurn(t); err != nil {
				return s.summary(), err
			}
			s.a.logf("turn %d: no usable action: %s", n, problem)
			if failedInARow++; failedInARow >= s.a.cfg.MaxFailedTurns {
				s.sum.Errors = append(s.sum.Errors, fmt.Sprintf("stopped: %d turns in a row without a usable action", failedInARow))
				return s.summary(), nil
			}
			continue
		}
		failedInARow = 0
		res, err := s.env.Step(ctx, action)
		if err != nil {
			return s.summary(), err
		}
		s.sum.Observe(res)
		if o := res.Observation; o.Error != nil {
			s.sum.Errors = append(s.sum.Errors, fmt.Sprintf("step %d %s: %s", res.Step, action.Name, o.Error.Message))
		}
		s.budget = budgetOf(res.Observation)
		t := turn{reply: reply, action: &action, step: res.Step, observation: stepMessage(res), summary: stepSummary(res)}
		if err := s.endTurn(t); err != nil {
			return s.summary(), err
		}
		s.a.logf("step %d %s: %s", res.Step, action.Name, strings.TrimPrefix(stepSummary(res), fmt.Sprintf("step %d %s: ", res.Step, action.Name)))
		if res.Terminated || res.Truncated {
			return s.summary(), nil
		}
	}
}

func (s *session) endTurn(t turn) error {
	s.turns = append(s.turns, t)
	s.note = ""
	b := s.budget
	return s.chat.append(ChatRecord{Type: RecordTurn, Time: time.Now().UTC(), Turn: len(s.turns), Reply: t.reply,
		Action: t.action, Step: t.step, Observation: t.observation, Summary: t.summary,
		Problem: t.problem, Budget: &b})
}

// decide asks the model for the turn's action, sending a reply that is not a usable action back
// for repair up to MaxRepairs times. problem is set when every reply failed.
func (s *session) decide(ctx context.Context) (action core.Action, reply, problem string, err error) {
	msgs := s.messages()
	purpose := "action"
	for attempt := 0; ; attempt++ {
		resp, err := s.call(ctx, msgs, purpose)
		if err != nil {
			return core.Action{}, "", "", err
		}
		reply = resp.Text
		action, problem = parseAction(reply, s.known)
		if problem == "" {
			return action, reply, "", nil
		}
		if resp.StopReason == "length" || resp.StopReason == "max_tokens" {
			problem += "; the reply was cut off at max_tokens, so keep it shorter"
		}
		if attempt >= s.a.cfg.MaxRepairs {
			return core.Action{}, reply, problem, nil
		}
		s.usage.Repairs++
		msgs = append(msgs, Message{Role: RoleAssistant, Content: nonEmpty(reply)},
			Message{Role: RoleUser, Content: repairMessage(problem, s.known) + "\n\n" + s.budget.String()})
		purpose = "repair"
	}
}

// messages is the conversation as the model sees it: the task (with the older turns in brief), then
// the latest HistoryWindow turns in full.
func (s *session) messages() []Message {
	window := len(s.turns)
	if k := s.a.cfg.HistoryWindow; k >= 0 && k < window {
		window = k
	}
	older := s.turns[:len(s.turns)-window]
	first := s.task
	switch {
	case len(s.turns) == 0:
		first += "\nReply with your first action."
	case len(older) > 0:
		var b strings.Builder
		b.WriteString(first)
		b.WriteString("\n\n# Earlier turns, in brief\n\n")
		for _, t := range older {
			b.WriteString("- " + t.summary + "\n")
		}
		if window > 0 {
			fmt.Fprintf(&b, "\nThe latest %d turn(s) follow in full.", window)
		}
		first = b.String()
	}
	msgs := []Message{{Role: RoleUser, Content: first}}
	for _, t := range s.turns[len(older):] {
		msgs = append(msgs, Message{Role: RoleAssistant, Content: nonEmpty(t.reply)}, Message{Role: RoleUser, Content: t.observation})
	}
	if s.note != "" {
		msgs[len(msgs)-1].Content += "\n\n" + s.note
	}
	return msgs
}

// call makes one model call and accounts for it: usage, cost, and a chat record.
func (s *session) call(ctx context.Context, msgs []Message, purpose string) (Response, error) {
	cfg := s.a.cfg
	req := Request{Model: cfg.Model, System: s.system, Messages: msgs, MaxTokens: cfg.MaxTokens, Temperature: cfg.Temperature}
	res, err := s.a.caller.call(ctx, req)
	s.usage.Retries += res.Retries
	rec := ChatRecord{Type: RecordCall, Time: time.Now().UTC(), Turn: len(s.turns) + 1, Purpose: purpose, Request: &req,
		Retries: res.Retries, Failures: res.Failures, LatencyMS: res.Latency.Milliseconds()}
	if err != nil {
		rec.Error = core.AsError(err)
		if werr := s.chat.append(rec); werr != nil {
			return Response{}, werr
		}
		return Response{}, err
	}
	s.usage.Calls++
	s.usage.PromptTokens += res.PromptTokens
	s.usage.CompletionTokens += res.CompletionTokens
	price, ok := cfg.price(cfg.Model)
	if !ok {
		price, _ = cfg.price(res.Model)
	}
	rec.CostUSD = price.Cost(res.PromptTokens, res.CompletionTokens)
	s.usage.CostUSD += rec.CostUSD
	rec.Response = &res.Response
	if err := s.chat.append(rec); err != nil {
		return Response{}, err
	}
	return res.Response, nil
}

// nonEmpty stands in for an empty reply: Anthropic refuses empty assistant messages.
func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(empty reply)"
	}
	return s
}

// actionsFrom reads the actions Reset's info lists, and the custom ones' specs. It goes through
// JSON so that an in-process info ([]string, []env.ActionSpec) and a remote one ([]any) read alike.
func actionsFrom(info map[string]any) (custom []actionSpec, known []string) {
	decode := func(v any, into any) {
		if v == nil {
			return
		}
		if b, err := json.Marshal(v); err == nil {
			_ = json.Unmarshal(b, into)
		}
	}
	var specs []actionSpec
	decode(info["actions"], &known)
	decode(info["action_specs"], &specs)
	if len(known) == 0 {
		known = append([]string(nil), core.CoreActions...)
	}
	for _, name := range known {
		if slices.Contains(core.CoreActions, name) {
			continue
		}
		spec := actionSpec{Name: name}
		for _, sp := range specs {
			if sp.Name == name {
				spec = sp
			}
		}
		custom = append(custom, spec)
	}
	return custom, known
}
