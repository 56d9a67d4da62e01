package docker

import (
	"bytes"
	"encoding/json"
	"io"
)

// report is what the runner appends to stderr once the code has ended (see runner.py).
type report struct {
	Status  int   `json:"status"`
	Signal  int   `json:"signal"`
	PeakKB  int64 `json:"peak_kb"`
	OOM     bool  `json:"oom"`
	PidsMax bool  `json:"pids_max"`
}

// tailSize bounds the runner's report (a nonce and a short JSON object).
const tailSize = 1024

// reportTail passes a stream on to w but holds back its last tailSize bytes, where the runner's
// report sits, so the report never reaches the code's output and memory stays bounded.
type reportTail struct {
	w    io.Writer
	held []byte
}

func (r *reportTail) Write(p []byte) (int, error) {
	r.held = append(r.held, p...)
	if over := len(r.held) - tailSize; over > 0 {
		if _, err := r.w.Write(r.held[:over]); err != nil {
			return 0, err
		}
		r.held = append(r.held[:0], r.held[over:]...)
	}
	return len(p), nil
}

// finish decodes the report that follows nonce at the end of the stream and passes on the rest. ok
// is false when there is none (the runner was killed) or it does not parse; then everything held
// is passed on.
func (r *reportTail) finish(nonce string) (rep report, ok bool) {
	held := r.held
	r.held = nil
	i := bytes.LastIndex(held, []byte(nonce))
	if i >= 0 && json.Unmarshal(held[i+len(nonce):], &rep) == nil {
		_, _ = r.w.Write(held[:i])
		return rep, true
	}
	_, _ = r.w.Write(held)
	return report{}, false
}
