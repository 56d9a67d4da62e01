package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"connectrpc.com/connect"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/server/apiv1"
	"github.com/mledojo/dojo/host/server/apiv1/apiv1connect"
	"github.com/mledojo/dojo/pluginapi"
	"google.golang.org/protobuf/types/known/structpb"
)

// service implements the API's calls on a Server.
type service struct{ s *Server }

var _ apiv1connect.EnvServiceHandler = (*service)(nil)

// noFeedback in CreateEpisode's feedback list asks for no feedback styles at all.
const noFeedback = "none"

func (v *service) ListCompetitions(ctx context.Context, req *connect.Request[apiv1.ListCompetitionsRequest]) (*connect.Response[apiv1.ListCompetitionsResponse], error) {
	entries, err := v.s.opts.Competitions.List(ctx)
	if err != nil {
		return nil, err
	}
	out := &apiv1.ListCompetitionsResponse{Competitions: make([]*apiv1.Competition, 0, len(entries))}
	for _, e := range entries {
		if req.Msg.GetPreparedOnly() && !e.Prepared {
			continue
		}
		out.Competitions = append(out.Competitions, &apiv1.Competition{
			Id: e.ID, Title: e.Title, Metric: e.Metric, Domain: e.Domain, Split: e.Labels["split"],
			Prepared: e.Prepared, Loader: e.Loader, Labels: e.Labels,
		})
	}
	return connect.NewResponse(out), nil
}

func (v *service) ListActions(ctx context.Context, _ *connect.Request[apiv1.ListActionsRequest]) (*connect.Response[apiv1.ListActionsResponse], error) {
	out := &apiv1.ListActionsResponse{}
	for _, a := range coreActionSpecs() {
		out.Actions = append(out.Actions, a)
	}
	for _, c := range v.s.opts.Plugins.Components() {
		if c.Kind != pluginapi.KindAction {
			continue
		}
		spec := &apiv1.ActionSpec{Name: c.Name, Description: c.Description, Plugin: c.Plugin}
		// The schema comes from the plugin itself, which starts on first use.
		if act, err := v.s.opts.Plugins.Action(c.Name); err == nil {
			if d, err := act.Describe(ctx); err == nil {
				if d.Description != "" {
					spec.Description = d.Description
				}
				spec.ParamsSchema = rawSchemaStruct(d.ParamsSchema)
			} else {
				v.s.log.Warn("action plugin did not describe itself", "action", c.Name, "error", err)
			}
		}
		out.Actions = append(out.Actions, spec)
	}
	return connect.NewResponse(out), nil
}

// episodeConfig is the operator's template with the client's choices applied, each checked
// against the operator's limits.
func (v *service) episodeConfig(req *apiv1.EpisodeConfig) (env.Config, error) {
	cfg := v.s.opts.Episode.WithDefaults()
	limit := v.s.opts.Config.MaxStepsCap
	cfg.MaxSteps = min(cfg.MaxSteps, limit)
	if req == nil {
		return cfg, nil
	}
	bad := func(field string, format string, args ...any) *core.Error {
		return core.Errorf(core.TypeInvalidArgument, "config."+field+": "+format, args...)
	}
	if req.MaxSteps != nil {
		if n := int(req.GetMaxSteps()); n <= 0 || n > limit {
			return cfg, bad("max_steps", "%d is outside 1..%d", n, limit).
				WithCauses("this server caps an episode's steps at server.max_steps_cap")
		}
		cfg.MaxSteps = int(req.GetMaxSteps())
	}
	seconds := func(field string, got float64, most time.Duration, key string) (time.Duration, error) {
		d := time.Duration(got * float64(time.Second))
		if math.IsNaN(got) || got <= 0 || d > most {
			return 0, bad(field, "%gs is outside (0, %gs]", got, most.Seconds()).
				WithCauses("this server allows at most its " + key)
		}
		return d, nil
	}
	var err error
	if req.MaxTimeS != nil {
		if cfg.MaxTime, err = seconds("max_time_s", req.GetMaxTimeS(), v.s.opts.Episode.WithDefaults().MaxTime, "episode.max_time"); err != nil {
			return cfg, err
		}
	}
	if req.ExecTimeoutS != nil {
		if cfg.ExecTimeout, err = seconds("exec_timeout_s", req.GetExecTimeoutS(), v.s.opts.Episode.WithDefaults().ExecTimeout, "sandbox.timeout"); err != nil {
			return cfg, err
		}
		cfg.Limits.Timeout = cfg.ExecTimeout
	}
	switch m := sandbox.ExecMode(req.GetExecMode()); m {
	case "":
	case sandbox.ModeFresh, sandbox.ModeSession:
		cfg.ExecMode = m
	default:
		return cfg, bad("exec_mode", "%q is not fresh or session", m)
	}
	switch m := env.ScoreMode(req.GetScoreMode()); m {
	case "":
	case env.ScorePosition, env.ScoreRaw:
		cfg.ScoreMode = m
	default:
		return cfg, bad("score_mode", "%q is not position or raw", m)
	}
	switch f := req.GetFeedback(); {
	case len(f) == 1 && f[0] == noFeedback:
		cfg.Feedback = nil
	case len(f) > 0:
		cfg.Feedback = slices.Clone(f)
	}
	cfg.Actions = slices.Clone(req.GetActions())
	for _, a := range cfg.Actions {
		if slices.Contains(core.CoreActions, a) {
			return cfg, bad("actions", "%q is a core action, which every episode has", a).
				WithCauses("list only custom actions (ListActions shows which are core)")
		}
	}
	if req.Seed != nil {
		cfg.Seed = req.GetSeed()
	}
	return cfg, nil
}

func (v *service) deps() env.Deps {
	return env.Deps{Plugins: v.s.opts.Plugins, Sandbox: v.s.opts.Sandbox, Logger: v.s.opts.Logger, Version: v.s.opts.Version}
}

func newEpisodeID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (v *service) CreateEpisode(ctx context.Context, req *connect.Request[apiv1.CreateEpisodeRequest]) (*connect.Response[apiv1.CreateEpisodeResponse], error) {
	owner := ownerFrom(ctx)
	if req.Msg.GetCompetition() == "" {
		return nil, core.Errorf(core.TypeInvalidArgument, "competition is empty").
			WithCauses("name a competition id from ListCompetitions, e.g. iris-species@1")
	}
	cfg, err := v.episodeConfig(req.Msg.GetConfig())
	if err != nil {
		return nil, err
	}
	id := newEpisodeID()
	if err := v.s.episodes.reserve(id); err != nil {
		return nil, err
	}
	o, err := v.create(ctx, id, owner, req.Msg.GetCompetition(), cfg)
	if err != nil {
		v.s.episodes.release(id)
		return nil, err
	}
	v.s.episodes.add(o)
	v.s.metrics.episodesCreated.Inc()
	v.s.metrics.episodesActive.Inc()
	ep, err := o.summary().proto()
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&apiv1.CreateEpisodeResponse{Episode: ep}), nil
}

func (v *service) create(ctx context.Context, id, owner, competition string, cfg env.Config) (*openEpisode, error) {
	comp, err := v.s.opts.Competitions.Load(ctx, competition)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(v.s.root, id)
	if err := os.MkdirAll(v.s.root, 0o700); err != nil {
		return nil, core.Errorf(core.TypeInternal, "episodes directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, core.Errorf(core.TypeInternal, "episode directory: %w", err)
	}
	created := time.Now().UTC()
	if err := writeJSONSync(filepath.Join(dir, ownerFile), ownerRecord{Owner: owner, Competition: comp.ID, Created: created}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cfg.Dir, cfg.ID = dir, id
	ep, err := env.New(ctx, comp, cfg, v.deps())
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return newOpenEpisode(id, owner, dir, ep, cfg.WithDefaults(), created), nil
}

// acquire returns the caller's open episode id with a call marked in flight; the caller must call
// end. A closed episode of the caller's is episode_closed; anything else is episode_not_found.
func (v *service) acquire(ctx context.Context, id string) (*openEpisode, error) {
	owner := ownerFrom(ctx)
	if o := v.s.episodes.get(id, owner); o != nil {
		if err := o.begin(); err != nil {
			return nil, err
		}
		return o, nil
	}
	st, err := readStored(v.s.root, id, owner)
	if err != nil {
		return nil, err
	}
	reason := reasonCrashed
	if st.closed != nil {
		reason = st.closed.Reason
	}
	return nil, errEpisodeClosed(id, reason)
}

func (v *service) Reset(ctx context.Context, req *connect.Request[apiv1.ResetRequest]) (*connect.Response[apiv1.ResetResponse], error) {
	o, err := v.acquire(ctx, req.Msg.GetEpisodeId())
	if err != nil {
		return nil, err
	}
	defer o.end()
	opts := env.ResetOptions{}
	if req.Msg.Seed != nil {
		seed := req.Msg.GetSeed()
		opts.Seed = &seed
	}
	if req.Msg.GetOptions() != nil {
		opts.Options = req.Msg.GetOptions().AsMap()
	}
	obs, info, err := o.ep.Reset(ctx, opts)
	if err != nil {
		return nil, err
	}
	o.noteReset()
	obsS, err := toStruct(obs)
	if err != nil {
		return nil, err
	}
	infoS, err := toStruct(info)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&apiv1.ResetResponse{Observation: obsS, Info: infoS}), nil
}

func (v *service) Step(ctx context.Context, req *connect.Request[apiv1.StepRequest]) (*connect.Response[apiv1.StepResponse], error) {
	a := req.Msg.GetAction()
	if a.GetName() == "" {
		return nil, core.Errorf(core.TypeInvalidArgument, "action.name is empty").
			WithCauses("name an action from ListActions, e.g. execute_code")
	}
	action := core.Action{Name: a.GetName()}
	if a.GetParams() != nil {
		action.Params = core.Params(a.GetParams().AsMap())
	}
	label := "unknown"
	start := time.Now()
	status := "failed"
	defer func() {
		v.s.metrics.steps.WithLabelValues(label, status).Inc()
		v.s.metrics.stepSeconds.WithLabelValues(label).Observe(time.Since(start).Seconds())
	}()
	o, err := v.acquire(ctx, req.Msg.GetEpisodeId())
	if err != nil {
		return nil, err
	}
	defer o.end()
	if o.actions[action.Name] {
		label = action.Name
	}
	if err := checkAction(action, v.s.opts.Config.MaxCodeBytes); err != nil {
		return nil, err
	}
	res, err := o.ep.Step(ctx, action)
	if err != nil {
		return nil, err
	}
	o.noteStep(res)
	status = res.Observation.Status
	if x := res.Observation.Execution; x != nil {
		v.s.metrics.sandboxOutcomes.WithLabelValues(string(x.Outcome)).Inc()
	}
	out, err := stepResponse(res)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(out), nil
}

func (v *service) GetHistory(ctx context.Context, req *connect.Request[apiv1.GetHistoryRequest]) (*connect.Response[apiv1.GetHistoryResponse], error) {
	sum, err := v.summaryOf(ctx, req.Msg.GetEpisodeId())
	if err != nil {
		return nil, err
	}
	events, err := env.ReadEvents(filepath.Join(v.s.root, sum.id))
	if err != nil {
		return nil, err
	}
	if n := int(req.Msg.GetLast()); n > 0 && n < len(events) {
		events = events[len(events)-n:]
	}
	out := &apiv1.GetHistoryResponse{Events: make([]*structpb.Struct, 0, len(events))}
	for _, ev := range events {
		s, err := toStruct(ev)
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, s)
	}
	if out.Episode, err = sum.proto(); err != nil {
		return nil, err
	}
	return connect.NewResponse(out), nil
}

// summaryOf describes the caller's episode id, open or closed.
func (v *service) summaryOf(ctx context.Context, id string) (summary, error) {
	owner := ownerFrom(ctx)
	if o := v.s.episodes.get(id, owner); o != nil {
		return o.summary(), nil
	}
	st, err := readStored(v.s.root, id, owner)
	if err != nil {
		return summary{}, err
	}
	return storedSummary(st)
}

func storedSummary(st storedEpisode) (summary, error) {
	sum := summary{
		id: st.id, competition: st.owner.Competition, status: "closed", created: st.owner.Created,
		config: st.manifest.Config,
	}
	if st.closed != nil {
		sum.closeReason, sum.counters, sum.lastActive = st.closed.Reason, *st.closed, st.closed.LastActive
		return sum, nil
	}
	c, err := countersFromEvents(st.dir)
	if err != nil {
		return summary{}, err
	}
	sum.closeReason, sum.counters, sum.lastActive = reasonCrashed, c, c.LastActive
	return sum, nil
}

func (v *service) CloseEpisode(ctx context.Context, req *connect.Request[apiv1.CloseEpisodeRequest]) (*connect.Response[apiv1.CloseEpisodeResponse], error) {
	id := req.Msg.GetEpisodeId()
	if o := v.s.episodes.get(id, ownerFrom(ctx)); o != nil {
		if err := v.s.closeEpisode(ctx, o, reasonClient); err != nil {
			return nil, err
		}
	}
	// Closing a closed episode is not an error: the answer is the same.
	sum, err := v.summaryOf(ctx, id)
	if err != nil {
		return nil, err
	}
	ep, err := sum.proto()
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&apiv1.CloseEpisodeResponse{Episode: ep}), nil
}

func (v *service) ListEpisodes(ctx context.Context, _ *connect.Request[apiv1.ListEpisodesRequest]) (*connect.Response[apiv1.ListEpisodesResponse], error) {
	owner := ownerFrom(ctx)
	var sums []summary
	seen := map[string]bool{}
	for _, o := range v.s.episodes.all() {
		if o.owner == owner {
			sums = append(sums, o.summary())
			seen[o.id] = true
		}
	}
	entries, err := os.ReadDir(v.s.root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, core.Errorf(core.TypeInternal, "listing episodes: %w", err)
	}
	for _, en := range entries {
		if !en.IsDir() || seen[en.Name()] {
			continue
		}
		st, err := readStored(v.s.root, en.Name(), owner)
		if err != nil {
			continue // another owner's, or not an episode
		}
		sum, err := storedSummary(st)
		if err != nil {
			v.s.log.Warn("unreadable episode", "episode", st.id, "error", err)
			continue
		}
		sums = append(sums, sum)
	}
	sort.Slice(sums, func(i, j int) bool { return sums[i].created.After(sums[j].created) })
	out := &apiv1.ListEpisodesResponse{Episodes: make([]*apiv1.Episode, 0, len(sums))}
	for _, s := range sums {
		ep, err := s.proto()
		if err != nil {
			return nil, err
		}
		out.Episodes = append(out.Episodes, ep)
	}
	return connect.NewResponse(out), nil
}

func (v *service) ResumeEpisode(ctx context.Context, req *connect.Request[apiv1.ResumeEpisodeRequest]) (*connect.Response[apiv1.ResumeEpisodeResponse], error) {
	owner, id := ownerFrom(ctx), req.Msg.GetEpisodeId()
	if o := v.s.episodes.get(id, owner); o != nil {
		ep, err := o.summary().proto()
		if err != nil {
			return nil, err
		}
		return connect.NewResponse(&apiv1.ResumeEpisodeResponse{Episode: ep, AlreadyOpen: true}), nil
	}
	st, err := readStored(v.s.root, id, owner)
	if err != nil {
		return nil, err
	}
	if err := v.s.episodes.reserve(id); err != nil {
		return nil, err
	}
	o, obs, err := v.resume(ctx, st)
	if err != nil {
		v.s.episodes.release(id)
		return nil, err
	}
	v.s.episodes.add(o)
	v.s.metrics.episodesResumed.Inc()
	v.s.metrics.episodesActive.Inc()
	ep, err := o.summary().proto()
	if err != nil {
		return nil, err
	}
	obsS, err := toStruct(obs)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&apiv1.ResumeEpisodeResponse{Episode: ep, Observation: obsS}), nil
}

func (v *service) resume(ctx context.Context, st storedEpisode) (*openEpisode, core.Observation, error) {
	comp, err := v.s.opts.Competitions.Load(ctx, st.manifest.Competition)
	if err != nil {
		return nil, core.Observation{}, err
	}
	counters, err := countersFromEvents(st.dir)
	if err != nil {
		return nil, core.Observation{}, err
	}
	ep, obs, err := env.Resume(ctx, st.dir, comp, v.deps())
	if err != nil {
		return nil, core.Observation{}, err
	}
	// The episode is open again: a closed.json left would describe an earlier stop.
	if err := os.Remove(filepath.Join(st.dir, closedFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		ep.Close(context.WithoutCancel(ctx))
		return nil, core.Observation{}, core.Errorf(core.TypeInternal, "reopening episode %s: %w", st.id, err)
	}
	o := newOpenEpisode(st.id, st.owner.Owner, st.dir, ep, st.manifest.Config.WithDefaults(), st.owner.Created)
	counters.LastActive = time.Time{}
	o.counters = counters
	return o, obs, nil
}
