package main

import (
	"fmt"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
	"github.com/mledojo/dojo/sdk"
)

// FuzzValidate runs both text metrics, with each registry entry's params, on fuzzed text columns
// (any bytes, invalid UTF-8 included): they must never panic the plugin, and every rejection must
// be a typed *core.Error.
func FuzzValidate(f *testing.F) {
	comps := []sdk.Component{sdk.Metric("levenshtein", sdk.MetricFunc(levenshtein)), sdk.Metric("jaccard", sdk.MetricFunc(jaccard))}
	metricfuzz.Fuzz(f, comps, func(_ string, p core.Params) (string, string) {
		id, _ := p.String("id_column", "id")
		targets, _ := p.Strings("target_columns", []string{"text"})
		header := id + "," + targets[0] + "\n"
		return header + "1,InChI=1S/C2H6O/c1-2-3/h3H\n2,Good day 日本\n3,\n",
			header + "3,\n1,InChI=1S/C2H6O/c1-2\n2,good DAY é 🙂\n"
	},
		[2]string{"id,Sequence\n1,1 2 3\n2,07 8\n", "id,Sequence\n1,1 2 x\n2,\n"},
		[2]string{"id,text\n1,\"a\nb\"\n", fmt.Sprintf("id,text\n1,%s\n", "\xff\xfe")})
}
