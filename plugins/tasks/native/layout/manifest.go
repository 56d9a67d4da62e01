package layout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mledojo/dojo/core"
)

// File and directory names of the native layout.
const (
	ManifestFile    = "competition.yaml"
	PublicDir       = "public"
	PrivateDir      = "private"
	AnswersFile     = "private/answers.csv"
	SampleFile      = "public/sample_submission.csv"
	DefaultDescFile = "description.md"
)

// Format is the value of the manifest's format field this package reads and writes.
const Format = "dojo-native/1"

// Manifest is a competition's competition.yaml. Unknown fields are rejected when it is read.
type Manifest struct {
	// Format is always Format; it changes only when the layout changes incompatibly.
	Format string `yaml:"format"`
	// ID is NAME@VERSION, e.g. iris-species@1.
	ID       string      `yaml:"id"`
	Title    string      `yaml:"title"`
	Domain   core.Domain `yaml:"domain"`
	TaskType string      `yaml:"task_type"`
	// Description names the Markdown file (relative to the competition directory) the agent reads
	// as the overview.
	Description string         `yaml:"description"`
	Metric      core.MetricRef `yaml:"metric"`
	Direction   core.Direction `yaml:"direction"`
	// IDColumn is the column that aligns a submission with the answers.
	IDColumn string `yaml:"id_column"`
	// SubmissionColumns is the header a submission must have, id column included, in order.
	SubmissionColumns []string     `yaml:"submission_columns"`
	Leaderboards      Leaderboards `yaml:"leaderboards"`
	Data              Provenance   `yaml:"data"`
	Split             Split        `yaml:"split"`
	// Checksums maps every file of the competition but competition.yaml (slash-separated paths
	// relative to the competition directory) to its sha256, recorded when it was prepared.
	Checksums map[string]string `yaml:"checksums,omitempty"`
}

// Leaderboards names the public and private board files. Each is a CSV of rank,score, best first.
type Leaderboards struct {
	Public  BoardFile `yaml:"public"`
	Private BoardFile `yaml:"private"`
	// Population describes who made the scores when the boards are reference boards.
	Population string `yaml:"population,omitempty"`
	// Solutions optionally names a CSV of the reference solutions with both their scores.
	Solutions string `yaml:"solutions,omitempty"`
}

// BoardFile is one leaderboard file.
type BoardFile struct {
	File string `yaml:"file"`
	// Reference is true when the scores come from reference solutions rather than human teams.
	Reference bool `yaml:"reference,omitempty"`
}

// Provenance says where the data came from and under which licence.
type Provenance struct {
	// Source is a one-line account of the data set and how it was obtained.
	Source string `yaml:"source"`
	// Package is the Debian package that ships the data, when one does.
	Package        string `yaml:"package,omitempty"`
	PackageVersion string `yaml:"package_version,omitempty"`
	// CopyrightFile is the Debian copyright file the licence was read from.
	CopyrightFile string `yaml:"copyright_file,omitempty"`
	Licence       string `yaml:"licence"`
	// Origin credits the people or study the data comes from.
	Origin string `yaml:"origin,omitempty"`
	URL    string `yaml:"url,omitempty"`
	// Tools lists the versions of the packages the preparation ran with (checksums depend on them).
	Tools map[string]string `yaml:"tools,omitempty"`
}

// Split records how the answers were held out.
type Split struct {
	// Method is "random", "stratified" (by Stratify) or "time" (the last TestSize rows).
	Method       string  `yaml:"method" json:"method"`
	TestFraction float64 `yaml:"test_fraction,omitempty" json:"test_fraction,omitempty"`
	TestSize     int     `yaml:"test_size,omitempty" json:"test_size,omitempty"`
	Seed         int     `yaml:"seed" json:"seed"`
	Stratify     string  `yaml:"stratify,omitempty" json:"stratify,omitempty"`
	// Sample, when positive, draws that many rows (seeded) before splitting.
	Sample int `yaml:"sample,omitempty" json:"sample,omitempty"`
	// TrainRows and TestRows are the sizes the split produced; the public leaderboard was scored on
	// PublicRows of the test rows, the private one on the rest.
	TrainRows  int `yaml:"train_rows,omitempty" json:"-"`
	TestRows   int `yaml:"test_rows,omitempty" json:"-"`
	PublicRows int `yaml:"public_rows,omitempty" json:"-"`
}

var idPattern = regexp.MustCompile(`^([a-z0-9][a-z0-9._-]*)@([1-9][0-9]*)$`)

// ParseID splits NAME@VERSION.
func ParseID(id string) (name string, version int, err error) {
	m := idPattern.FindStringSubmatch(id)
	if m == nil {
		return "", 0, core.Errorf(core.TypeInvalidArgument, "competition id %q is not NAME@VERSION", id).
			WithCauses("use lower-case letters, digits, '.', '_' and '-' for the name and a positive version, e.g. iris-species@1")
	}
	v, _ := strconv.Atoi(m[2])
	return m[1], v, nil
}

// ReadManifest reads and checks dir/competition.yaml. Unknown fields, a malformed id, a missing
// title, metric, direction, description or leaderboard entry are TypeCompetitionData errors.
func ReadManifest(dir string) (Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Manifest{}, problem(ErrNoManifest, "%s has no %s", dir, ManifestFile).
				WithCauses("a native competition directory holds competition.yaml, public/ and private/ (docs/competitions.md)")
		}
		return Manifest{}, problem(ErrNoManifest, "cannot read %s: %w", path, err)
	}
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		e := problem(ErrManifest, "%s: %s", path, yamlMessage(err))
		if strings.Contains(err.Error(), "not found in type") {
			e.WithCauses("remove or rename the unknown field: the native format's fields are listed in docs/competitions.md" +
				" (metric takes only name and params; metric options go under params)")
		}
		return Manifest{}, e
	}
	if err := m.check(path); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

func (m *Manifest) check(path string) error {
	if m.Format != Format {
		return problem(ErrManifest, "%s: format is %q, this loader reads %q", path, m.Format, Format).
			WithCauses(fmt.Sprintf("set format: %s (and follow docs/competitions.md)", Format))
	}
	if _, _, err := ParseID(m.ID); err != nil {
		return problem(ErrManifest, "%s: %s", path, core.AsError(err).Message).WithCauses(core.AsError(err).Causes...)
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"title", m.Title}, {"description", m.Description}, {"metric.name", m.Metric.Name}, {"id_column", m.IDColumn},
		{"leaderboards.public.file", m.Leaderboards.Public.File}, {"leaderboards.private.file", m.Leaderboards.Private.File},
		{"data.source", m.Data.Source}, {"data.licence", m.Data.Licence},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return problem(ErrManifest, "%s is missing %s", path, strings.Join(missing, ", "))
	}
	if m.Direction != core.HigherIsBetter && m.Direction != core.LowerIsBetter {
		return problem(ErrManifest, "%s: direction is %q", path, m.Direction).
			WithCauses(fmt.Sprintf("set direction to %q or %q", core.HigherIsBetter, core.LowerIsBetter))
	}
	if len(m.SubmissionColumns) < 2 || m.SubmissionColumns[0] != m.IDColumn {
		return problem(ErrManifest, "%s: submission_columns must start with the id column %q and name at least one target", path, m.IDColumn)
	}
	for _, rel := range append([]string{m.Description, m.Leaderboards.Public.File, m.Leaderboards.Private.File, m.Leaderboards.Solutions},
		keys(m.Checksums)...) {
		if rel != "" && !localPath(rel) {
			return problem(ErrManifest, "%s: path %q leaves the competition directory", path, rel).
				WithCauses("paths in competition.yaml are relative to its directory, without '..'")
		}
	}
	return nil
}

// PeekID returns the id field of dir/competition.yaml read leniently, or "" when there is none:
// enough to find a competition whose manifest ReadManifest rejects, so the rejection can be reported.
func PeekID(dir string) string {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return ""
	}
	var m struct {
		ID string `yaml:"id"`
	}
	_ = yaml.Unmarshal(raw, &m)
	return m.ID
}

// Write writes m as dir/competition.yaml.
func (m *Manifest) Write(dir string) error {
	var b bytes.Buffer
	b.WriteString("# Native Dojo competition (docs/competitions.md). Checksums are recorded by preparation\n" +
		"# and verified whenever the competition is loaded.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return core.Errorf(core.TypeInternal, "encoding %s: %w", ManifestFile, err)
	}
	if err := enc.Close(); err != nil {
		return core.Errorf(core.TypeInternal, "encoding %s: %w", ManifestFile, err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), b.Bytes(), 0o644); err != nil {
		return core.Errorf(core.TypeCompetitionData, "writing %s: %w", ManifestFile, err)
	}
	return nil
}

// localPath reports whether rel is a clean relative path inside its directory.
func localPath(rel string) bool {
	return filepath.IsLocal(filepath.FromSlash(rel)) && !strings.Contains(rel, "\\")
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sections names the manifest's parts in yaml's "field x not found in type T" messages.
var sections = strings.NewReplacer(
	"in type layout.Manifest", "at the top level", "in type core.MetricRef", "in metric",
	"in type layout.Leaderboards", "in leaderboards", "in type layout.BoardFile", "in a leaderboard entry",
	"in type layout.Provenance", "in data", "in type layout.Split", "in split")

// yamlMessage is a decoding error on one line, in the manifest's terms.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return sections.Replace(strings.Join(te.Errors, "; "))
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
