package layout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
)

const fixture = "../testdata/valid"

// copyFixture copies the sealed valid competition into a temporary directory.
func copyFixture(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "toy-species@2")
	err := filepath.WalkDir(fixture, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fixture, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editManifest(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("competition.yaml has no %q", old)
	}
	write(t, p, strings.Replace(string(b), old, new, 1))
}

func TestLoad_ValidFixtureGivesAbsolutePathsBothReferenceBoardsAndTheDescription(t *testing.T) {
	c, err := Load(fixture, "native")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "toy-species@2" || c.Title != "Toy species" || c.Domain != core.DomainTabular || c.Source != "native" {
		t.Fatalf("%+v", c)
	}
	if !filepath.IsAbs(c.PublicDir) || !filepath.IsAbs(c.AnswersPath) ||
		!strings.HasSuffix(c.PublicDir, "/valid/public") || !strings.HasSuffix(c.AnswersPath, "/valid/private/answers.csv") {
		t.Fatalf("paths: %s, %s", c.PublicDir, c.AnswersPath)
	}
	if c.Metric.Name != "accuracy" || c.Direction != core.HigherIsBetter {
		t.Fatalf("metric: %+v %s", c.Metric, c.Direction)
	}
	if ids, _ := c.Metric.Params.Strings("target_columns", nil); len(ids) != 1 || ids[0] != "species" {
		t.Fatalf("params: %v", c.Metric.Params)
	}
	if !strings.Contains(c.Description, "Predict `species`") {
		t.Fatalf("description: %q", c.Description)
	}
	if len(c.Boards) != 2 || c.Boards[0].Name != "public" || c.Boards[1].Name != "private" ||
		!c.Boards[0].Reference || !c.Boards[1].Reference || len(c.Boards[0].Scores) != 5 || c.Boards[1].Scores[1] != 0.5 {
		t.Fatalf("boards: %+v", c.Boards)
	}
}

// TestLoad_BrokenLayouts: each way a competition directory can be broken is a competition_data
// error that wraps its own sentinel and names what is wrong.
func TestLoad_BrokenLayouts(t *testing.T) {
	cases := []struct {
		name    string
		breakIt func(t *testing.T, dir string)
		kind    error
		mention string
	}{
		{"missing answers", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "private", "answers.csv")) },
			ErrMissingAnswers, "private/answers.csv"},
		{"missing private leaderboard", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "leaderboards", "private.csv")) },
			ErrMissingLeaderboard, "leaderboards/private.csv"},
		{"missing public dir", func(t *testing.T, dir string) { os.RemoveAll(filepath.Join(dir, "public")) },
			ErrMissingPublic, "public/"},
		{"missing description", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "description.md")) },
			ErrMissingDescription, "description.md"},
		{"no manifest", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, ManifestFile)) },
			ErrNoManifest, ManifestFile},
		{"unknown metric field", func(t *testing.T, dir string) {
			editManifest(t, dir, "  name: accuracy\n", "  name: accuracy\n  average: macro\n")
		},
			ErrManifest, "average"},
		{"unknown top-level field", func(t *testing.T, dir string) { editManifest(t, dir, "title:", "titel: x\ntitle:") },
			ErrManifest, "titel"},
		{"id without version", func(t *testing.T, dir string) { editManifest(t, dir, "id: toy-species@2", "id: toy-species") },
			ErrManifest, "NAME@VERSION"},
		{"wrong format", func(t *testing.T, dir string) { editManifest(t, dir, "format: dojo-native/1", "format: dojo-native/9") },
			ErrManifest, "dojo-native/9"},
		{"unknown direction", func(t *testing.T, dir string) { editManifest(t, dir, "direction: maximize", "direction: upward") },
			ErrManifest, "upward"},
		{"missing licence", func(t *testing.T, dir string) { editManifest(t, dir, "  licence: CC0-1.0\n", "") },
			ErrManifest, "data.licence"},
		{"path leaves the directory", func(t *testing.T, dir string) {
			editManifest(t, dir, "file: leaderboards/public.csv", "file: ../public.csv")
		}, ErrManifest, "../public.csv"},
		{"changed training file", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "public", "train.csv"), "id,size,species\n1,1.0,large\n")
		}, ErrChecksum, "public/train.csv"},
		{"changed answers", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "private", "answers.csv"), "id,species\n5,large\n6,large\n")
		}, ErrChecksum, "private/answers.csv"},
		{"recorded file gone", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "public", "test.csv")) },
			ErrChecksum, "public/test.csv"},
		{"file never recorded", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "public", "leak.csv"), "id,species\n") },
			ErrChecksum, "public/leak.csv"},
		{"symlink in public", func(t *testing.T, dir string) {
			if err := os.Symlink("/etc/passwd", filepath.Join(dir, "public", "link")); err != nil {
				t.Fatal(err)
			}
		}, ErrChecksum, "public/link"},
		{"no checksums", func(t *testing.T, dir string) {
			m, err := ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			m.Checksums = nil
			if err := m.Write(dir); err != nil {
				t.Fatal(err)
			}
		}, ErrNotPrepared, "never prepared"},
		{"board not best first", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "leaderboards", "public.csv"), "rank,score\n1,0.5\n2,1.0\n")
			reseal(t, dir)
		}, ErrLeaderboard, "better than the row above"},
		{"board without header", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "leaderboards", "private.csv"), "1,0.5\n2,0.25\n")
			reseal(t, dir)
		}, ErrLeaderboard, "rank,score"},
		{"board with a non-number", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "leaderboards", "private.csv"), "rank,score\n1,NaN\n")
			reseal(t, dir)
		}, ErrLeaderboard, "not a finite number"},
		{"sample submission disagrees", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "public", "sample_submission.csv"), "id,label\n5,small\n")
			reseal(t, dir)
		}, ErrSampleSubmission, "id,label"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t)
			if _, err := Load(dir, "native"); err != nil {
				t.Fatalf("the fixture copy does not load before breaking it: %v", err)
			}
			tc.breakIt(t, dir)
			_, err := Load(dir, "native")
			if core.TypeOf(err) != core.TypeCompetitionData {
				t.Fatalf("want a competition_data error, got %v", err)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("want %q, got %v", tc.kind, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.mention) {
				t.Fatalf("the error does not mention %q: %s", tc.mention, msg)
			}
		})
	}
}

func reseal(t *testing.T, dir string) {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Seal(dir, &m); err != nil {
		t.Fatal(err)
	}
}

func TestVerify_ChecksumMismatchSaysWhatToDo(t *testing.T) {
	dir := copyFixture(t)
	write(t, filepath.Join(dir, "public", "test.csv"), "id,size\n5,1.1\n6,9.8\n")
	_, err := Load(dir, "native")
	ce := core.AsError(err)
	if ce == nil || !strings.Contains(ce.Details, "recorded fa30799109546e17") {
		t.Fatalf("details should give both sums: %+v", ce)
	}
	if len(ce.Causes) < 2 || !strings.Contains(strings.Join(ce.Causes, "\n"), "dojo competitions prepare") {
		t.Fatalf("causes should say how to fix it: %v", ce.Causes)
	}
}

func TestSeal_RecordsEveryFileButTheManifestAndRoundTrips(t *testing.T) {
	dir := copyFixture(t)
	write(t, filepath.Join(dir, "public", "extra.csv"), "a\n1\n")
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Seal(dir, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Checksums[ManifestFile]; ok {
		t.Fatal("the manifest cannot hold its own checksum")
	}
	if len(m.Checksums) != 8 || m.Checksums["public/extra.csv"] == "" {
		t.Fatalf("checksums: %v", m.Checksums)
	}
	again, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(dir, again); err != nil {
		t.Fatal(err)
	}
}

func TestParseID(t *testing.T) {
	for id, ok := range map[string]bool{
		"iris-species@1": true, "a.b_c-d@12": true, "iris@0": false, "Iris@1": false, "iris": false, "iris@1@2": false, "@1": false,
	} {
		if _, _, err := ParseID(id); (err == nil) != ok {
			t.Errorf("ParseID(%q) = %v", id, err)
		}
	}
}

func TestPrepared_NeedsChecksumsAndLayoutButHashesNothing(t *testing.T) {
	dir := copyFixture(t)
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !Prepared(dir, m) {
		t.Fatal("the fixture is prepared")
	}
	write(t, filepath.Join(dir, "public", "train.csv"), "changed\n")
	if !Prepared(dir, m) {
		t.Fatal("Prepared does not hash (Load does)")
	}
	os.Remove(filepath.Join(dir, "private", "answers.csv"))
	if Prepared(dir, m) {
		t.Fatal("no answers: not prepared")
	}
}
