package main

import (
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
)

// FuzzValidate runs every classification metric, with each registry entry's params, on fuzzed files:
// labels, probabilities, label sets, character spans, points in boxes and run-length masks must never
// panic the plugin, and every rejection must be a typed *core.Error.
func FuzzValidate(f *testing.F) {
	metricfuzz.Fuzz(f, components(), func(metric string, p core.Params) (string, string) {
		return syntheticPair(f, metric, p)
	},
		[2]string{"id,target\n1,cat\n2,dog\n", "id,target\n2,dog\n1,\n"},
		[2]string{"id,cat,dog\n1,0.2,0.8\n2,1e309,-0\n", "id,cat,dog\n1,0.5,0.5\n2,NaN,1\n"},
		[2]string{"id,location\n1,\"['1 3', '5 9;10 12']\"\n", "id,location\n1,1 3;9 5\n"},
		[2]string{"image_id,labels\n1,U+306F 1 2 3 4 U+304C 5 6 7 8\n", "image_id,labels\n1,U+306F 2 3 U+304C 5\n"},
		[2]string{"Id,Predicted\n1,1 3 10 2\n2,\n", "Id,Predicted\n1,2 99999999999 3 -1\n2,5 0\n"})
}
