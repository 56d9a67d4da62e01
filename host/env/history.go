package env

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mledojo/dojo/core"
)

// Files in an episode directory.
const (
	eventsFile   = "events.jsonl"
	historyFile  = "history.json"
	episodeFile  = "episode.json"
	stepsDir     = "steps"
	workspaceDir = "workspace"
	taskFile     = "task.txt" // the task statement, for exports
)

// Event is one line of events.jsonl: a reset or a finished step, written (and fsynced) before the
// step returns, so a crash loses at most the step in flight.
type Event struct {
	Type    string           `json:"type"` // "reset" or "step"
	Step    int              `json:"step"`
	Time    time.Time        `json:"time"`
	Elapsed time.Duration    `json:"elapsed_ns"` // episode time used when the event was written
	Seed    *int64           `json:"seed,omitempty"`
	Action  *core.Action     `json:"action,omitempty"`
	Result  *core.StepResult `json:"result,omitempty"`
}

// Manifest is episode.json: what the episode is, written once at creation.
type Manifest struct {
	ID          string    `json:"id"`
	Competition string    `json:"competition"`
	Config      Config    `json:"config"`
	Created     time.Time `json:"created"`
	Version     string    `json:"dojo_version"`
}

// recorder appends events durably and keeps the MLE-Dojo-compatible history.json current.
type recorder struct {
	dir    string
	events *os.File
}

func openRecorder(dir string) (*recorder, error) {
	if err := os.MkdirAll(filepath.Join(dir, stepsDir), 0o755); err != nil {
		return nil, core.Errorf(core.TypeInternal, "episode directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, eventsFile)
	if err := dropTornTail(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, core.Errorf(core.TypeInternal, "opening %s: %w", path, err)
	}
	return &recorder{dir: dir, events: f}, nil
}

// append writes one event as a line and fsyncs it.
func (r *recorder) append(ev Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding event: %w", err)
	}
	if _, err := r.events.Write(append(b, '\n')); err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", eventsFile, err)
	}
	if err := r.events.Sync(); err != nil {
		return core.Errorf(core.TypeInternal, "syncing %s: %w", eventsFile, err)
	}
	return nil
}

func (r *recorder) close() error { return r.events.Close() }

// stepDir is where a step's artifacts (code, submission copy, outputs) go.
func (r *recorder) stepDir(step int) (string, error) {
	d := filepath.Join(r.dir, stepsDir, stepName(step))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", core.Errorf(core.TypeInternal, "step directory: %w", err)
	}
	return d, nil
}

// writeArtifact writes a step artifact durably.
func (r *recorder) writeArtifact(step int, name string, data []byte) error {
	d, err := r.stepDir(step)
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(d, name), data)
}

// writeJSONAtomic replaces a JSON file in the episode directory without ever leaving it half written.
func (r *recorder) writeJSONAtomic(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return core.Errorf(core.TypeInternal, "encoding %s: %w", name, err)
	}
	tmp := filepath.Join(r.dir, "."+name+".tmp")
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(r.dir, name)); err != nil {
		return core.Errorf(core.TypeInternal, "replacing %s: %w", name, err)
	}
	return nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return core.Errorf(core.TypeInternal, "writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return core.Errorf(core.TypeInternal, "syncing %s: %w", path, err)
	}
	return f.Close()
}

// dropTornTail removes a last line without its newline: the write a crash interrupted.
func dropTornTail(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return core.Errorf(core.TypeInternal, "reading %s: %w", path, err)
	}
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return nil
	}
	keep := bytes.LastIndexByte(b, '\n') + 1
	return os.Truncate(path, int64(keep))
}

// ReadEvents reads an episode directory's events, ignoring a torn last line.
func ReadEvents(dir string) ([]Event, error) {
	f, err := os.Open(filepath.Join(dir, eventsFile))
	if err != nil {
		return nil, core.Errorf(core.TypeInvalidArgument, "no episode history in %s: %w", dir, err).
			WithCauses("pass the directory a previous `dojo play --out` wrote")
	}
	defer f.Close()
	var out []Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			// Only the last line can be torn; an unparsable line elsewhere is corruption.
			if !sc.Scan() {
				break
			}
			return nil, core.Errorf(core.TypeInternal, "%s line %d is corrupt: %w", eventsFile, len(out)+1, err)
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, core.Errorf(core.TypeInternal, "reading %s: %w", eventsFile, err)
	}
	return out, nil
}

// ReadManifest reads episode.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, episodeFile))
	if err != nil {
		return m, core.Errorf(core.TypeInvalidArgument, "no episode in %s: %w", dir, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, core.Errorf(core.TypeInternal, "%s is corrupt: %w", episodeFile, err)
	}
	return m, nil
}

func stepName(step int) string { return fmt.Sprintf("%04d", step) }
