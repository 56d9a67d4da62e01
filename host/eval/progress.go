package eval

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mledojo/dojo/core"
)

// progress draws the run's progress: a bar for the whole run and a line per running episode with its
// step and ETA. On a terminal it is redrawn in place; otherwise it prints plain lines: one when an
// episode starts or ends, and the whole display every interval.
type progress struct {
	w        io.Writer
	tty      bool
	interval time.Duration

	mu      sync.Mutex
	total   int
	done    int // finished, the skipped ones included
	played  int // finished by this invocation
	started time.Time
	running []*episodeProgress
	drawn   int // lines drawn last time (tty)

	stopc chan struct{}
	wg    sync.WaitGroup
}

type episodeProgress struct {
	job       Job
	started   time.Time
	firstStep int // the step this invocation started from (a resumed episode starts later)
	step      int
	stepsLeft int
	timeLeft  time.Duration
}

func newProgress(w io.Writer, tty bool, interval time.Duration, total, skipped int) *progress {
	if interval <= 0 {
		interval = 30 * time.Second
		if tty {
			interval = time.Second
		}
	}
	return &progress{w: w, tty: tty, interval: interval, total: total, done: skipped, stopc: make(chan struct{})}
}

func (p *progress) start() {
	if p.w == nil {
		return
	}
	p.started = time.Now()
	if p.done > 0 {
		p.printf("resuming: %d of %d episodes already finished\n", p.done, p.total)
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(p.interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			case <-p.stopc:
				return
			}
		}
	}()
}

func (p *progress) stop() {
	if p.w == nil {
		return
	}
	close(p.stopc)
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	if p.tty {
		p.drawn = 0
	}
}

func (p *progress) begin(j Job) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, &episodeProgress{job: j, started: time.Now(), firstStep: -1})
	if !p.tty {
		p.printf("start %s\n", describeJob(j))
	}
}

func (p *progress) step(j Job, res core.StepResult) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.running {
		if e.job.Dir == j.Dir {
			if e.firstStep < 0 {
				e.firstStep = res.Step - 1
			}
			e.step, e.stepsLeft, e.timeLeft = res.Step, res.Observation.StepsLeft, res.Observation.TimeLeft
		}
	}
}

func (p *progress) end(j Job) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, e := range p.running {
		if e.job.Dir == j.Dir {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	p.done++
	p.played++
	if !p.tty {
		p.printf("done  %s (%d/%d)\n", describeJob(j), p.done, p.total)
	}
}

// note prints a message about an episode above the display.
func (p *progress) note(j Job, msg string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printf("%s: %s\n", describeJob(j), msg)
}

// printf writes a line; on a terminal it first erases the display, which the next draw restores.
func (p *progress) printf(format string, args ...any) {
	if p.tty && p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
		p.drawn = 0
	}
	fmt.Fprintf(p.w, format, args...)
}

// draw writes the display; p.mu is held.
func (p *progress) draw() {
	var b strings.Builder
	elapsed := time.Since(p.started)
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = width * p.done / p.total
	}
	fmt.Fprintf(&b, "[%s%s] %d/%d episodes, %d running, %s elapsed", strings.Repeat("#", filled),
		strings.Repeat(".", width-filled), p.done, p.total, len(p.running), round(elapsed))
	if left := p.total - p.done; p.played > 0 && left > 0 {
		fmt.Fprintf(&b, ", ETA %s", round(elapsed/time.Duration(p.played)*time.Duration(left)))
	}
	b.WriteString("\n")
	for _, e := range p.running {
		fmt.Fprintf(&b, "  %-50s step %3d", describeJob(e.job), e.step)
		if eta, ok := e.eta(); ok {
			fmt.Fprintf(&b, ", ETA up to %s", round(eta))
		}
		b.WriteString("\n")
	}
	if p.tty && p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
	}
	io.WriteString(p.w, b.String())
	if p.tty {
		p.drawn = 1 + len(p.running)
	}
}

// eta is the time the episode needs at its pace so far for the steps it has left, capped by its time
// budget: an upper bound, since an agent may stop before its budget is spent.
func (e *episodeProgress) eta() (time.Duration, bool) {
	n := e.step - e.firstStep
	if e.firstStep < 0 || n <= 0 {
		return 0, false
	}
	eta := time.Since(e.started) / time.Duration(n) * time.Duration(e.stepsLeft)
	if e.timeLeft > 0 && eta > e.timeLeft {
		eta = e.timeLeft
	}
	return eta, true
}

func round(d time.Duration) time.Duration { return d.Round(time.Second) }
