package server

import (
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonCodec is Connect's JSON codec with the proto field names (snake_case) and every field present
// in responses, so an HTTP client reads "terminated": false rather than a missing key. Unknown
// fields in a request are an error, so a misspelt field is reported rather than ignored.
type jsonCodec struct{ name string }

var _ connect.Codec = jsonCodec{}

var (
	marshalJSON   = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}
	unmarshalJSON = protojson.UnmarshalOptions{}
)

// jsonCodecs are registered under both names a Connect client may send in Content-Type.
func jsonCodecs() []connect.HandlerOption {
	return []connect.HandlerOption{
		connect.WithCodec(jsonCodec{name: "json"}),
		connect.WithCodec(jsonCodec{name: "json; charset=utf-8"}),
	}
}

func (c jsonCodec) Name() string { return c.name }

func (c jsonCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("json codec: %T is not a protobuf message", v)
	}
	return marshalJSON.Marshal(m)
}

// MarshalStable is Marshal: protojson's output is stable enough for Connect's GET requests, which
// only need the same message to give the same URL within one process.
func (c jsonCodec) MarshalStable(v any) ([]byte, error) { return c.Marshal(v) }

// IsBinary reports that JSON needs no base64 in GET query strings.
func (c jsonCodec) IsBinary() bool { return false }

func (c jsonCodec) Unmarshal(b []byte, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("json codec: %T is not a protobuf message", v)
	}
	if len(b) == 0 {
		// An empty body is an empty message, so `curl -d ''` works for calls without fields.
		return nil
	}
	return unmarshalJSON.Unmarshal(b, m)
}
