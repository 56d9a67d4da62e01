package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mledojo/dojo/agents"
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/env"
)

// ManifestFile is the run directory's manifest.
const ManifestFile = "manifest.json"

// Manifest is manifest.json: what a run is, where and with what it ran, and what it cost. It is
// rewritten as the run goes, and at the end of every invocation.
type Manifest struct {
	Format string `json:"format"`
	Name   string `json:"name"`
	// Config is the eval config the run directory was made with (or last forced to).
	Config Config `json:"config"`
	// Episode is the episode configuration every episode starts from (host config plus overrides).
	Episode  env.Config `json:"episode"`
	Seeds    []int64    `json:"seeds"`
	Machine  Machine    `json:"machine"`
	Versions Versions   `json:"versions"`
	// Competitions are the ids the selectors resolved to.
	Competitions []string `json:"competitions"`
	// Started is the first invocation's start, Ended the last one's end; Wall sums the invocations.
	Started     time.Time     `json:"started"`
	Ended       *time.Time    `json:"ended,omitempty"`
	Wall        time.Duration `json:"wall_ns"`
	Invocations []Invocation  `json:"invocations"`
	// Episodes counts the episodes by state at the last update.
	Episodes EpisodeCounts `json:"episodes"`
	// Usage sums the model usage of every finished episode.
	Usage agents.Usage `json:"usage"`
}

// Invocation is one `dojo eval` over the run directory.
type Invocation struct {
	Started time.Time     `json:"started"`
	Ended   *time.Time    `json:"ended,omitempty"`
	Wall    time.Duration `json:"wall_ns"`
	Workers int           `json:"workers"`
	// Skipped counts episodes already finished; Run counts those this invocation played.
	Skipped int `json:"skipped"`
	Run     int `json:"run"`
	// Forced is set when the config changed and --force accepted it; Changes says what changed.
	Forced  bool     `json:"forced,omitempty"`
	Changes []string `json:"changes,omitempty"`
	// Interrupted is set when the invocation was stopped before every episode was over.
	Interrupted bool `json:"interrupted,omitempty"`
}

// EpisodeCounts counts a run's episodes by state.
type EpisodeCounts struct {
	Total      int `json:"total"`
	Done       int `json:"done"`
	Error      int `json:"error"`
	InfraError int `json:"infra_error"`
	Unfinished int `json:"unfinished"`
}

// Machine is where the run ran.
type Machine struct {
	Hostname    string `json:"hostname"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	Kernel      string `json:"kernel,omitempty"`
	CPUs        int    `json:"cpus"`
	MemoryBytes int64  `json:"memory_bytes,omitempty"`
}

// Versions are the versions of what ran.
type Versions struct {
	Dojo    string          `json:"dojo"`
	Go      string          `json:"go"`
	Plugins []PluginVersion `json:"plugins,omitempty"`
}

// PluginVersion is one plugin binary as the catalog found it.
type PluginVersion struct {
	Binary  string `json:"binary"`
	Version string `json:"version,omitempty"`
	SDK     string `json:"sdk_version,omitempty"`
}

// ManifestFormat is the manifest's format version.
const ManifestFormat = "dojo-eval/1"

// ThisMachine describes the machine the process runs on.
func ThisMachine() Machine {
	m := Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU()}
	m.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.MemoryBytes = memTotal()
	return m
}

// memTotal reads MemTotal from /proc/meminfo (Linux); 0 elsewhere.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// ReadManifest reads a run directory's manifest.json.
func ReadManifest(runDir string) (Manifest, error) {
	var m Manifest
	path := filepath.Join(runDir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return m, core.Errorf(core.TypeInvalidArgument, "%s is not a run directory: it has no %s", runDir, ManifestFile).
				WithCauses("pass the directory `dojo eval --out` wrote")
		}
		return m, core.Errorf(core.TypeInternal, "reading %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, core.Errorf(core.TypeInternal, "%s is damaged: %w", path, err)
	}
	return m, nil
}
