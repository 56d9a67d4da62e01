package main

import (
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
)

// FuzzValidate runs every ranking and correlation metric, with each registry entry's params, on
// fuzzed files: MAP@K and NDCG@K prediction lists, long layouts, sequences and numeric columns must
// never panic the plugin, and every rejection must be a typed *core.Error.
func FuzzValidate(f *testing.F) {
	metricfuzz.Fuzz(f, components(), func(metric string, p core.Params) (string, string) {
		return syntheticPair(metric, p)
	},
		[2]string{"id,pred\n1,a b c\n2,\n", "id,pred\n1,c c c c c c c c c c c c c\n2,a\n"},
		[2]string{"id,seq\n1,1 2 3\n2,3 2 1\n", "id,seq\n1,1 2\n2,x y z\n"},
		[2]string{"id,country\n1,US\n2,FR\n", "id,country\n1,FR\n1,US\n2,NDF\n"})
}
