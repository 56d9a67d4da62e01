package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/mledojo/dojo/pluginapi"
)

// describeCache remembers what each plugin binary said to `describe`, keyed by the file's identity
// (device, inode, size, modification time), so a command does not run every binary in the plugin
// directories each time it starts. A rebuilt or replaced binary has a new identity and is described
// again. Pins are still checked against the file itself.
type describeCache struct {
	path string

	mu      sync.Mutex
	entries map[string]cachedDescription
	dirty   bool
}

type cachedDescription struct {
	Identity    fileIdentity          `json:"identity"`
	Description pluginapi.Description `json:"description"`
}

type fileIdentity struct {
	Dev, Ino uint64
	Size     int64
	ModNs    int64
}

func identify(path string) (fileIdentity, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileIdentity{}, false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdentity{}, false
	}
	return fileIdentity{Dev: uint64(sys.Dev), Ino: sys.Ino, Size: st.Size(), ModNs: st.ModTime().UnixNano()}, true
}

// openDescribeCache reads the cache in dir; a missing or unreadable cache starts empty.
func openDescribeCache(dir string) *describeCache {
	c := &describeCache{path: filepath.Join(dir, "plugins.json"), entries: map[string]cachedDescription{}}
	if b, err := os.ReadFile(c.path); err == nil {
		_ = json.Unmarshal(b, &c.entries)
	}
	return c
}

func (c *describeCache) get(path string) (pluginapi.Description, bool) {
	if c == nil {
		return pluginapi.Description{}, false
	}
	id, ok := identify(path)
	if !ok {
		return pluginapi.Description{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[path]
	if !ok || e.Identity != id || e.Description.Protocol != pluginapi.ProtocolVersion {
		return pluginapi.Description{}, false
	}
	return e.Description, true
}

func (c *describeCache) put(path string, d pluginapi.Description) {
	if c == nil {
		return
	}
	id, ok := identify(path)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[path] = cachedDescription{Identity: id, Description: d}
	c.dirty = true
}

// save writes the cache atomically; failing to write it only costs speed next time.
func (c *describeCache) save() {
	if c == nil || !c.dirty {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := json.Marshal(c.entries)
	if err != nil || os.MkdirAll(filepath.Dir(c.path), 0o755) != nil {
		return
	}
	tmp := c.path + ".tmp"
	if os.WriteFile(tmp, b, 0o644) == nil {
		_ = os.Rename(tmp, c.path)
	}
}
