// Package export turns recorded episodes into training data: SFT as chat-message JSONL, RL as one
// record per step with reward and return-to-go. It reads only what episodes wrote to disk
// (episode.json, events.jsonl), so it works on a finished run, a crashed one, or a copy.
//
// Start with Export.
package export

import (
	"bufio"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Format is an export format.
type Format string

// Formats.
const (
	SFT Format = "sft"
	RL  Format = "rl"
)

// LabelsFile is an optional file of an episode directory: a JSON object of labels (dojo eval writes
// agent, agent_kind, competition and seed) that Export copies into every record of the episode, at the
// top level of RL records and into the metadata of SFT ones.
const LabelsFile = "labels.json"

// Options control an export.
type Options struct {
	Format Format
	// Gamma discounts the return-to-go in RL records (1 = undiscounted, the default when 0).
	Gamma float64
	// Feedback picks the feedback style shown as the environment's turns in SFT; empty picks "base"
	// when recorded, else the observation as JSON.
	Feedback string
}

// Stats counts what was exported.
type Stats struct {
	Episodes int `json:"episodes"`
	Records  int `json:"records"`
	Steps    int `json:"steps"`
}

// Export writes every episode found under dir (dir itself, or any directory below it holding an
// events.jsonl) to w as JSONL.
func Export(dir string, w io.Writer, opts Options) (Stats, error) {
	if opts.Format != SFT && opts.Format != RL {
		return Stats{}, core.Errorf(core.TypeInvalidArgument, "unknown export format %q", opts.Format).
			WithCauses(`use "sft" (chat messages) or "rl" (per-step records)`)
	}
	if opts.Gamma == 0 {
		opts.Gamma = 1
	}
	dirs, err := episodeDirs(dir)
	if err != nil {
		return Stats{}, err
	}
	if len(dirs) == 0 {
		return Stats{}, core.Errorf(core.TypeInvalidArgument, "no recorded episodes under %s", dir).
			WithCauses("pass a directory written by `dojo play --out` or `dojo eval`")
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	var st Stats
	for _, d := range dirs {
		ep, err := load(d)
		if err != nil {
			return st, err
		}
		st.Episodes++
		st.Steps += len(ep.steps)
		var records []any
		if opts.Format == SFT {
			records = []any{sftRecord(ep, opts.Feedback)}
		} else {
			records = rlRecords(ep, opts.Gamma)
		}
		for _, r := range records {
			if err := enc.Encode(r); err != nil {
				return st, core.Errorf(core.TypeInternal, "writing export: %w", err)
			}
			st.Records++
		}
	}
	if err := bw.Flush(); err != nil {
		return st, core.Errorf(core.TypeInternal, "writing export: %w", err)
	}
	return st, nil
}

func episodeDirs(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "workspace" || d.Name() == "steps") {
			return fs.SkipDir
		}
		if !d.IsDir() && d.Name() == "events.jsonl" {
			out = append(out, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "reading %s: %w", root, err)
	}
	sort.Strings(out)
	return out, nil
}

// episode is the last reset's steps of one recorded episode.
type episode struct {
	manifest env.Manifest
	task     string
	steps    []env.Event
	labels   map[string]any
}

func load(dir string) (episode, error) {
	m, err := env.ReadManifest(dir)
	if err != nil {
		return episode{}, err
	}
	events, err := env.ReadEvents(dir)
	if err != nil {
		return episode{}, err
	}
	ep := episode{manifest: m}
	for _, ev := range events {
		switch ev.Type {
		case "reset":
			ep.steps = nil
		case "step":
			if ev.Action != nil && ev.Result != nil {
				ep.steps = append(ep.steps, ev)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "task.txt")); err == nil {
		ep.task = string(b)
	}
	if b, err := os.ReadFile(filepath.Join(dir, LabelsFile)); err == nil {
		if err := json.Unmarshal(b, &ep.labels); err != nil {
			return ep, core.Errorf(core.TypeInvalidArgument, "%s is not a JSON object: %w", filepath.Join(dir, LabelsFile), err)
		}
	}
	return ep, nil
}
