package pluginapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/mledojo/dojo/core"
	pb "github.com/mledojo/dojo/pluginapi/internal/proto"
)

// toStatus turns a component's error into a gRPC status that carries the *core.Error in its details,
// so the host gets back the same typed error the plugin returned.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	ce := core.AsError(err)
	code := codes.Unknown
	switch ce.Type {
	case core.TypeSubmissionInvalid, core.TypeSubmissionNotFound, core.TypeInvalidArgument, core.TypeInvalidAction:
		code = codes.InvalidArgument
	case core.TypePluginNotFound, core.TypeCompetitionNotFound:
		code = codes.NotFound
	case core.TypeGroundTruth, core.TypeCompetitionData, core.TypeConfig:
		code = codes.FailedPrecondition
	case core.TypeInternal:
		code = codes.Internal
	}
	// Protobuf strings must be UTF-8, and messages often quote a submission's bytes: without this the
	// details would not marshal and the error would lose its type.
	causes := make([]string, len(ce.Causes))
	for i, c := range ce.Causes {
		causes[i] = validUTF8(c)
	}
	st := status.New(code, validUTF8(ce.Error()))
	if withDetails, derr := st.WithDetails(&pb.Error{
		Type: validUTF8(string(ce.Type)), Message: validUTF8(ce.Message), Details: validUTF8(ce.Details), Causes: causes,
	}); derr == nil {
		st = withDetails
	}
	return st.Err()
}

func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// fromStatus turns an RPC error back into a *core.Error. Errors without Dojo details are transport
// failures: Unavailable and a cancelled stream mean the plugin process went away, unless the caller's
// own context ended (gRPC's status errors do not wrap the context's error, so ctx is asked).
func fromStatus(ctx context.Context, err error, what string) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return core.Errorf(core.TypePluginProtocol, "%s: %w", what, err)
	}
	for _, d := range st.Details() {
		if e, ok := d.(*pb.Error); ok {
			return &core.Error{Type: core.ErrorType(e.Type), Message: e.Message, Details: e.Details, Causes: e.Causes}
		}
	}
	if cerr := ctx.Err(); cerr != nil {
		return core.Errorf(core.TypeInternal, "%s: %w", what, cerr)
	}
	switch st.Code() {
	case codes.Unavailable, codes.Canceled:
		if errors.Is(err, context.Canceled) {
			return core.Errorf(core.TypeInternal, "%s: %w", what, context.Canceled)
		}
		return core.Errorf(core.TypePluginCrashed, "%s: plugin is not reachable: %s", what, st.Message()).
			WithCauses("the plugin process exited or crashed; see its log lines above", "the host restarts it on next use")
	case codes.DeadlineExceeded:
		return core.Errorf(core.TypeInternal, "%s: %w", what, context.DeadlineExceeded)
	case codes.ResourceExhausted:
		return core.Errorf(core.TypePluginProtocol, "%s: message too large: %s", what, st.Message()).
			WithCauses("raise plugins.max_message_bytes, or pass a file path instead of data")
	}
	return core.Errorf(core.TypePluginProtocol, "%s: %s", what, st.Message())
}

// guard runs a component call and turns a panic into a TypeInternal error, so one bad input cannot
// take down a plugin that serves every episode of the host.
func guard(name string, call func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = toStatus(core.Errorf(core.TypeInternal, "component %q panicked: %v", name, r).
				WithDetails("%s", debug.Stack()))
		}
	}()
	return toStatus(call())
}

func notFound(kind Kind, name string, have []string) error {
	return toStatus(core.Errorf(core.TypePluginNotFound, "this plugin serves no %s component %q", kind, name).
		WithCauses(fmt.Sprintf("it serves: %v", have)))
}

// paramsToStruct converts params through JSON so that any JSON-shaped Go value ([]string, int, ...)
// is accepted.
func paramsToStruct(p core.Params) (*structpb.Struct, error) {
	return mapToStruct(p)
}

func mapToStruct(m map[string]any) (*structpb.Struct, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "params are not JSON-encodable: %w", err)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "params: %w", err)
	}
	s, err := structpb.NewStruct(generic)
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "params: %w", err)
	}
	return s, nil
}

func structToParams(s *structpb.Struct) core.Params {
	if s == nil || len(s.Fields) == 0 {
		return core.Params{}
	}
	return core.Params(s.AsMap())
}

func structToMap(s *structpb.Struct) map[string]any {
	if s == nil || len(s.Fields) == 0 {
		return nil
	}
	return s.AsMap()
}

func names[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func uint32s(vs []int) []uint32 {
	out := make([]uint32, len(vs))
	for i, v := range vs {
		out[i] = uint32(v)
	}
	return out
}

func ints(vs []uint32) []int {
	out := make([]int, len(vs))
	for i, v := range vs {
		out[i] = int(v)
	}
	return out
}
