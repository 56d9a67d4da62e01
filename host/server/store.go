package server

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// Files the server keeps in an episode's directory, beside the episode's own history.
const (
	// ownerFile says whose the episode is; written once, at creation.
	ownerFile = "owner.json"
	// closedFile records how the episode was closed: by its client, an idle timeout or a shutdown.
	closedFile = "closed.json"
)

// ownerRecord is owner.json.
type ownerRecord struct {
	// Owner is "sha256:" and the hex digest of the token that created the episode, or "anonymous".
	Owner       string    `json:"owner"`
	Competition string    `json:"competition"`
	Created     time.Time `json:"created"`
}

// closedRecord is closed.json: a clean stop, with the counters at that moment.
type closedRecord struct {
	Time        time.Time `json:"time"`
	Reason      string    `json:"reason"`
	LastActive  time.Time `json:"last_active"`
	Step        int       `json:"step"`
	TotalReward float64   `json:"total_reward"`
	Terminated  bool      `json:"terminated"`
	Truncated   bool      `json:"truncated"`
}

// Close reasons.
const (
	reasonClient  = "client"
	reasonIdle    = "idle_timeout"
	reasonStop    = "shutdown"
	reasonCrashed = "server_stopped" // no closed.json: the server died with the episode open
)

// validID is what an episode id may look like; anything else is not found without touching the disk.
var validID = regexp.MustCompile(`^[a-f0-9]{16,64}$`)

// writeJSONSync writes v to path atomically (a temporary file, fsynced, renamed over path).
func writeJSONSync(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding %s: %w", filepath.Base(path), err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	_, werr := f.Write(append(b, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// storedEpisode is an episode directory as the disk has it.
type storedEpisode struct {
	id       string
	dir      string
	owner    ownerRecord
	closed   *closedRecord // nil when closed.json is missing
	manifest env.Manifest
}

// readStored reads episode id under root for owner. A missing, foreign or unreadable episode is
// episode_not_found, so a caller cannot tell another token's episode from none.
func readStored(root, id, owner string) (storedEpisode, error) {
	if !validID.MatchString(id) {
		return storedEpisode{}, errEpisodeNotFound(id)
	}
	dir := filepath.Join(root, id)
	s := storedEpisode{id: id, dir: dir}
	if err := readJSON(filepath.Join(dir, ownerFile), &s.owner); err != nil || s.owner.Owner != owner {
		return storedEpisode{}, errEpisodeNotFound(id)
	}
	m, err := env.ReadManifest(dir)
	if err != nil {
		return storedEpisode{}, err
	}
	s.manifest = m
	var c closedRecord
	if err := readJSON(filepath.Join(dir, closedFile), &c); err == nil {
		s.closed = &c
	} else if !errors.Is(err, fs.ErrNotExist) {
		return storedEpisode{}, core.Errorf(core.TypeInternal, "reading %s of episode %s: %w", closedFile, id, err)
	}
	return s, nil
}

// counters are the numbers an episode summary shows, rebuilt from the history when closed.json is
// missing (the server died with the episode open).
func countersFromEvents(dir string) (closedRecord, error) {
	events, err := env.ReadEvents(dir)
	if err != nil {
		return closedRecord{}, err
	}
	var c closedRecord
	for _, ev := range events {
		c.LastActive = ev.Time
		switch ev.Type {
		case "reset":
			c = closedRecord{LastActive: ev.Time}
		case "step":
			if ev.Result != nil {
				c.Step = ev.Result.Step
				c.TotalReward += ev.Result.Reward
				c.Terminated, c.Truncated = ev.Result.Terminated, ev.Result.Truncated
			}
		}
	}
	return c, nil
}
