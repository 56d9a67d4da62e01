package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
)

// caller makes one model call with the agent's time-out and retry policy: each attempt has its own
// deadline; rate limits (429, after the provider's Retry-After when it sends one), server errors,
// time-outs and connection failures are retried with exponential back-off and jitter; a provider
// that fails every attempt is a TypeUnavailable error, an infrastructure failure rather than the
// agent's.
type caller struct {
	provider   Provider
	name       string // the provider's name, for messages
	maxRetries int
	timeout    time.Duration
	baseDelay  time.Duration
	maxDelay   time.Duration
	// sleep waits d or until ctx ends; tests replace it to see the waits without taking them.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a number in [0, 1).
	jitter func() float64
}

// callResult is a successful call and what it took.
type callResult struct {
	Response
	Retries int
	// Failures says what went wrong with each attempt that was retried.
	Failures []string
	Waits    []time.Duration
	Latency  time.Duration
}

func (c *caller) call(ctx context.Context, req Request) (callResult, error) {
	var res callResult
	start := time.Now()
	maxRetries := max(c.maxRetries, 0)
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.timeout)
		resp, err := c.provider.Complete(actx, req)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			res.Response, res.Latency = resp, time.Since(start)
			return res, nil
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		var se *StatusError
		isStatus := errors.As(err, &se)
		if isStatus && !se.transient() {
			return res, se.typed()
		}
		if !isStatus && !timedOut && !networkError(err) {
			// Not an answer and not the way there: the request could not even be made. A retry
			// would fail the same way.
			return res, core.Errorf(core.TypeInternal, "llm agent: the call to %s could not be made: %w", c.name, err)
		}
		what := err.Error()
		if timedOut {
			what = fmt.Sprintf("no answer within call_timeout (%s)", c.timeout)
		}
		res.Failures = append(res.Failures, what)
		if attempt >= maxRetries {
			return res, core.Errorf(core.TypeUnavailable, "llm agent: %s failed %d attempt(s) of one call", c.name, attempt+1).
				WithDetails("%s", strings.Join(res.Failures, "; ")).
				WithCauses("the provider may be down or overloaded: try again later",
					"raise max_retries or call_timeout if the provider is merely slow",
					"check base_url and the network between this host and the provider")
		}
		wait := c.backoff(attempt)
		if isStatus && se.RetryAfter > 0 {
			wait = min(se.RetryAfter, c.maxDelay)
		}
		res.Waits = append(res.Waits, wait)
		if err := c.sleep(ctx, wait); err != nil {
			return res, err
		}
		res.Retries++
	}
}

// backoff is the wait before retry attempt+1: the base delay doubled per attempt, capped, with the
// upper half jittered so that agents sharing a rate limit do not retry in step.
func (c *caller) backoff(attempt int) time.Duration {
	d := c.baseDelay
	for i := 0; i < attempt && d < c.maxDelay; i++ {
		d *= 2
	}
	d = min(d, c.maxDelay)
	return d/2 + time.Duration(c.jitter()*float64(d/2))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func defaultJitter() float64 { return rand.Float64() }

// networkError reports whether err happened on the way to the provider: the connection failed,
// was reset, or ended early. The HTTP client wraps every transport failure in a *url.Error.
func networkError(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
