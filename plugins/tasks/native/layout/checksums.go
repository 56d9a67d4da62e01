package layout

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Checksums hashes every regular file under dir except competition.yaml, keyed by slash-separated
// relative path. Symbolic links and other non-regular files are refused: a prepared competition is
// plain files, so what was hashed is what the agent and the metric read.
func Checksums(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return nil
		case rel == ManifestFile:
			return nil
		case !d.Type().IsRegular():
			return problem(ErrChecksum, "%s is not a regular file", rel).
				WithCauses("replace links and special files in a competition directory with plain files")
		}
		sum, err := fileSHA256(path)
		if err != nil {
			return err
		}
		out[rel] = sum
		return nil
	})
	if err != nil {
		if ce, ok := err.(*core.Error); ok {
			return nil, ce
		}
		return nil, core.Errorf(core.TypeCompetitionData, "hashing %s: %w", dir, err)
	}
	return out, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Verify compares the files under dir with the checksums recorded in m: a file whose content
// changed, a recorded file that is gone, and a file that was never recorded are each a
// TypeCompetitionData error wrapping ErrChecksum that names the file. A manifest without checksums
// wraps ErrNotPrepared.
func Verify(dir string, m Manifest) error {
	if len(m.Checksums) == 0 {
		return problem(ErrNotPrepared, "competition %s has no checksums: it was never prepared", m.ID).
			WithCauses("prepare it (dojo competitions prepare), which records the checksum of every file in competition.yaml")
	}
	have, err := Checksums(dir)
	if err != nil {
		return err
	}
	var changed, gone, extra []string
	for rel, want := range m.Checksums {
		got, ok := have[rel]
		switch {
		case !ok:
			gone = append(gone, rel)
		case !strings.EqualFold(got, want):
			changed = append(changed, rel)
		}
	}
	for rel := range have {
		if _, ok := m.Checksums[rel]; !ok {
			extra = append(extra, rel)
		}
	}
	sort.Strings(changed)
	sort.Strings(gone)
	sort.Strings(extra)
	switch {
	case len(changed) > 0:
		return problem(ErrChecksum, "competition %s: %s does not match the checksum recorded at preparation", m.ID, list(changed)).
			WithDetails("sha256 %s, recorded %s", have[changed[0]], m.Checksums[changed[0]]).
			WithCauses("the file was changed or corrupted after preparation", reprepare(m.ID))
	case len(gone) > 0:
		return problem(ErrChecksum, "competition %s: %s was recorded at preparation but is missing", m.ID, list(gone)).
			WithCauses(reprepare(m.ID))
	case len(extra) > 0:
		return problem(ErrChecksum, "competition %s: %s was not there at preparation", m.ID, list(extra)).
			WithCauses("remove the file (the agent would see it if it is under public/)", reprepare(m.ID))
	}
	return nil
}

// Seal records the checksum of every file under dir in m and writes dir/competition.yaml.
func Seal(dir string, m *Manifest) error {
	sums, err := Checksums(dir)
	if err != nil {
		return err
	}
	m.Checksums = sums
	return m.Write(dir)
}

func list(files []string) string {
	if len(files) > 3 {
		return fmt.Sprintf("%s and %d more", strings.Join(files[:3], ", "), len(files)-3)
	}
	return strings.Join(files, ", ")
}
