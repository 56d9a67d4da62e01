//go:build linux

package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mledojo/dojo/core"
)

func TestOpenSubmission_ReadsARegularFile(t *testing.T) {
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"submission.csv", "out/sub.csv"} {
		if err := os.WriteFile(filepath.Join(ws, name), []byte("id,y\n1,0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := OpenSubmission(ws, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != "id,y\n1,0\n" {
			t.Errorf("%s: read %q", name, b)
		}
	}
}

func TestOpenSubmission_RefusesWhatIsNotARegularFileInsideTheWorkspace(t *testing.T) {
	testRefusals(t, OpenSubmission)
}

// TestOpenSubmissionByWalk_RefusesTheSame runs the same cases through the walk other systems use.
func TestOpenSubmissionByWalk_RefusesTheSame(t *testing.T) {
	testRefusals(t, func(dir, name string) (*os.File, error) {
		clean, err := submissionName(name)
		if err != nil {
			return nil, err
		}
		return openSubmissionByWalk(dir, name, clean)
	})
}

func testRefusals(t *testing.T, open func(dir, name string) (*os.File, error)) {
	base := t.TempDir()
	ws := filepath.Join(base, "workspace")
	outside := filepath.Join(base, "answers.csv")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(ws, 0o755))
	must(os.WriteFile(outside, []byte("secret"), 0o644))
	must(os.WriteFile(filepath.Join(ws, "real.csv"), []byte("ok"), 0o644))
	must(os.Symlink(outside, filepath.Join(ws, "abs_link.csv")))
	must(os.Symlink("../answers.csv", filepath.Join(ws, "rel_link.csv")))
	must(os.Symlink("real.csv", filepath.Join(ws, "inner_link.csv")))
	must(os.Symlink(base, filepath.Join(ws, "dirlink")))
	must(os.Symlink("/dev/zero", filepath.Join(ws, "dev_link.csv")))
	must(unix.Mkfifo(filepath.Join(ws, "fifo.csv"), 0o644))
	must(os.Mkdir(filepath.Join(ws, "dir.csv"), 0o755))
	must(os.WriteFile(filepath.Join(ws, "plain"), nil, 0o644))
	if os.Geteuid() == 0 {
		must(unix.Mknod(filepath.Join(ws, "device.csv"), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
	}
	cases := map[string]core.ErrorType{
		"abs_link.csv":        core.TypeSubmissionInvalid,
		"rel_link.csv":        core.TypeSubmissionInvalid,
		"inner_link.csv":      core.TypeSubmissionInvalid,
		"dirlink/answers.csv": core.TypeSubmissionInvalid,
		"dev_link.csv":        core.TypeSubmissionInvalid,
		"fifo.csv":            core.TypeSubmissionInvalid,
		"dir.csv":             core.TypeSubmissionInvalid,
		"plain/x.csv":         core.TypeSubmissionInvalid,
		"../answers.csv":      core.TypeSubmissionInvalid,
		"a/../../answers.csv": core.TypeSubmissionInvalid,
		outside:               core.TypeSubmissionInvalid,
		"":                    core.TypeSubmissionInvalid,
		"missing.csv":         core.TypeSubmissionNotFound,
	}
	if os.Geteuid() == 0 {
		cases["device.csv"] = core.TypeSubmissionInvalid
	}
	for name, want := range cases {
		done := make(chan error, 1)
		go func() {
			f, err := open(ws, name)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if got := core.TypeOf(err); got != want {
				t.Errorf("%q: got %v (%s), want %s", name, err, got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: OpenSubmission blocked", name)
		}
	}
}

func TestOpenBeneath_FallbackRefusesLinksAndOtherFilesystems(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "a", "b", "f.csv"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "a"), filepath.Join(base, "link")); err != nil {
		t.Fatal(err)
	}
	dir, err := unix.Open(base, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dir)
	fd, err := openBeneath(dir, "a/b/f.csv", unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC)
	if err != nil {
		t.Fatalf("a plain path: %v", err)
	}
	unix.Close(fd)
	if _, err := openBeneath(dir, "link/b/f.csv", unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC); err != unix.ELOOP {
		t.Errorf("through a link: got %v, want ELOOP", err)
	}
	if _, err := openBeneath(dir, "proc", unix.O_PATH); err == nil {
		t.Errorf("a missing path must fail")
	}
}
