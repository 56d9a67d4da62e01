package docker

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestParseUser(t *testing.T) {
	tests := []struct {
		in       string
		uid, gid int
		ok       bool
	}{
		{"10001:10001", 10001, 10001, true},
		{"1000:100", 1000, 100, true},
		{"1000", 1000, 1000, true},
		{"dojo", 0, 0, false},
		{"1000:staff", 0, 0, false},
		{"-1:0", 0, 0, false},
	}
	for _, tt := range tests {
		uid, gid, err := parseUser(tt.in)
		if (err == nil) != tt.ok || uid != tt.uid || gid != tt.gid {
			t.Errorf("parseUser(%q) = %d, %d, %v; want %d, %d, ok %v", tt.in, uid, gid, err, tt.uid, tt.gid, tt.ok)
		}
	}
}

func TestCodeUser_NeverRoot(t *testing.T) {
	if got := codeUser("2000:2000"); got != "2000:2000" {
		t.Errorf("explicit user became %q", got)
	}
	want := imageUser
	if os.Geteuid() != 0 {
		want = fmt.Sprintf("%d:%d", os.Geteuid(), os.Getegid())
	}
	if got := codeUser(""); got != want {
		t.Errorf("default user %q, want %q", got, want)
	}
}

func TestGrantAccess_OpensMountsToTheCodesUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only a root host changes the mounts; this host lends its own uid instead")
	}
	pub, ws := t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(pub, "sub"), 0o700))
	must(t, os.WriteFile(filepath.Join(pub, "sub", "train.csv"), []byte("a\n"), 0o600))
	must(t, os.Symlink("/etc/shadow", filepath.Join(pub, "link")))
	must(t, os.WriteFile(filepath.Join(ws, "old.txt"), nil, 0o600))
	must(t, os.Chmod(pub, 0o700))

	must(t, grantAccess(pub, ws, 10001, 10002))

	for path, want := range map[string]os.FileMode{pub: 0o705, filepath.Join(pub, "sub"): 0o705,
		filepath.Join(pub, "sub", "train.csv"): 0o604} {
		if info, _ := os.Stat(path); info.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v: readable, never writable, by others", path, info.Mode().Perm(), want)
		}
	}
	if info, _ := os.Stat("/etc/shadow"); info.Mode().Perm()&0o004 != 0 {
		t.Error("a symbolic link in the public data was followed")
	}
	for _, path := range []string{ws, filepath.Join(ws, "old.txt")} {
		uid, gid := owner(t, path)
		if uid != 10001 || gid != 10002 {
			t.Errorf("%s owned by %d:%d, want 10001:10002", path, uid, gid)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
