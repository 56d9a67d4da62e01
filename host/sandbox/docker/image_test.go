package docker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The recipe lives in images/runtime; these tests keep the Go side and the two build paths in step.

func TestImageVersion_MatchesTheRecipe(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "images", "runtime", "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != ImageVersion {
		t.Errorf("images/runtime/VERSION says %q, the backend expects %q", got, ImageVersion)
	}
}

func TestDockerfile_InstallsTheRecipesPackagesAndUser(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "images", "runtime")
	pkgs, err := os.ReadFile(filepath.Join(dir, "packages.txt"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	dockerfile := string(df)
	for _, line := range strings.Split(string(pkgs), "\n") {
		if p := strings.TrimSpace(line); p != "" && !strings.HasPrefix(p, "#") &&
			!strings.Contains(dockerfile, " "+p+" \\\n") {
			t.Errorf("the Dockerfile does not install %s", p)
		}
	}
	for _, want := range []string{"USER " + imageUser, `ENTRYPOINT ["/usr/bin/tini", "-s", "--"]`,
		"org.mledojo.dojo.version=" + ImageVersion} {
		if !strings.Contains(dockerfile, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}
