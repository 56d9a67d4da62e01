package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"connectrpc.com/connect"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/server/apiv1"
)

// Response headers that carry the typed error, for clients with nothing but an HTTP library.
const (
	// HeaderErrorType is the core.ErrorType of a failed call ("episode_not_found").
	HeaderErrorType = "Dojo-Error-Type"
	// HeaderError is the whole error as ASCII JSON: {"type", "message", "details", "causes"}.
	HeaderError = "Dojo-Error"
)

// maxHeaderDetails bounds the details copied into the Dojo-Error header; the error detail message
// in the body always has them whole.
const maxHeaderDetails = 2048

// codeOf maps an error type to the RPC status a client can retry or report on.
func codeOf(t core.ErrorType) connect.Code {
	switch t {
	case core.TypeInvalidArgument, core.TypeConfig, core.TypeCodeSyntax, core.TypeSubmissionInvalid,
		core.TypeSubmissionNotFound, core.TypeInfoRequest, core.TypeCodeRuntime:
		return connect.CodeInvalidArgument
	case core.TypeInvalidAction, core.TypeEpisodeClosed, core.TypeCompetitionData:
		return connect.CodeFailedPrecondition
	case core.TypeEpisodeNotFound, core.TypeCompetitionNotFound, core.TypePluginNotFound:
		return connect.CodeNotFound
	case core.TypeUnauthenticated:
		return connect.CodeUnauthenticated
	case core.TypeServerBusy, core.TypeRequestTooLarge, core.TypeSandboxResource:
		return connect.CodeResourceExhausted
	case core.TypePluginCrashed, core.TypeUnavailable:
		return connect.CodeUnavailable
	}
	return connect.CodeInternal
}

// toConnectError turns any error of a call into a *connect.Error that carries the typed error twice:
// as an apiv1.Error detail, and in the Dojo-Error-Type and Dojo-Error headers. A cancelled or timed
// out call keeps its own status.
func toConnectError(err error) *connect.Error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	out, de := bareConnectError(err)
	setErrorHeaders(out.Meta(), de)
	return out
}

// bareConnectError is toConnectError without the headers, for writers that set them themselves.
func bareConnectError(err error) (*connect.Error, *core.Error) {
	de := core.AsError(err)
	code := codeOf(de.Type)
	switch {
	case errors.Is(err, context.Canceled):
		code = connect.CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		code = connect.CodeDeadlineExceeded
	}
	out := connect.NewError(code, errors.New(de.Error()))
	if detail, derr := connect.NewErrorDetail(&apiv1.Error{
		Type: string(de.Type), Message: de.Message, Details: de.Details, Causes: de.Causes,
	}); derr == nil {
		out.AddDetail(detail)
	}
	return out, de
}

// setErrorHeaders writes the Dojo-Error-Type and Dojo-Error headers of de into h.
func setErrorHeaders(h http.Header, de *core.Error) {
	h.Set(HeaderErrorType, string(de.Type))
	short := *de
	if len(short.Details) > maxHeaderDetails {
		cut := maxHeaderDetails
		for cut > 0 && !utf8.RuneStart(short.Details[cut]) {
			cut--
		}
		short.Details = short.Details[:cut] + "... (cut; the error detail in the body has it all)"
	}
	b, err := json.Marshal(short)
	if err != nil {
		return
	}
	h.Set(HeaderError, asciiJSON(string(b)))
}

// asciiJSON escapes every non-ASCII rune of a JSON text as \uXXXX, so the text is a valid header
// value for every HTTP and gRPC library.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

// Errors of the server's own, built in one place so their wording stays the same.

func errEpisodeNotFound(id string) *core.Error {
	return core.Errorf(core.TypeEpisodeNotFound, "no episode %q for this token", id).
		WithCauses("check the id against ListEpisodes", "episodes belong to the token that created them")
}

func errEpisodeClosed(id, reason string) *core.Error {
	return core.Errorf(core.TypeEpisodeClosed, "episode %s is closed (%s)", id, reason).
		WithCauses("call ResumeEpisode to reopen it from its history")
}
