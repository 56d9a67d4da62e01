package pluginapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

func TestNegotiate_PicksNewestCommonVersion(t *testing.T) {
	tests := []struct {
		name         string
		host, plugin []int
		want         int
	}{
		{"one shared", []int{1}, []int{1}, 1},
		{"newest of several shared", []int{1, 2, 3}, []int{2, 3, 4}, 3},
		{"plugin lists newest first", []int{1, 2, 3}, []int{3, 2, 1}, 3},
		{"host lists newest first", []int{3, 2, 1}, []int{1, 2}, 2},
		{"only the oldest shared", []int{1, 5}, []int{1, 2, 3, 4}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pluginapi.Negotiate(pluginapi.KindMetric, tt.host, tt.plugin)
			if err != nil || got != tt.want {
				t.Errorf("Negotiate(%v, %v) = %d, %v; want %d", tt.host, tt.plugin, got, err, tt.want)
			}
		})
	}
}

func TestNegotiate_NoCommonVersionIsProtocolErrorNamingBothLists(t *testing.T) {
	tests := []struct {
		name         string
		host, plugin []int
	}{
		{"disjoint", []int{1, 2}, []int{3, 4}},
		{"plugin speaks none", []int{1}, nil},
		{"host speaks none", nil, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := pluginapi.Negotiate(pluginapi.KindAction, tt.host, tt.plugin)
			if v != 0 {
				t.Errorf("version %d, want 0", v)
			}
			var ce *core.Error
			if ce = core.AsError(err); ce == nil || ce.Type != core.TypePluginProtocol {
				t.Fatalf("err %v, want %s", err, core.TypePluginProtocol)
			}
			for _, want := range []string{"action", fmt.Sprint(tt.host), fmt.Sprint(tt.plugin)} {
				if !strings.Contains(ce.Message, want) {
					t.Errorf("message %q does not contain %q", ce.Message, want)
				}
			}
			if len(ce.Causes) == 0 {
				t.Error("no cause says how to fix it")
			}
		})
	}
}

func TestNegotiate_EveryKindAgreesWithItsOwnSDK(t *testing.T) {
	for _, k := range pluginapi.Kinds {
		vs := pluginapi.APIVersions[k]
		if len(vs) == 0 {
			t.Errorf("kind %s has no API versions", k)
			continue
		}
		if got, err := pluginapi.Negotiate(k, vs, vs); err != nil || got != vs[len(vs)-1] {
			t.Errorf("%s: Negotiate(own, own) = %d, %v; want the newest, %d", k, got, err, vs[len(vs)-1])
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range pluginapi.Kinds {
		t.Run(string(k), func(t *testing.T) {
			got, err := pluginapi.ParseKind(string(k))
			if err != nil || got != k {
				t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
			}
		})
	}
	for _, s := range []string{"", "Metric", "metrics", "task", " tasks", "base"} {
		t.Run("rejects "+s, func(t *testing.T) {
			got, err := pluginapi.ParseKind(s)
			if got != "" || core.TypeOf(err) != core.TypeInvalidArgument {
				t.Fatalf("ParseKind(%q) = %q, %v; want %s", s, got, err, core.TypeInvalidArgument)
			}
			if causes := strings.Join(core.AsError(err).Causes, " "); !strings.Contains(causes, "feedback") {
				t.Errorf("causes %q do not list the kinds", causes)
			}
		})
	}
}
