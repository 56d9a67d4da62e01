package main

import (
	"strings"
	"testing"
	"time"
)

func TestDurationsQuantile_InterpolatesBetweenSortedSamples(t *testing.T) {
	d := Durations{40, 10, 30, 20} // sorted: 10 20 30 40
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0, 10}, {0.5, 25}, {0.9, 37}, {1, 40}} {
		if got := d.Quantile(tt.q); got != tt.want {
			t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if d[0] != 40 {
		t.Error("Quantile sorted the caller's slice")
	}
	if got := (Durations{}).Median(); got != 0 {
		t.Errorf("empty Median = %v, want 0", got)
	}
}

func TestMs_PicksAUnitForTheSize(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{250 * time.Microsecond, "250 µs"},
		{4321 * time.Microsecond, "4.32 ms"},
		{123456 * time.Microsecond, "123.5 ms"},
		{12 * time.Second, "12.00 s"},
		{-2 * time.Millisecond, "−2.00 ms"},
	} {
		if got := ms(tt.d); got != tt.want {
			t.Errorf("ms(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestThousands_GroupsDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1000000: "1,000,000", 12345: "12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTableWrite_PadsColumnsAndEscapesPipes(t *testing.T) {
	var b strings.Builder
	tab := &Table{Header: []string{"case", "time"}}
	tab.Add("a|b", "5 µs")
	tab.write(&b)
	want := "| case | time |\n|------|------|\n| a\\|b | 5 µs |\n\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestParseGoBench_ReadsEveryUnit(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkReadFile_1M-2   	       5	  23234890 ns/op	 812.95 MB/s	34900401 B/op	      31 allocs/op
BenchmarkRegression/RMSE-2         	       3	   4559463 ns/op
PASS
`)
	got := parseGoBench("./sdk/table", out)
	if len(got) != 2 {
		t.Fatalf("got %d results, want 2: %+v", len(got), got)
	}
	r := got[0]
	if r.pkg != "sdk/table" || r.name != "ReadFile_1M" || r.nsPerOp != 23234890 || r.mbPerS != 812.95 ||
		r.bytesPerOp != 34900401 || r.allocsPerOp != 31 || !r.hasMBPerS || !r.hasAllocations {
		t.Errorf("first result = %+v", r)
	}
	if got[1].name != "Regression/RMSE" || got[1].hasAllocations {
		t.Errorf("second result = %+v", got[1])
	}
}

func TestPluginStartTimes_UsesTheCatalogsStartedLine(t *testing.T) {
	log := []byte(`{"@message":"starting plugin","@timestamp":"2026-11-23T12:45:38.602999Z","path":"p"}
not json
{"@message":"plugin started","@timestamp":"2026-11-23T12:45:38.606625Z","pid":10214}
{"@message":"plugin started","@timestamp":"2026-11-23T12:45:38.613468Z","plugin":"regression","starts":1}
`)
	started, ready, err := pluginStartTimes(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := ready.Sub(started); got != 10469*time.Microsecond {
		t.Errorf("ready - started = %v, want 10.469ms", got)
	}
	if _, _, err := pluginStartTimes([]byte(`{"@message":"starting plugin","@timestamp":"2026-11-23T12:45:38Z"}`)); err == nil {
		t.Error("a log without the catalog's started line gave no error")
	}
}

func TestRelDiff_IsRelativeToTheLargerMagnitude(t *testing.T) {
	if got := relDiff(1, 1); got != 0 {
		t.Errorf("relDiff(1, 1) = %v", got)
	}
	if got := relDiff(2, 1); got != 0.5 {
		t.Errorf("relDiff(2, 1) = %v, want 0.5", got)
	}
	if got := relDiff(-1, 1); got != 2 {
		t.Errorf("relDiff(-1, 1) = %v, want 2", got)
	}
}
