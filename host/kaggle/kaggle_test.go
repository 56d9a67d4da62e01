package kaggle

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

// fakeKaggle stands in for Kaggle's API on loopback: user alice with key k1 has accepted the rules
// of "open-comp" only.
func fakeKaggle(t *testing.T, archive []byte) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, k, ok := r.BasicAuth()
		if !ok || u != "alice" || k != "k1" {
			http.Error(w, `{"code":401,"message":"Unauthenticated"}`, http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/api/v1/competitions/data/download-all/open-comp":
			w.Header().Set("Content-Type", "application/zip")
			w.Write(archive)
		case "/api/v1/competitions/data/download-all/closed-comp":
			http.Error(w, `{"code":403,"message":"You must accept this competition's rules"}`, http.StatusForbidden)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func client(base, user, key string) *Client {
	return &Client{BaseURL: base + "/api/v1", Credentials: Credentials{Username: user, Key: key, Source: "test"}}
}

func TestDownload_SavesTheArchiveAndExtractsIt(t *testing.T) {
	s := fakeKaggle(t, zipOf(t, map[string]string{"train.csv": "id,y\n1,0\n", "images/a.png": "png"}))
	dir := t.TempDir()
	var reports int
	p, err := client(s.URL, "alice", "k1").Download(context.Background(), DownloadRequest{ID: "open-comp", Dir: dir,
		Progress: func(done, total int64) { reports++ }})
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "open-comp.zip") || reports == 0 {
		t.Fatalf("%s, %d progress reports", p, reports)
	}
	if err := Extract(context.Background(), p, dir, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "train.csv")); string(b) != "id,y\n1,0\n" {
		t.Fatalf("%q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "images", "a.png")); err != nil {
		t.Fatal(err)
	}
}

func TestDownload_Failures(t *testing.T) {
	s := fakeKaggle(t, nil)
	// A port that was listening and is now closed: nothing answers there.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String()
	l.Close()
	for _, c := range []struct {
		name, base, user, key, id string
		kind                      error
		typ                       core.ErrorType
		hint                      string
	}{
		{"wrong key", s.URL, "alice", "nope", "open-comp", ErrUnauthorized, core.TypeConfig, "kaggle.com/settings"},
		{"rules not accepted", s.URL, "alice", "k1", "closed-comp", ErrRulesNotAccepted, core.TypeCompetitionData, "https://www.kaggle.com/competitions/closed-comp/rules"},
		{"no such competition", s.URL, "alice", "k1", "nothing-here", ErrNotFound, core.TypeCompetitionData, "slug"},
		{"unreachable", closed, "alice", "k1", "open-comp", ErrUnreachable, core.TypeCompetitionData, "--raw DIR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := client(c.base, c.user, c.key).Download(context.Background(), DownloadRequest{ID: c.id, Dir: dir})
			ce := core.AsError(err)
			if !errors.Is(err, c.kind) || ce.Type != c.typ || !strings.Contains(strings.Join(ce.Causes, " "), c.hint) {
				t.Fatalf("%v %v", err, ce.Causes)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("a failed download left %v", entries)
			}
		})
	}
}

func TestLoadCredentials(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	getenv := func(k string) string { return env[k] }
	_, err := LoadCredentials(getenv)
	if !errors.Is(err, ErrNoCredentials) || core.TypeOf(err) != core.TypeConfig || !strings.Contains(err.Error(), filepath.Join(home, ".kaggle", "kaggle.json")) {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(home, ".kaggle"), 0o700)
	os.WriteFile(filepath.Join(home, ".kaggle", "kaggle.json"), []byte(`{"username":"alice","key":"k1"}`), 0o600)
	c, err := LoadCredentials(getenv)
	if err != nil || c.Username != "alice" || c.Key != "k1" {
		t.Fatal(c, err)
	}
	env["KAGGLE_USERNAME"], env["KAGGLE_KEY"] = "bob", "k2"
	if c, _ := LoadCredentials(getenv); c.Username != "bob" || c.Source != "KAGGLE_USERNAME and KAGGLE_KEY" {
		t.Fatal(c)
	}
	delete(env, "KAGGLE_KEY")
	os.WriteFile(filepath.Join(home, ".kaggle", "kaggle.json"), []byte(`{"user":"x"}`), 0o600)
	if _, err := LoadCredentials(getenv); !errors.Is(err, ErrNoCredentials) {
		t.Fatal(err)
	}
}

func TestExtract_RefusesEntriesOutsideTheDirectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "evil.zip")
	os.WriteFile(p, zipOf(t, map[string]string{"../escape.txt": "x"}), 0o644)
	if err := Extract(context.Background(), p, filepath.Join(dir, "out"), nil); !errors.Is(err, ErrBadArchive) {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("not a zip"), 0o644)
	if err := Extract(context.Background(), p, dir, nil); !errors.Is(err, ErrBadArchive) {
		t.Fatal(err)
	}
}
