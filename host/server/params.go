package server

import (
	"fmt"
	"strings"

	"github.com/mledojo/dojo/core"
)

// checkAction rejects, before the episode sees it, an action whose params carry code beyond
// maxCode bytes or name a file outside the episode's workspace. The episode checks paths again
// against the real directories (symlinks included); this check makes the API's rule plain and the
// same for every action plugin: a path param is relative to the workspace, or absolute under
// /workspace or /data, and has no ".." in it.
func checkAction(a core.Action, maxCode int64) error {
	return checkParams(map[string]any(a.Params), "", maxCode)
}

func checkParams(params map[string]any, prefix string, maxCode int64) error {
	for k, v := range params {
		name := prefix + k
		switch x := v.(type) {
		case string:
			if err := checkString(name, k, x, maxCode); err != nil {
				return err
			}
		case []any:
			for i, item := range x {
				if s, ok := item.(string); ok {
					if err := checkString(fmt.Sprintf("%s[%d]", name, i), k, s, maxCode); err != nil {
						return err
					}
				}
				if m, ok := item.(map[string]any); ok {
					if err := checkParams(m, fmt.Sprintf("%s[%d].", name, i), maxCode); err != nil {
						return err
					}
				}
			}
		case map[string]any:
			if err := checkParams(x, name+".", maxCode); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkString(name, key, s string, maxCode int64) error {
	if isCodeKey(key) && int64(len(s)) > maxCode {
		return core.Errorf(core.TypeRequestTooLarge, "param %s is %s; this server takes at most %s per action",
			name, byteSize(int64(len(s))), byteSize(maxCode)).
			WithCauses("send less code at once (write helpers to files in steps, then import them)",
				"the operator sets the limit with server.max_code_bytes")
	}
	if isPathKey(key) {
		return checkPath(name, s)
	}
	return nil
}

// isCodeKey says whether a param carries code or file contents that the code limit bounds.
func isCodeKey(k string) bool {
	switch strings.ToLower(k) {
	case "code", "content", "contents", "script", "command", "cmd", "source":
		return true
	}
	return false
}

// isPathKey says whether a param names a file or directory.
func isPathKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "path", "paths", "file", "files", "filename", "filenames", "dir", "directory":
		return true
	}
	for _, suffix := range []string{"_path", "_paths", "_file", "_files", "_dir", "_filename"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// checkPath allows a path relative to the workspace, or an absolute one under /workspace or /data,
// with no ".." element.
func checkPath(name, p string) error {
	bad := func(why string) error {
		return core.Errorf(core.TypeInvalidArgument, "param %s: path %q %s", name, p, why).
			WithCauses("use a path relative to the workspace (or under /workspace, or /data for the public data), without ..")
	}
	if strings.ContainsRune(p, 0) {
		return bad("has a NUL byte")
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return bad("leaves the episode's workspace (it has a .. element)")
		}
	}
	if strings.HasPrefix(p, "/") && !underMount(p, "/workspace") && !underMount(p, "/data") {
		return bad("is outside /workspace and /data")
	}
	return nil
}

func underMount(p, mount string) bool {
	return p == mount || strings.HasPrefix(p, mount+"/")
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
