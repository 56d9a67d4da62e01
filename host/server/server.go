package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/config"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/host/server/apiv1/apiv1connect"
)

// Competitions is the library of competitions the server plays; *competitions.Library is one.
type Competitions interface {
	List(ctx context.Context) ([]competitions.Entry, error)
	Load(ctx context.Context, id string) (core.Competition, error)
}

// Plugins are the plugin components episodes use, with the listing ListActions needs;
// *catalog.Catalog is one.
type Plugins interface {
	env.Plugins
	Components() []catalog.Entry
}

// Options configure a Server.
type Options struct {
	// Config holds the limits and the auth policy (the config file's server section).
	Config config.Server
	// Tokens are the bearer tokens accepted (see Tokens, which gathers them from Config and the
	// environment).
	Tokens []string
	// Episode is the template of every episode's configuration: the operator's budgets, limits,
	// modes and feedback. A client's CreateEpisode may lower the budgets and pick modes, styles and
	// actions, never raise the budgets. Dir and ID are set per episode.
	Episode env.Config
	// RunsDir is where episodes are written, each in RunsDir/server/<id>.
	RunsDir      string
	Competitions Competitions
	Plugins      Plugins
	Sandbox      sandbox.Backend
	Logger       hclog.Logger
	// Version is recorded in each episode's manifest.
	Version string
}

// Server serves the remote environment API. Create it with New, then Run it.
type Server struct {
	opts     Options
	root     string // RunsDir/server
	log      hclog.Logger
	auth     *authenticator
	episodes *registry
	metrics  *metrics
	errw     *connect.ErrorWriter
	handler  http.Handler

	mu      sync.Mutex
	httpSrv *http.Server
	stop    chan struct{} // closed at shutdown, stops the idle reaper
	stopped sync.Once
	reaper  sync.WaitGroup
}

// New checks opts and builds the server; nothing listens until Run or Serve.
func New(opts Options) (*Server, error) {
	if opts.Competitions == nil || opts.Plugins == nil || opts.Sandbox == nil {
		return nil, core.Errorf(core.TypeInternal, "server needs competitions, plugins and a sandbox backend")
	}
	if opts.RunsDir == "" {
		return nil, core.Errorf(core.TypeConfig, "server: runs_dir is empty").WithCauses("set runs_dir")
	}
	c := opts.Config
	if c.MaxEpisodes <= 0 || c.IdleTimeout <= 0 || c.MaxRequestBytes <= 0 || c.MaxCodeBytes <= 0 ||
		c.MaxStepsCap <= 0 || c.ShutdownGrace <= 0 {
		return nil, core.Errorf(core.TypeConfig, "server: limits must be positive: %+v", c).
			WithCauses("load the configuration with config.Load, which fills the defaults")
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	s := &Server{
		opts:     opts,
		root:     filepath.Join(opts.RunsDir, "server"),
		log:      opts.Logger.Named("server"),
		auth:     newAuthenticator(opts.Tokens),
		episodes: newRegistry(c.MaxEpisodes),
		stop:     make(chan struct{}),
	}
	var restarts Restarter
	if r, ok := opts.Plugins.(Restarter); ok {
		restarts = r
	} else if cat, ok := opts.Plugins.(*catalog.Catalog); ok {
		restarts = catalogStarts{cat}
	}
	s.metrics = newMetrics(restarts)
	handlerOpts := append(jsonCodecs(),
		connect.WithReadMaxBytes(int(c.MaxRequestBytes)),
		connect.WithInterceptors(s.interceptor()),
	)
	s.errw = connect.NewErrorWriter(handlerOpts...)
	path, api := apiv1connect.NewEnvServiceHandler(&service{s: s}, handlerOpts...)
	mux := http.NewServeMux()
	mux.Handle(path, s.guard(api))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	s.handler = mux
	return s, nil
}

// catalogStarts reads plugin starts from a catalog, for the restart metric.
type catalogStarts struct{ c *catalog.Catalog }

func (c catalogStarts) PluginStarts() map[string]int {
	out := map[string]int{}
	for _, b := range c.c.Binaries() {
		if n := b.Starts(); n > 0 {
			out[b.Name()] = n
		}
	}
	return out
}

// Handler is the server's HTTP handler: the API under /dojo.env.v1.EnvService/, /healthz and
// /metrics. Serve uses it; it is exported for embedding in another server, where unauthenticated
// calls are never allowed (the listener is unknown).
func (s *Server) Handler() http.Handler { return s.handler }

// Run serves on ln until ctx ends, then shuts down gracefully (see Shutdown).
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("stopping: no new calls; letting calls in flight finish", "grace", s.opts.Config.ShutdownGrace)
	err := s.Shutdown(context.Background())
	if serr := <-errc; err == nil {
		err = serr
	}
	return err
}

// Serve serves on ln (HTTP/1.1 and HTTP/2 without TLS, so gRPC, gRPC-Web and HTTP/JSON share the
// port) until Shutdown. Calls without a token are allowed only when the operator allows them and ln
// is a loopback address; without tokens otherwise, Serve refuses to start.
func (s *Server) Serve(ln net.Listener) error {
	loop := isLoopback(ln.Addr())
	s.auth.anonymous = s.opts.Config.AllowUnauthenticatedLoopback && loop
	if len(s.auth.owners) == 0 && !s.auth.anonymous {
		ln.Close()
		e := core.Errorf(core.TypeConfig, "the server has no bearer tokens and may not run without them on %s", ln.Addr())
		if s.opts.Config.AllowUnauthenticatedLoopback {
			return e.WithCauses("server.allow_unauthenticated_loopback applies to loopback addresses only (127.0.0.1, ::1)",
				"set server.tokens, server.token_file or DOJO_SERVER_TOKENS")
		}
		return e.WithCauses("set server.tokens, server.token_file or DOJO_SERVER_TOKENS",
			"or, on a loopback address only, server.allow_unauthenticated_loopback: true")
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           s.handler,
		Protocols:         protocols,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          s.log.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	s.mu.Lock()
	select {
	case <-s.stop:
		s.mu.Unlock()
		ln.Close()
		return nil
	default:
	}
	s.httpSrv = srv
	s.mu.Unlock()
	s.reaper.Add(1)
	go s.reapIdle()
	s.log.Info("serving the env API", "addr", ln.Addr().String(), "tokens", len(s.auth.owners),
		"anonymous_loopback", s.auth.anonymous, "max_episodes", s.opts.Config.MaxEpisodes)
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and calls, lets the calls in flight finish for up to
// server.shutdown_grace (or until ctx ends, if sooner), cancels those still running, then closes
// every open episode with close reason "shutdown" (closed.json in its directory); their histories
// stay on disk for ResumeEpisode after a restart.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.stopped.Do(func() { err = s.shutdown(ctx) })
	return err
}

func (s *Server) shutdown(ctx context.Context) error {
	s.mu.Lock()
	close(s.stop)
	srv := s.httpSrv
	s.mu.Unlock()
	s.episodes.stop()
	grace, cancel := context.WithTimeout(ctx, s.opts.Config.ShutdownGrace)
	defer cancel()
	var err error
	if srv != nil {
		if serr := srv.Shutdown(grace); serr != nil {
			s.log.Warn("calls still running after the grace period; cancelling them", "error", serr)
			srv.Close()
		}
	}
	s.reaper.Wait()
	// Steps cancelled above end promptly; give them the grace period again to record their results.
	closing, cancelClosing := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Config.ShutdownGrace)
	defer cancelClosing()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, o := range s.episodes.all() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if cerr := s.closeEpisode(closing, o, reasonStop); cerr != nil {
				mu.Lock()
				err = errors.Join(err, cerr)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	s.log.Info("stopped")
	return err
}

// reapIdle closes episodes idle for server.idle_timeout.
func (s *Server) reapIdle() {
	defer s.reaper.Done()
	idle := s.opts.Config.IdleTimeout
	tick := time.NewTicker(min(max(idle/4, 10*time.Millisecond), time.Minute))
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			for _, o := range s.episodes.idle(now, idle) {
				s.log.Info("closing an idle episode", "episode", o.id, "idle_timeout", idle)
				s.closeEpisode(context.Background(), o, reasonIdle)
			}
		}
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	select {
	case <-s.stop:
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"stopping"}` + "\n"))
	default:
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	}
}
