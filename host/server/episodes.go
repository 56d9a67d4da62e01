package server

import (
	"context"
	"path/filepath"
	"sync"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// openEpisode is an episode the server holds in memory, with its sandbox.
type openEpisode struct {
	id, owner, dir string
	ep             *env.Episode
	cfg            env.Config
	created        time.Time
	// actions are the names the episode knows (core and enabled custom ones): the only action
	// labels metrics use, so a client cannot grow the series without bound.
	actions map[string]bool

	mu         sync.Mutex
	inflight   int
	lastActive time.Time
	counters   closedRecord
	closing    bool
	reason     string
	drained    chan struct{} // closed when inflight falls to zero while closing
	closed     chan struct{} // closed when the episode is fully closed
}

func newOpenEpisode(id, owner, dir string, ep *env.Episode, cfg env.Config, created time.Time) *openEpisode {
	actions := map[string]bool{}
	for _, a := range core.CoreActions {
		actions[a] = true
	}
	for _, a := range cfg.Actions {
		actions[a] = true
	}
	return &openEpisode{
		id: id, owner: owner, dir: dir, ep: ep, cfg: cfg, created: created, actions: actions,
		lastActive: time.Now(), closed: make(chan struct{}),
	}
}

// begin marks a call in flight, so neither the idle reaper nor a close takes the episode from under
// it. It fails once the episode is closing.
func (o *openEpisode) begin() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closing {
		return errEpisodeClosed(o.id, o.reason)
	}
	o.inflight++
	o.lastActive = time.Now()
	return nil
}

// end marks the call finished.
func (o *openEpisode) end() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inflight--
	o.lastActive = time.Now()
	if o.inflight == 0 && o.drained != nil {
		close(o.drained)
		o.drained = nil
	}
}

// noteReset and noteStep keep the counters a summary shows.
func (o *openEpisode) noteReset() {
	o.mu.Lock()
	o.counters = closedRecord{}
	o.mu.Unlock()
}

func (o *openEpisode) noteStep(res core.StepResult) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counters.Step = res.Step
	o.counters.Terminated, o.counters.Truncated = res.Terminated, res.Truncated
	o.counters.TotalReward += res.Reward
}

func (o *openEpisode) summary() summary {
	o.mu.Lock()
	defer o.mu.Unlock()
	status := "open"
	if o.closing {
		status = "closing"
	}
	return summary{
		id: o.id, competition: o.ep.Competition().ID, status: status, closeReason: o.reason,
		created: o.created, lastActive: o.lastActive, counters: o.counters, config: o.cfg,
	}
}

// registry holds the open episodes and enforces the cap on them.
type registry struct {
	mu      sync.Mutex
	open    map[string]*openEpisode
	opening map[string]bool // ids being created or resumed: they hold a slot
	max     int
	stopped bool
}

func newRegistry(max int) *registry {
	return &registry{open: map[string]*openEpisode{}, opening: map[string]bool{}, max: max}
}

// reserve takes a slot for episode id about to open; release gives it back, and add fills it. One
// id opens once at a time, so two resumes of one episode cannot both run it.
func (r *registry) reserve(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.stopped:
		return core.Errorf(core.TypeUnavailable, "the server is shutting down").
			WithCauses("retry against the server once it is back; ResumeEpisode reopens episodes")
	case r.open[id] != nil || r.opening[id]:
		return core.Errorf(core.TypeEpisodeClosed, "episode %s is being opened by another call", id).
			WithCauses("wait for that call; ResumeEpisode then reports already_open")
	case len(r.open)+len(r.opening) >= r.max:
		return core.Errorf(core.TypeServerBusy, "the server holds its maximum of %d open episodes", r.max).
			WithCauses("close episodes you are done with (CloseEpisode)", "retry later",
				"the operator sets the cap with server.max_episodes")
	}
	r.opening[id] = true
	return nil
}

func (r *registry) release(id string) {
	r.mu.Lock()
	delete(r.opening, id)
	r.mu.Unlock()
}

func (r *registry) add(o *openEpisode) {
	r.mu.Lock()
	delete(r.opening, o.id)
	r.open[o.id] = o
	r.mu.Unlock()
}

func (r *registry) remove(id string) {
	r.mu.Lock()
	delete(r.open, id)
	r.mu.Unlock()
}

// get returns the open episode id if owner owns it.
func (r *registry) get(id, owner string) *openEpisode {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o := r.open[id]; o != nil && o.owner == owner {
		return o
	}
	return nil
}

func (r *registry) all() []*openEpisode {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*openEpisode, 0, len(r.open))
	for _, o := range r.open {
		out = append(out, o)
	}
	return out
}

// stop refuses new episodes from now on.
func (r *registry) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// idle lists the open episodes without a call in flight for at least d.
func (r *registry) idle(now time.Time, d time.Duration) []*openEpisode {
	var out []*openEpisode
	for _, o := range r.all() {
		o.mu.Lock()
		if !o.closing && o.inflight == 0 && now.Sub(o.lastActive) >= d {
			out = append(out, o)
		}
		o.mu.Unlock()
	}
	return out
}

// closeEpisode closes o for reason once its calls in flight have finished: its sandbox stops, its
// history file closes, closed.json records the stop, and it leaves the registry. A second close
// waits for the first. When ctx ends before the calls in flight do, the close completes when they
// do, and ctx's error is returned.
func (s *Server) closeEpisode(ctx context.Context, o *openEpisode, reason string) error {
	o.mu.Lock()
	if o.closing {
		o.mu.Unlock()
		select {
		case <-o.closed:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	o.closing, o.reason = true, reason
	var drained chan struct{}
	if o.inflight > 0 {
		drained = make(chan struct{})
		o.drained = drained
	}
	o.mu.Unlock()
	if drained != nil {
		select {
		case <-drained:
		case <-ctx.Done():
			go func() {
				<-drained
				s.finishClose(o)
			}()
			return ctx.Err()
		}
	}
	return s.finishClose(o)
}

func (s *Server) finishClose(o *openEpisode) error {
	defer close(o.closed)
	err := o.ep.Close(context.Background())
	o.mu.Lock()
	rec := o.counters
	rec.Time, rec.Reason, rec.LastActive = time.Now().UTC(), o.reason, o.lastActive.UTC()
	o.mu.Unlock()
	if werr := writeJSONSync(filepath.Join(o.dir, closedFile), rec); err == nil {
		err = werr
	}
	s.episodes.remove(o.id)
	s.metrics.episodesActive.Dec()
	s.metrics.episodesClosed.WithLabelValues(o.reason).Inc()
	s.log.Info("episode closed", "episode", o.id, "reason", o.reason, "steps", rec.Step, "error", err)
	return err
}
