// Package ziputil unpacks zip archives safely, for the host (Kaggle downloads, host/kaggle) and the
// task loader plugins (raw files named by a preparation recipe) alike: no entry may land outside
// the target directory, every file is written whole or not at all, and an extraction cut short
// resumes where it stopped.
package ziputil

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Errors Extract wraps, for callers to turn into their own typed errors.
var (
	// ErrNotZip: the file is not a readable zip archive (often a download cut short).
	ErrNotZip = errors.New("not a readable zip archive")
	// ErrUnsafeEntry: an entry's name would put it outside the target directory.
	ErrUnsafeEntry = errors.New("archive entry outside the target directory")
	// ErrEntry: an entry could not be read or written.
	ErrEntry = errors.New("archive entry not extracted")
)

// Extract unpacks the archive at path into dir. A file already in dir with the entry's size is
// kept, so extracting again after an interruption picks up where it stopped; each file is written
// to a temporary name and renamed into place. progress, when set, receives the uncompressed bytes
// done and the total after each file.
func Extract(ctx context.Context, path, dir string, progress func(done, total int64)) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotZip, path, err)
	}
	defer zr.Close()
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrEntry, dir, err)
	}
	var total, done int64
	for _, f := range zr.File {
		total += int64(f.UncompressedSize64)
	}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		target := filepath.Join(root, filepath.FromSlash(f.Name))
		if target != root && !strings.HasPrefix(target, root+string(filepath.Separator)) {
			return fmt.Errorf("%w: %s: entry %q would land outside %s", ErrUnsafeEntry, path, f.Name, dir)
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrEntry, f.Name, err)
			}
			continue
		}
		if target == root {
			return fmt.Errorf("%w: %s: file entry %q names the target directory itself", ErrUnsafeEntry, path, f.Name)
		}
		if st, err := os.Stat(target); err != nil || !st.Mode().IsRegular() || st.Size() != int64(f.UncompressedSize64) {
			if err := extractFile(f, target); err != nil {
				return fmt.Errorf("%w: %s from %s: %v", ErrEntry, f.Name, path, err)
			}
		}
		done += int64(f.UncompressedSize64)
		if progress != nil {
			progress(done, total)
		}
	}
	return nil
}

func extractFile(f *zip.File, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	in, err := f.Open()
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := target + ".part"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, target)
}
