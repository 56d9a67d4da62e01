package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/server/apiv1"
)

// guard is the HTTP middleware in front of the API: it refuses a body over server.max_request_bytes
// and a call without a valid token before anything is read or decoded, and puts the caller's owner
// in the request's context.
func (s *Server) guard(next http.Handler) http.Handler {
	limit := s.opts.Config.MaxRequestBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		procedure := strings.TrimPrefix(r.URL.Path, "/")
		if r.ContentLength > limit {
			s.refuse(w, r, procedure, start, core.Errorf(core.TypeRequestTooLarge,
				"the request body is %s; this server takes at most %s", byteSize(r.ContentLength), byteSize(limit)).
				WithCauses("send less at once", "the operator sets the limit with server.max_request_bytes"))
			return
		}
		owner, err := s.auth.owner(r.Header.Get("Authorization"))
		if err != nil {
			s.refuse(w, r, procedure, start, err)
			return
		}
		// Bodies without a length (gRPC streams them) are cut at the limit too; Connect's own read
		// limit reports those with resource_exhausted.
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r.WithContext(withOwner(r.Context(), owner)))
	})
}

// refuse writes err in the caller's protocol, with the Dojo-Error headers, and logs the call.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, procedure string, start time.Time, err error) {
	// The headers go on the response itself: the error writer sends an error's own headers in the
	// Connect protocol only, and gRPC clients read these as response headers.
	ce, de := bareConnectError(err)
	setErrorHeaders(w.Header(), de)
	s.errw.Write(w, r, ce)
	code := ce.Code().String()
	s.metrics.requests.WithLabelValues(metricProcedure(procedure), code).Inc()
	s.log.Info("call", "procedure", procedure, "status", code, "latency", time.Since(start), "remote", r.RemoteAddr, "error", err)
}

// metricProcedure keeps the procedure label bounded: unknown paths share one value.
func metricProcedure(p string) string {
	if strings.HasPrefix(p, "dojo.env.v1.EnvService/") {
		return strings.TrimPrefix(p, "dojo.env.v1.EnvService/")
	}
	return "other"
}

// episodeIDer and actionNamer are the request and response messages that name an episode or action.
type episodeIDer interface{ GetEpisodeId() string }

type episodeHolder interface{ GetEpisode() *apiv1.Episode }

// interceptor turns every error into a typed Connect error and logs one line per call: procedure,
// episode, action, owner, latency and status.
func (s *Server) interceptor() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			start := time.Now()
			resp, err := next(ctx, req)
			procedure := strings.TrimPrefix(req.Spec().Procedure, "/")
			fields := []any{"procedure", procedure, "owner", shortOwner(ownerFrom(ctx))}
			if m, ok := req.Any().(episodeIDer); ok && m.GetEpisodeId() != "" {
				fields = append(fields, "episode", m.GetEpisodeId())
			} else if resp != nil {
				if m, ok := resp.Any().(episodeHolder); ok && m.GetEpisode() != nil {
					fields = append(fields, "episode", m.GetEpisode().GetId())
				}
			}
			if m, ok := req.Any().(*apiv1.StepRequest); ok {
				fields = append(fields, "action", m.GetAction().GetName())
			}
			code := "ok"
			if err != nil {
				ce := toConnectError(err)
				err, code = ce, ce.Code().String()
				fields = append(fields, "error", ce.Message())
			}
			fields = append(fields, "status", code, "latency", time.Since(start))
			s.metrics.requests.WithLabelValues(metricProcedure(procedure), code).Inc()
			switch c := connect.CodeOf(err); {
			case err == nil:
				s.log.Info("call", fields...)
			case c == connect.CodeInternal, c == connect.CodeUnknown, c == connect.CodeUnavailable:
				s.log.Warn("call", fields...)
			default:
				s.log.Info("call", fields...)
			}
			return resp, err
		}
	}
}
