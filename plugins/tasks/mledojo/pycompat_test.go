package main

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestPyCompat_MatchesPython compares the Python look-alikes with /usr/bin/python3 itself: float
// repr over a spread of magnitudes, json.dumps(indent=4) of an awkward document, str.split() and
// str.splitlines() over every kind of whitespace and line boundary.
func TestPyCompat_MatchesPython(t *testing.T) {
	const py = "/usr/bin/python3"
	if _, err := exec.LookPath(py); err != nil {
		t.Skipf("%s is not available", py)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	floats := []float64{0, 1, -1, 0.1, 1e-4, 1e-5, 9.999e-5, 1e15, 1e16, 1e17, 1234567890123456, 12345678901234567, 5e-324, math.MaxFloat64, -2.5, 1317852607}
	for range 300 {
		floats = append(floats, math.Float64frombits(rng.Uint64()&^(0x7ff<<52)|uint64(1023+rng.IntN(60)-30)<<52))
	}
	var in []string
	for _, f := range floats {
		in = append(in, strconv.FormatFloat(f, 'g', -1, 64))
	}
	doc := `[{"a": "q\"\\\n\t\u0001\u007f\u00e9\ud83c\udf55 /", "b": [], "c": {}, "d": [1, -2, 3.50, 1e-7, true, false, null], "e": {"x": {"y": [{}]}}}, []]`
	text := "a b\tc\u001cd\u001fe\u00a0f\u2003g\u200bh\r\ni\rj\nk\u2028l\u0085m\vn\fo\u001dp  "
	script := `
import json, sys
floats, doc, text = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
print(" ".join(repr(float(f)) for f in floats))
print(json.dumps(json.dumps(json.loads(doc), indent=4)))
print(json.dumps(text.split()))
print(json.dumps(text.splitlines()))
print(json.dumps(text.strip()))
import io
print(json.dumps(list(io.TextIOWrapper(io.BytesIO(sys.argv[4].encode()), encoding="utf-8"))))
`
	file := "a\r\nb\rc\n\n\r\rd\r\r\ne \t\r\n\rf\r"
	out, err := exec.Command(py, "-c", script, strings.Join(in, ","), doc, text, file).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var reprs []string
	for _, f := range floats {
		reprs = append(reprs, pyFloatRepr(f))
	}
	if got := strings.Join(reprs, " "); got != lines[0] {
		g, w := strings.Fields(got), strings.Fields(lines[0])
		for i := range g {
			if g[i] != w[i] {
				t.Errorf("repr(%v): got %s, python %s", floats[i], g[i], w[i])
			}
		}
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	if err := writePyJSON(w, v, 0); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	var want string
	json.Unmarshal([]byte(lines[1]), &want)
	if b.String() != want {
		t.Errorf("json.dumps(indent=4):\ngot    %s\npython %s", b.String(), want)
	}
	for i, got := range []any{pyFields(text), pySplitLines(text), pyStrip(text)} {
		g, _ := json.Marshal(got)
		if canonJSON(t, string(g)) != canonJSON(t, lines[2+i]) {
			t.Errorf("%s: got %s, python %s", []string{"split()", "splitlines()", "strip()"}[i], g, lines[2+i])
		}
	}
	// Python yields each line with "\n" as its end; lineReader says whether the line had one.
	lr := &lineReader{b: bufio.NewReaderSize(strings.NewReader(file), 16)}
	var read []string
	for {
		line, ended, err := lr.next()
		if err != nil {
			break
		}
		if ended {
			line += "\n"
		}
		read = append(read, line)
	}
	if g, _ := json.Marshal(read); canonJSON(t, string(g)) != canonJSON(t, lines[5]) {
		t.Errorf("universal newlines: got %s, python %s", g, lines[5])
	}
}

// canonJSON re-encodes a JSON text with encoding/json, so escapes compare equal.
func canonJSON(t *testing.T, s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
