package report_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mledojo/dojo/host/eval/report"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium on a local file with no network and a throwaway profile. In CI a
// missing Chromium fails the test (the Makefile's deps install it); elsewhere it skips.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: install the Makefile's APT_PACKAGES (make deps)", chromiumPath)
		}
		t.Skipf("%s is missing (apt-get install chromium, or make deps); skipping the browser check", chromiumPath)
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--user-data-dir=" + t.TempDir(), "--proxy-server=127.0.0.1:9", "--window-size=1200,2000"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

func writtenReport(t *testing.T) string {
	t.Helper()
	dir, lb, _ := leaderboard(t)
	if err := report.Write(dir, lb); err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.Join(dir, report.HTMLFile)
}

func TestReportHTML_ChartsAreInTheDOMChromiumRenders(t *testing.T) {
	dom := string(chromium(t, "--dump-dom", writtenReport(t)))
	for _, want := range []string{`<svg id="chart-curve"`, `<svg id="chart-domain"`, `<svg id="chart-elo"`,
		`<polyline class="series" data-agent="a"`, `<rect class="bar" data-agent="b" data-domain="vision"`, `<circle class="rating"`,
		`<table id="leaderboard">`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered DOM lacks %s", want)
		}
	}
	if n := strings.Count(dom, `<circle class="rating"`); n != 3 {
		t.Errorf("%d Elo points, want one per agent (3)", n)
	}
}

func TestReportHTML_ScreenshotIsNotBlank(t *testing.T) {
	shot := filepath.Join(t.TempDir(), "report.png")
	chromium(t, "--screenshot="+shot, writtenReport(t))
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The first agent's colour (#1f77b4) fills its bars, line and points; a blank page has none of it.
	colours := map[uint32]bool{}
	first := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			colours[r<<16|g<<8|bl] = true
			if absDiff(r, 0x1f) < 12 && absDiff(g, 0x77) < 12 && absDiff(bl, 0xb4) < 12 {
				first++
			}
		}
	}
	if len(colours) < 16 || first < 500 {
		t.Fatalf("the screenshot looks blank: %d colours, %d pixels of the first agent's colour", len(colours), first)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
