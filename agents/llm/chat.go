package llm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
)

// ChatFile is the name of the chat record in an episode directory.
const ChatFile = "chat.jsonl"

// Chat record types.
const (
	RecordStart  = "start"  // a conversation begins (Run): the system prompt and the task
	RecordResume = "resume" // Continue picked the conversation up again
	RecordCall   = "call"   // one model call: the request, the reply, usage and timing
	RecordTurn   = "turn"   // a turn ended: the action taken (or none) and what the model was told
)

// ChatRecord is one line of chat.jsonl. Fields that do not apply to the record's type are empty.
type ChatRecord struct {
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	// Turn numbers the turns of a conversation from 1; a turn is one action (or one failure to give one).
	Turn int `json:"turn,omitempty"`

	// start and resume
	Provider string   `json:"provider,omitempty"`
	Model    string   `json:"model,omitempty"`
	BaseURL  string   `json:"base_url,omitempty"`
	System   string   `json:"system,omitempty"`
	Task     string   `json:"task,omitempty"`
	Actions  []string `json:"actions,omitempty"`

	// call
	Purpose   string      `json:"purpose,omitempty"` // "action", or "repair" for a reply sent back
	Request   *Request    `json:"request,omitempty"`
	Response  *Response   `json:"response,omitempty"`
	CostUSD   float64     `json:"cost_usd,omitempty"`
	Retries   int         `json:"retries,omitempty"`
	Failures  []string    `json:"failures,omitempty"` // what each retried attempt ran into
	LatencyMS int64       `json:"latency_ms,omitempty"`
	Error     *core.Error `json:"error,omitempty"` // the call failed for good

	// turn
	Reply       string       `json:"reply,omitempty"`
	Action      *core.Action `json:"action,omitempty"`
	Step        int          `json:"step,omitempty"`
	Observation string       `json:"observation,omitempty"` // the message answering the reply
	Summary     string       `json:"summary,omitempty"`     // the turn in one line, for older turns
	Problem     string       `json:"problem,omitempty"`     // why the turn gave no action
	Budget      *budget      `json:"budget,omitempty"`
}

// chatLog appends records to chat.jsonl, each written and fsynced before the agent goes on.
type chatLog struct {
	f *os.File
}

func openChat(dir string) (*chatLog, error) {
	path := filepath.Join(dir, ChatFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "llm agent: opening %s: %w", path, err)
	}
	// A torn last line (a crash mid-write) is cut off, so that the next record starts a line of its
	// own and the file reads back whole.
	if err := cutTornLine(f); err != nil {
		f.Close()
		return nil, core.Errorf(core.TypeInternal, "llm agent: repairing %s: %w", path, err)
	}
	return &chatLog{f: f}, nil
}

// cutTornLine truncates f after its last line break.
func cutTornLine(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	end := st.Size()
	buf := make([]byte, 64<<10)
	for pos := end; pos > 0; {
		n := min(int64(len(buf)), pos)
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			if keep := pos + int64(i) + 1; keep < end {
				return f.Truncate(keep)
			}
			return nil
		}
	}
	if end > 0 {
		return f.Truncate(0)
	}
	return nil
}

func (c *chatLog) append(r ChatRecord) error {
	if c == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return core.Errorf(core.TypeInternal, "llm agent: encoding a chat record: %w", err)
	}
	if _, err := c.f.Write(append(b, '\n')); err != nil {
		return core.Errorf(core.TypeInternal, "llm agent: writing %s: %w", ChatFile, err)
	}
	if err := c.f.Sync(); err != nil {
		return core.Errorf(core.TypeInternal, "llm agent: syncing %s: %w", ChatFile, err)
	}
	return nil
}

func (c *chatLog) close() error {
	if c == nil {
		return nil
	}
	return c.f.Close()
}

// ReadChat reads an episode directory's chat records, ignoring a torn last line. A directory without
// a chat gives none and no error.
func ReadChat(dir string) ([]ChatRecord, error) {
	path := filepath.Join(dir, ChatFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "llm agent: reading %s: %w", path, err)
	}
	defer f.Close()
	var out []ChatRecord
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		torn := err == io.EOF && len(b) > 0
		if err != nil && err != io.EOF {
			return nil, core.Errorf(core.TypeInternal, "llm agent: reading %s: %w", path, err)
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			var rec ChatRecord
			if jerr := json.Unmarshal(b, &rec); jerr != nil {
				if torn {
					break
				}
				return nil, core.Errorf(core.TypeInternal, "llm agent: %s line %d is corrupt: %w", path, line, jerr)
			}
			out = append(out, rec)
		}
		if err == io.EOF {
			break
		}
	}
	return out, nil
}

// conversation is what a chat record restores: the last conversation started, its turns and what
// its calls cost.
type conversation struct {
	system, task string
	actions      []string
	turns        []turn
	usage        agents.Usage
	budget       budget
}

// restore rebuilds the latest conversation from records; ok is false when none was started.
func restore(records []ChatRecord) (conversation, bool) {
	start := -1
	for i, r := range records {
		if r.Type == RecordStart {
			start = i
		}
	}
	if start < 0 {
		return conversation{}, false
	}
	s := records[start]
	c := conversation{system: s.System, task: s.Task, actions: s.Actions}
	if s.Budget != nil {
		c.budget = *s.Budget
	}
	for _, r := range records[start+1:] {
		switch r.Type {
		case RecordCall:
			c.usage.Retries += r.Retries
			if r.Purpose == "repair" {
				c.usage.Repairs++
			}
			if r.Response != nil {
				c.usage.Calls++
				c.usage.PromptTokens += r.Response.PromptTokens
				c.usage.CompletionTokens += r.Response.CompletionTokens
				c.usage.CostUSD += r.CostUSD
			}
		case RecordTurn:
			c.turns = append(c.turns, turn{reply: r.Reply, action: r.Action, observation: r.Observation, step: r.Step, summary: r.Summary, failed: r.Action == nil, problem: r.Problem})
			if r.Budget != nil {
				c.budget = *r.Budget
			}
		}
	}
	return c, true
}
