package pluginapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/go-plugin"

	"github.com/mledojo/dojo/core"
)

// Kind is a plugin kind. One binary may serve components of several kinds.
type Kind string

// The plugin kinds.
const (
	KindMetric     Kind = "metric"
	KindAction     Kind = "action"
	KindFeedback   Kind = "feedback"
	KindTaskLoader Kind = "tasks"
)

// Kinds lists every plugin kind.
var Kinds = []Kind{KindMetric, KindAction, KindFeedback, KindTaskLoader}

// ProtocolVersion is go-plugin's wire protocol level: it changes only when the gRPC services change
// incompatibly. Finer changes are negotiated in band per kind through APIVersions.
const ProtocolVersion = 1

// APIVersions are the per-kind API versions this build of the host and SDK speak, newest last.
var APIVersions = map[Kind][]int{
	KindMetric:     {1},
	KindAction:     {1},
	KindFeedback:   {1},
	KindTaskLoader: {1},
}

// Handshake is the go-plugin handshake. The cookie only keeps a person from running a plugin binary by
// hand by mistake; it is not a security measure.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "DOJO_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "f4e1c2b5-dojo-plugin-9a7d",
}

// MetadataDirection is the ComponentInfo.Metadata key in which a metric states its direction
// ("maximize" or "minimize").
const MetadataDirection = "direction"

// ComponentInfo describes one named component of a plugin binary.
type ComponentInfo struct {
	Kind        Kind   `json:"kind"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// APIVersions are the API versions of Kind that the component speaks.
	APIVersions []int `json:"api_versions"`
	// ConfigSchema is a JSON Schema for the component's params or config, if it has one.
	ConfigSchema json.RawMessage   `json:"config_schema,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

// Description is what a plugin binary says about itself, both in answer to the `describe`
// subcommand (as JSON, without a handshake) and over the Base service's Info call.
type Description struct {
	Components    []ComponentInfo `json:"components"`
	PluginVersion string          `json:"plugin_version,omitempty"`
	SDKVersion    string          `json:"sdk_version,omitempty"`
	Protocol      int             `json:"protocol_version"`
}

// Negotiate returns the newest API version both sides speak, or a TypePluginProtocol error naming both
// lists.
func Negotiate(kind Kind, host, plugin []int) (int, error) {
	best := 0
	for _, v := range plugin {
		if slices.Contains(host, v) && v > best {
			best = v
		}
	}
	if best == 0 {
		return 0, core.Errorf(core.TypePluginProtocol,
			"no common %s API version: host speaks %v, plugin speaks %v", kind, host, plugin).
			WithCauses("rebuild the plugin against this version of the Dojo SDK, or upgrade the host")
	}
	return best, nil
}

// ParseKind returns the Kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", core.Errorf(core.TypeInvalidArgument, "unknown plugin kind %q", s).
		WithCauses(fmt.Sprintf("use one of %v", Kinds))
}

func versionsString(vs []int) string {
	out := ""
	for i, v := range vs {
		if i > 0 {
			out += ","
		}
		out += strconv.Itoa(v)
	}
	return out
}
