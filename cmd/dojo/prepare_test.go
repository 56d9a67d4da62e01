package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cactusFiles are small raw files shaped like Kaggle's aerial-cactus-identification download.
func cactusFiles() map[string]string {
	files := map[string]string{}
	var csv strings.Builder
	csv.WriteString("id,has_cactus\n")
	for i := range 40 {
		name := fmt.Sprintf("%032x.jpg", i+1)
		fmt.Fprintf(&csv, "%s,%d\n", name, i%2)
		files["train/"+name] = "jpeg bytes " + name
	}
	files["train.csv"] = csv.String()
	return files
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPrepare_RawThenShowAndScore(t *testing.T) {
	raw, xdg := t.TempDir(), t.TempDir()
	writeFiles(t, raw, cactusFiles())
	env := []string{"XDG_DATA_HOME=" + xdg}
	r := dojo(t, env, "prepare", "aerial-cactus-identification", "--raw", raw)
	if r.code != 0 || !strings.Contains(r.stdout, "prepared aerial-cactus-identification in "+filepath.Join(xdg, "dojo", "mledojo", "aerial-cactus-identification")) {
		t.Fatalf("%+v", r)
	}
	r = dojo(t, env, "competitions", "show", "aerial-cactus-identification", "--json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var c struct {
		PublicDir   string `json:"public_dir"`
		AnswersPath string `json:"answers_path"`
	}
	json.Unmarshal([]byte(r.stdout), &c)
	if _, err := os.Stat(filepath.Join(c.PublicDir, "test")); err != nil {
		t.Fatalf("no test images in %s: %v", c.PublicDir, err)
	}
	r = dojo(t, env, "score", "--metric", "roc_auc", "--param", "id_column=id", "--param", "target_columns=has_cactus",
		"--answers", c.AnswersPath, "--submission", filepath.Join(c.PublicDir, "sample_submission.csv"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "roc_auc = 0.5") {
		t.Fatalf("%+v", r)
	}
	// Preparing again needs --force.
	r = dojo(t, env, "prepare", "aerial-cactus-identification", "--raw", raw)
	if r.code != 1 || !strings.Contains(r.stderr, "already prepared") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("%+v", r)
	}
	if r = dojo(t, env, "prepare", "aerial-cactus-identification", "--raw", raw, "--force"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	// The listing says which unprepared competitions `dojo prepare` can build.
	r = dojo(t, env, "competitions", "list", "--source", "mledojo", "--split", "eval")
	if r.code != 0 || !strings.Contains(r.stderr, "dojo prepare ID --raw DIR") || !strings.Contains(r.stdout, "no (dojo prepare)") {
		t.Fatalf("%+v", r)
	}
}

func TestPrepare_Errors(t *testing.T) {
	raw := t.TempDir()
	writeFiles(t, raw, map[string]string{"train.csv": "id,label\na,1\n"})
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"prepare"}, 2, []string{"usage: dojo prepare ID"}},
		{[]string{"prepare", "aerial-cactus-identification"}, 2, []string{"usage"}},
		{[]string{"prepare", "aerial-cactus-identification", "--raw", t.TempDir(), "--data-dir", t.TempDir()}, 1,
			[]string{"raw file train.csv is missing", "https://www.kaggle.com/competitions/aerial-cactus-identification/data"}},
		{[]string{"prepare", "aerial-cactus-identification", "--raw", raw, "--data-dir", t.TempDir()}, 1, []string{`has no column "has_cactus"`}},
		{[]string{"prepare", "conways-reverse-game-of-life-2020", "--raw", raw, "--data-dir", t.TempDir()}, 1, []string{`has no column "delta"`}},
		{[]string{"prepare", "titanic", "--raw", raw, "--data-dir", t.TempDir()}, 1, []string{"no preparation recipe yet"}},
	} {
		r := dojo(t, nil, c.args...)
		if r.code != c.code {
			t.Fatalf("%v: %+v", c.args, r)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Fatalf("%v: want %q in %s", c.args, w, r.stderr)
			}
		}
	}
}

// A local server stands in for Kaggle's API; the real one is never contacted.
func TestPrepare_DownloadFromAFakeKaggle(t *testing.T) {
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	for name, body := range cactusFiles() {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, k, _ := r.BasicAuth(); u != "alice" || k != "k1" {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/api/v1/competitions/data/download-all/aerial-cactus-identification":
			w.Write(archive.Bytes())
		default:
			http.Error(w, "rules", http.StatusForbidden)
		}
	}))
	defer s.Close()
	base := []string{"KAGGLE_API_URL=" + s.URL + "/api/v1"}
	creds := append(base, "KAGGLE_USERNAME=alice", "KAGGLE_KEY=k1")
	data, raw := t.TempDir(), t.TempDir()

	r := dojo(t, creds, "prepare", "aerial-cactus-identification", "--download", "--raw", raw, "--data-dir", data)
	if r.code != 0 || !strings.Contains(r.stderr, "downloading aerial-cactus-identification") || !strings.Contains(r.stderr, "downloaded") ||
		!strings.Contains(r.stdout, "prepared aerial-cactus-identification") {
		t.Fatalf("%+v", r)
	}
	if _, err := os.Stat(filepath.Join(data, "aerial-cactus-identification", "data", "private", "test_answer.csv")); err != nil {
		t.Fatal(err)
	}

	r = dojo(t, base, "prepare", "aerial-cactus-identification", "--download", "--data-dir", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "no Kaggle API credentials") || !strings.Contains(r.stderr, "kaggle.json") {
		t.Fatalf("missing credentials: %+v", r)
	}
	r = dojo(t, append(base, "KAGGLE_USERNAME=alice", "KAGGLE_KEY=bad"), "prepare", "aerial-cactus-identification", "--download", "--data-dir", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "rejected the credentials") {
		t.Fatalf("401: %+v", r)
	}
	r = dojo(t, creds, "prepare", "dog-breed-identification", "--download", "--data-dir", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "rules are not accepted") || !strings.Contains(r.stderr, "/competitions/dog-breed-identification/rules") {
		t.Fatalf("403: %+v", r)
	}
	r = dojo(t, append(creds[1:], "KAGGLE_API_URL=http://127.0.0.1:1/api/v1"), "prepare", "aerial-cactus-identification", "--download", "--data-dir", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "cannot reach Kaggle") {
		t.Fatalf("unreachable: %+v", r)
	}
}
