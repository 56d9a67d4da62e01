package ziputil

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeZip(t *testing.T, entries map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestExtract_UnpacksAndResumes(t *testing.T) {
	p := writeZip(t, map[string]string{"train.csv": "id,y\n1,0\n", "images/a.png": "png", "dir/": ""})
	dir := t.TempDir()
	var last [2]int64
	if err := Extract(context.Background(), p, dir, func(d, n int64) { last = [2]int64{d, n} }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "train.csv")); string(b) != "id,y\n1,0\n" {
		t.Fatalf("train.csv = %q", b)
	}
	if last[0] != last[1] || last[1] != int64(len("id,y\n1,0\n")+len("png")) {
		t.Fatalf("progress ended at %v", last)
	}
	// A complete file is kept on a second run; a truncated one is written again.
	os.WriteFile(filepath.Join(dir, "images/a.png"), []byte("p"), 0o644)
	if err := Extract(context.Background(), p, dir, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "images/a.png")); string(b) != "png" {
		t.Fatalf("a.png = %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "train.csv.part")); !os.IsNotExist(err) {
		t.Fatalf("a temporary file is left: %v", err)
	}
}

func TestExtract_RefusesEscapesAndNonArchives(t *testing.T) {
	for _, name := range []string{"../evil.txt", "a/../../evil.txt"} {
		p := writeZip(t, map[string]string{name: "x"})
		dir := filepath.Join(t.TempDir(), "out")
		if err := Extract(context.Background(), p, dir, nil); !errors.Is(err, ErrUnsafeEntry) {
			t.Errorf("%s: err = %v, want ErrUnsafeEntry", name, err)
		}
	}
	notZip := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(notZip, []byte("<html>"), 0o644)
	if err := Extract(context.Background(), notZip, t.TempDir(), nil); !errors.Is(err, ErrNotZip) {
		t.Errorf("not a zip: err = %v", err)
	}
}
