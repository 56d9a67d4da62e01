package main

import (
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/plugins/metrics/internal/metricfuzz"
)

// FuzzValidate runs every segmentation and detection metric, with each registry entry's params, on
// fuzzed files: run-length encodings, box strings, shapes and composite keys must never panic the
// plugin, and every rejection must be a typed *core.Error.
func FuzzValidate(f *testing.F) {
	metricfuzz.Fuzz(f, components(), seedPair,
		[2]string{"id,rle\n1,1 3 10 2\n2,\n", "id,rle\n1,2 99999999999\n2,5 -1 3\n"},
		[2]string{"image_id,PredictionString\n1,0.9 10 10 20 20\n", "image_id,PredictionString\n1,0.5 1 2 3 nan 0.4 1 1 1\n"},
		[2]string{"image_id,PredictionString\n1,0 0.9 10 10 20 20\n", "image_id,PredictionString\n1,14 0.5 20 20 10 10\n"})
}

// seedPair writes a small answers file and submission shaped by an entry's params: masks or boxes in
// the target column, the key and shape columns it names.
func seedPair(_ string, p core.Params) (string, string) {
	id, _ := p.String("id_column", "id")
	targets, _ := p.Strings("target_columns", []string{"rle"})
	keys, _ := p.Strings("key_columns", []string{id})
	shapeCols, _ := p.Strings("shape_columns", nil)
	format, _ := p.String("box_format", "")
	truth, pred := "1 3 10 2", "2 3 11 1"
	if format != "" {
		g := "10 10 20 20"
		if strings.Contains(format, "conf_") {
			g = "0.9 " + g
		}
		if strings.HasPrefix(format, "class_") {
			g = "0 " + g
		}
		truth, pred = g, g
	}
	var a, s strings.Builder
	aHeader := append(append([]string(nil), keys...), targets[0])
	aHeader = append(aHeader, shapeCols...)
	sHeader := append(append([]string(nil), keys...), targets[0])
	a.WriteString(strings.Join(dedupe(aHeader), ",") + "\n")
	s.WriteString(strings.Join(dedupe(sHeader), ",") + "\n")
	for i, name := range []string{"case1_day1_slice_0001", "case1_day1_slice_0002"} {
		var ka, ks []string
		for k := range keys {
			v := name
			if k > 0 {
				v = "large_bowel"
			}
			ka, ks = append(ka, v), append(ks, v)
		}
		t, q := truth, pred
		if i == 1 {
			t = ""
		}
		row := append(ka, t)
		for range shapeCols {
			row = append(row, "16")
		}
		a.WriteString(strings.Join(row, ",") + "\n")
		s.WriteString(strings.Join(append(ks, q), ",") + "\n")
	}
	return a.String(), s.String()
}

func dedupe(cols []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cols {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
