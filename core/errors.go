package core

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorType names a category of failure that a program can switch on. The set covers the original
// MLE-Dojo's categories plus the plugin and configuration failures of a plugin-based host.
type ErrorType string

// The error taxonomy. Values are stable strings: they cross RPC boundaries and appear in histories.
const (
	TypeSandboxInit         ErrorType = "sandbox_init"
	TypeSandboxExecution    ErrorType = "sandbox_execution"
	TypeSandboxResource     ErrorType = "sandbox_resource"
	TypeSandboxCleanup      ErrorType = "sandbox_cleanup"
	TypeSubmissionNotFound  ErrorType = "submission_not_found"
	TypeSubmissionInvalid   ErrorType = "submission_invalid"
	TypeGroundTruth         ErrorType = "ground_truth"
	TypeEvaluation          ErrorType = "evaluation"
	TypeLeaderboard         ErrorType = "leaderboard"
	TypeInfoRequest         ErrorType = "info_request"
	TypeCodeSyntax          ErrorType = "code_syntax"
	TypeCodeRuntime         ErrorType = "code_runtime"
	TypeCompetitionNotFound ErrorType = "competition_not_found"
	TypeCompetitionData     ErrorType = "competition_data"
	TypeMetric              ErrorType = "metric"
	TypeInvalidAction       ErrorType = "invalid_action"
	TypeInvalidArgument     ErrorType = "invalid_argument"
	TypeConfig              ErrorType = "config"
	TypePluginNotFound      ErrorType = "plugin_not_found"
	TypePluginCrashed       ErrorType = "plugin_crashed"
	TypePluginProtocol      ErrorType = "plugin_protocol"
	TypeInternal            ErrorType = "internal"
	// TypeUnavailable is a service outside the host that stayed unreachable or kept failing after
	// retries, such as an agent's model provider: an infrastructure failure, not the agent's.
	TypeUnavailable ErrorType = "unavailable"
	// The remote env API's own failures (host/server): a call without a valid token, an episode id
	// the caller does not own or that does not exist, an episode that is closed (ResumeEpisode reopens
	// it), a server at its episode cap, and a request over the size limits.
	TypeUnauthenticated ErrorType = "unauthenticated"
	TypeEpisodeNotFound ErrorType = "episode_not_found"
	TypeEpisodeClosed   ErrorType = "episode_closed"
	TypeServerBusy      ErrorType = "server_busy"
	TypeRequestTooLarge ErrorType = "request_too_large"
)

// ErrorTypes lists every ErrorType, in declaration order.
var ErrorTypes = []ErrorType{
	TypeSandboxInit, TypeSandboxExecution, TypeSandboxResource, TypeSandboxCleanup,
	TypeSubmissionNotFound, TypeSubmissionInvalid, TypeGroundTruth, TypeEvaluation, TypeLeaderboard,
	TypeInfoRequest, TypeCodeSyntax, TypeCodeRuntime, TypeCompetitionNotFound, TypeCompetitionData,
	TypeMetric, TypeInvalidAction, TypeInvalidArgument, TypeConfig, TypePluginNotFound, TypePluginCrashed,
	TypePluginProtocol, TypeInternal, TypeUnavailable, TypeUnauthenticated, TypeEpisodeNotFound,
	TypeEpisodeClosed, TypeServerBusy, TypeRequestTooLarge,
}

// Sentinels for errors.Is: errors.Is(err, core.ErrSubmissionInvalid) holds for any *Error of that type.
var (
	ErrSandboxInit         = &Error{Type: TypeSandboxInit}
	ErrSandboxExecution    = &Error{Type: TypeSandboxExecution}
	ErrSandboxResource     = &Error{Type: TypeSandboxResource}
	ErrSandboxCleanup      = &Error{Type: TypeSandboxCleanup}
	ErrSubmissionNotFound  = &Error{Type: TypeSubmissionNotFound}
	ErrSubmissionInvalid   = &Error{Type: TypeSubmissionInvalid}
	ErrGroundTruth         = &Error{Type: TypeGroundTruth}
	ErrEvaluation          = &Error{Type: TypeEvaluation}
	ErrLeaderboard         = &Error{Type: TypeLeaderboard}
	ErrInfoRequest         = &Error{Type: TypeInfoRequest}
	ErrCodeSyntax          = &Error{Type: TypeCodeSyntax}
	ErrCodeRuntime         = &Error{Type: TypeCodeRuntime}
	ErrCompetitionNotFound = &Error{Type: TypeCompetitionNotFound}
	ErrCompetitionData     = &Error{Type: TypeCompetitionData}
	ErrMetric              = &Error{Type: TypeMetric}
	ErrInvalidAction       = &Error{Type: TypeInvalidAction}
	ErrInvalidArgument     = &Error{Type: TypeInvalidArgument}
	ErrConfig              = &Error{Type: TypeConfig}
	ErrPluginNotFound      = &Error{Type: TypePluginNotFound}
	ErrPluginCrashed       = &Error{Type: TypePluginCrashed}
	ErrPluginProtocol      = &Error{Type: TypePluginProtocol}
	ErrInternal            = &Error{Type: TypeInternal}
	ErrUnavailable         = &Error{Type: TypeUnavailable}
	ErrUnauthenticated     = &Error{Type: TypeUnauthenticated}
	ErrEpisodeNotFound     = &Error{Type: TypeEpisodeNotFound}
	ErrEpisodeClosed       = &Error{Type: TypeEpisodeClosed}
	ErrServerBusy          = &Error{Type: TypeServerBusy}
	ErrRequestTooLarge     = &Error{Type: TypeRequestTooLarge}
)

// Error is Dojo's error value: a type to switch on, a one-line message, details for a person or an agent,
// and the likely causes (each a hint at what would fix it). Feedback plugins render it; nothing parses its
// string form.
type Error struct {
	Type    ErrorType `json:"type"`
	Message string    `json:"message"`
	Details string    `json:"details,omitempty"`
	Causes  []string  `json:"causes,omitempty"`
	// Err is the underlying error, if any. It is not serialised.
	Err error `json:"-"`
}

// Errorf builds an *Error of type t with a formatted message. A %w verb in format sets Err.
func Errorf(t ErrorType, format string, args ...any) *Error {
	wrapped := fmt.Errorf(format, args...)
	e := &Error{Type: t, Message: wrapped.Error()}
	if u := errors.Unwrap(wrapped); u != nil {
		e.Err = u
	}
	return e
}

// WithDetails returns e with its details set.
func (e *Error) WithDetails(format string, args ...any) *Error {
	e.Details = fmt.Sprintf(format, args...)
	return e
}

// WithCauses returns e with the likely causes appended.
func (e *Error) WithCauses(causes ...string) *Error {
	e.Causes = append(e.Causes, causes...)
	return e
}

// Error renders "type: message", followed by the details when present.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Type))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Details != "" {
		b.WriteString(" (")
		b.WriteString(e.Details)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same type, so the package's sentinels match any error
// of their type.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Type == e.Type && (t.Message == "" || t.Message == e.Message)
}

// TypeOf returns the ErrorType of the first *Error in err's chain, or TypeInternal when err is not nil
// and carries none, or "" when err is nil.
func TypeOf(err error) ErrorType {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Type
	}
	return TypeInternal
}

// AsError returns err as an *Error, wrapping a foreign error as TypeInternal. It returns nil for nil.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Type: TypeInternal, Message: err.Error(), Err: err}
}

// ValidErrorType reports whether t is one of the declared types.
func ValidErrorType(t ErrorType) bool {
	for _, k := range ErrorTypes {
		if k == t {
			return true
		}
	}
	return false
}
