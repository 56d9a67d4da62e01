package main

import (
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
)

// FuzzValidate runs every regression metric, with each registry entry's params, on fuzzed files:
// numbers, weights, groups, filters, repeated ids and composite keys must never panic the plugin,
// and every rejection must be a typed *core.Error.
func FuzzValidate(f *testing.F) {
	metricfuzz.Fuzz(f, components(), func(metric string, p core.Params) (string, string) {
		return syntheticPair(f, metric, p)
	},
		[2]string{"id,target\n1,1e308\n2,-1e308\n", "id,target\n1,-1e308\n2,1e308\n"},
		[2]string{"id,target\n1,\n2,nan\n", "id,target\n1,inf\n2,0x1p-3\n"},
		[2]string{"id,a,b\n1,0,0\n1,1,1\n", "id,a,b\n1,0,0\n1,1,1\n"})
}
