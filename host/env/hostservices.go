package env

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/sandbox"
	"github.com/mledojo/dojo/pluginapi"
)

// maxReadBytes caps one ReadFile for an action plugin.
const maxReadBytes = 4 << 20

// hostServices is what a custom action reaches during one Invoke: this episode's sandbox, its
// workspace (read-write) and the public data (read-only). Nothing else is addressable.
type hostServices struct {
	e   *Episode
	ctx context.Context
}

var _ pluginapi.HostServices = (*hostServices)(nil)

func (h *hostServices) Exec(ctx context.Context, req pluginapi.ExecRequest) (pluginapi.ExecResponse, error) {
	timeout := h.e.cfg.ExecTimeout
	if req.Timeout > 0 && req.Timeout < timeout {
		timeout = req.Timeout
	}
	res, err := h.e.sb.Exec(ctx, sandbox.ExecRequest{Code: req.Code, Argv: req.Argv, Timeout: timeout})
	if err != nil {
		return pluginapi.ExecResponse{}, err
	}
	return pluginapi.ExecResponse{
		ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr, Duration: res.Duration,
		Outcome: res.Outcome, Truncated: res.Truncated,
	}, nil
}

func (h *hostServices) root(name string) (string, error) {
	switch name {
	case "", pluginapi.RootWorkspace:
		return h.e.work, nil
	case pluginapi.RootPublic:
		return h.e.comp.PublicDir, nil
	}
	return "", core.Errorf(core.TypeInvalidArgument, "unknown root %q", name).
		WithCauses(`use "workspace" or "public"`)
}

func (h *hostServices) ReadFile(_ context.Context, req pluginapi.ReadFileRequest) (pluginapi.ReadFileResponse, error) {
	root, err := h.root(req.Root)
	if err != nil {
		return pluginapi.ReadFileResponse{}, err
	}
	path, err := resolveUnder(root, req.Path)
	if err != nil {
		return pluginapi.ReadFileResponse{}, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return pluginapi.ReadFileResponse{}, core.Errorf(core.TypeInvalidArgument, "cannot read %s: %v", req.Path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return pluginapi.ReadFileResponse{}, core.Errorf(core.TypeInvalidArgument, "%s is not a regular file", req.Path)
	}
	limit := int64(maxReadBytes)
	if req.MaxBytes > 0 && req.MaxBytes < limit {
		limit = req.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return pluginapi.ReadFileResponse{}, core.Errorf(core.TypeInternal, "reading %s: %w", req.Path, err)
	}
	return pluginapi.ReadFileResponse{Data: data, Size: st.Size(), Truncated: st.Size() > int64(len(data))}, nil
}

func (h *hostServices) WriteFile(_ context.Context, req pluginapi.WriteFileRequest) error {
	path, err := resolveUnder(h.e.work, req.Path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return core.Errorf(core.TypeInvalidArgument, "cannot create the directory of %s: %v", req.Path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return core.Errorf(core.TypeInvalidArgument, "cannot write %s: %v", req.Path, err)
	}
	if _, err := f.Write(req.Data); err != nil {
		f.Close()
		return core.Errorf(core.TypeInternal, "writing %s: %w", req.Path, err)
	}
	return f.Close()
}

func (h *hostServices) ListFiles(_ context.Context, req pluginapi.ListFilesRequest) ([]pluginapi.FileEntry, error) {
	root, err := h.root(req.Root)
	if err != nil {
		return nil, err
	}
	dir, err := resolveUnder(root, req.Path)
	if err != nil {
		return nil, err
	}
	var out []pluginapi.FileEntry
	const maxEntries = 10000
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		if len(out) >= maxEntries {
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(dir, p)
		entry := pluginapi.FileEntry{Path: rel, Dir: d.IsDir()}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			entry.Size = info.Size()
		}
		out = append(out, entry)
		if d.IsDir() && !req.Recursive {
			return fs.SkipDir
		}
		return nil
	})
	if walkErr != nil {
		return nil, core.Errorf(core.TypeInternal, "listing %s: %w", req.Path, walkErr)
	}
	return out, nil
}
