package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mledojo/dojo/host/competitions"
	"github.com/mledojo/dojo/host/kaggle"
)

const prepareUsage = "usage: dojo prepare ID (--raw DIR | --download [--raw DIR]) [--data-dir D] [--force] [--kaggle-url URL]"

// runPrepare builds one MLE-Dojo competition from Kaggle's raw files: already downloaded (--raw) or
// fetched with the user's Kaggle token (--download).
func runPrepare(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	raw := fs.String("raw", "", "`DIR` holding the competition's files from Kaggle, unzipped (with --download: where to save them)")
	download := fs.Bool("download", false, "download the files with Kaggle's API first (token from ~/.kaggle/kaggle.json or KAGGLE_USERNAME/KAGGLE_KEY)")
	dataDir := fs.String("data-dir", "", "MLE-Dojo competitions `directory` (default: <config data_dir>/mledojo)")
	force := fs.Bool("force", false, "replace the competition if it is already prepared")
	kaggleURL := fs.String("kaggle-url", envOr("KAGGLE_API_URL", kaggle.DefaultBaseURL), "Kaggle API root `URL` (also KAGGLE_API_URL)")
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, prepareUsage)
		fs.PrintDefaults()
	}
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if fs.NArg() > 0 {
		id = ""
	}
	if id == "" || (*raw == "" && !*download) {
		fs.Usage()
		return errUsage
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if *dataDir == "" {
		*dataDir = filepath.Join(cfg.DataDir, competitions.MLEDojoLoader)
	}
	if *download {
		if *raw == "" {
			*raw = filepath.Join(cfg.DataDir, "raw", id)
		}
		if err := downloadRaw(ctx, a, id, *raw, *kaggleURL); err != nil {
			return err
		}
	}
	lib, err := a.library(ctx, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "preparing %s from %s into %s\n", id, *raw, *dataDir)
	c, files, err := lib.PrepareRaw(ctx, competitions.PrepareRawRequest{ID: id, RawDir: *raw, DataDir: *dataDir, Force: *force})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "prepared %s in %s (%d files, checksums recorded)\n", c.ID, filepath.Join(*dataDir, id), len(files))
	if *dataDir != filepath.Join(cfg.DataDir, competitions.MLEDojoLoader) {
		fmt.Fprintf(a.stdout, "the host reads MLE-Dojo competitions from %s: move it there, or set data_dir so that it is\n", filepath.Join(cfg.DataDir, competitions.MLEDojoLoader))
	}
	return nil
}

// downloadRaw fetches and unpacks the competition's archive into dir, reporting progress.
func downloadRaw(ctx context.Context, a *app, id, dir, base string) error {
	creds, err := kaggle.LoadCredentials(os.Getenv)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "downloading %s from %s as %s\n", id, base, creds.Username)
	c := &kaggle.Client{BaseURL: base, Credentials: creds}
	archive, err := c.Download(ctx, kaggle.DownloadRequest{ID: id, Dir: dir, Progress: progressLine(a, "downloaded")})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "unpacking %s\n", archive)
	if err := kaggle.Extract(ctx, archive, dir, progressLine(a, "unpacked")); err != nil {
		return err
	}
	return os.Remove(archive)
}

// progressLine prints "verb N MB of M MB (P%)" at most every tenth of the way.
func progressLine(a *app, verb string) kaggle.Progress {
	next := int64(0)
	return func(done, total int64) {
		if total > 0 {
			if done < next && done != total {
				return
			}
			next = done + total/10
			fmt.Fprintf(a.stderr, "  %s %.1f MB of %.1f MB (%.0f%%)\n", verb, float64(done)/1e6, float64(total)/1e6, 100*float64(done)/float64(total))
			return
		}
		if done >= next {
			next = done + 100<<20
			fmt.Fprintf(a.stderr, "  %s %.1f MB\n", verb, float64(done)/1e6)
		}
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
