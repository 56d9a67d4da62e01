package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

// EnvPluginPath lists extra plugin directories, separated like PATH.
const EnvPluginPath = "DOJO_PLUGIN_PATH"

// SearchDirs is the plugin search order: the configured dirs, then DOJO_PLUGIN_PATH, then the build's
// bin/plugins beside the running executable. An earlier directory wins when two hold the same binary
// name, so a user's plugin can replace a built-in one.
func SearchDirs(configured []string) []string {
	dirs := append([]string(nil), configured...)
	if p := os.Getenv(EnvPluginPath); p != "" {
		dirs = append(dirs, filepath.SplitList(p)...)
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "plugins"))
	}
	return dirs
}

// candidates lists executable regular files in dirs, the first of each base name winning.
func candidates(dirs []string) (paths []string, shadowed []string) {
	seen := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
				continue
			}
			if prev, ok := seen[e.Name()]; ok {
				if prev != path {
					shadowed = append(shadowed, path)
				}
				continue
			}
			seen[e.Name()] = path
			paths = append(paths, path)
		}
	}
	return paths, shadowed
}

// describe runs `BINARY describe` and parses what the plugin serves. It runs the binary once, without
// a handshake, so listing plugins never starts a server.
func describe(ctx context.Context, path string, timeout time.Duration) (pluginapi.Description, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "describe")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = pluginEnv(nil, 0)
	if err := cmd.Run(); err != nil {
		return pluginapi.Description{}, core.Errorf(core.TypePluginProtocol, "%s describe: %w", path, err).
			WithDetails("%s", strings.TrimSpace(stderr.String())).
			WithCauses("the file is not a Dojo plugin (build it with sdk.Serve)", "the plugin crashed at start")
	}
	var d pluginapi.Description
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		return pluginapi.Description{}, core.Errorf(core.TypePluginProtocol, "%s describe printed invalid JSON: %w", path, err).
			WithCauses("the plugin prints to stdout before sdk.Serve; log to stderr instead")
	}
	if d.Protocol != pluginapi.ProtocolVersion {
		return pluginapi.Description{}, core.Errorf(core.TypePluginProtocol,
			"%s speaks plugin protocol %d, the host speaks %d", path, d.Protocol, pluginapi.ProtocolVersion).
			WithCauses("rebuild the plugin against this version of the Dojo SDK")
	}
	return d, nil
}

// fileSHA256 hashes a binary for pinning.
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

func checkPin(path, want string) error {
	got, err := fileSHA256(path)
	if err != nil {
		return core.Errorf(core.TypePluginNotFound, "cannot hash plugin %s: %w", path, err)
	}
	if !strings.EqualFold(got, want) {
		return core.Errorf(core.TypeConfig, "plugin %s has sha256 %s, but plugins.pins.%s is %s",
			path, got, filepath.Base(path), want).
			WithCauses("the binary was rebuilt or replaced: check where it came from, then update the pin")
	}
	return nil
}

// pluginEnv is the whole environment a plugin gets: the host's secrets stay in the host.
func pluginEnv(extra []string, maxMsg int) []string {
	env := []string{}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ", "SSL_CERT_FILE"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if maxMsg > 0 {
		env = append(env, fmt.Sprintf("DOJO_PLUGIN_MAX_MESSAGE_BYTES=%d", maxMsg))
	}
	return append(env, extra...)
}
