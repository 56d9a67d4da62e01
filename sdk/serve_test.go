package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
)

var (
	buildOnce   sync.Once
	builtPlugin string
	buildErr    error
	buildDir    string
)

// testMetricBinary builds internal/testplugins/testmetric once per test run. Its directory outlives
// any one test, so TestMain removes it.
func testMetricBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		gotool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "sdk-test-"); err != nil {
			buildErr = err
			return
		}
		builtPlugin = filepath.Join(buildDir, "testmetric")
		out, err := exec.Command(gotool, "build", "-o", builtPlugin, "github.com/mledojo/dojo/internal/testplugins/testmetric").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building the test plugin: %v", buildErr)
	}
	return builtPlugin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// runPlugin runs the test plugin with args and an environment without the handshake cookie. The
// deadline only bounds a broken plugin that hangs; a passing run never waits on it.
func runPlugin(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testMetricBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("plugin %v did not exit: stderr %q", args, errOut.String())
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func TestDescribe_PrintsComponentsAsJSONWithoutHandshake(t *testing.T) {
	stdout, stderr, code := runPlugin(t, "describe")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var d pluginapi.Description
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("stdout is not a description: %v\n%s", err, stdout)
	}
	if d.Protocol != pluginapi.ProtocolVersion || d.SDKVersion != Version {
		t.Errorf("protocol %d, sdk %q; want %d, %q", d.Protocol, d.SDKVersion, pluginapi.ProtocolVersion, Version)
	}
	var names []string
	for _, c := range d.Components {
		names = append(names, c.Name)
		if c.Kind != pluginapi.KindMetric {
			t.Errorf("%s: kind %q", c.Name, c.Kind)
		}
		if _, err := pluginapi.Negotiate(c.Kind, pluginapi.APIVersions[c.Kind], c.APIVersions); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
	if got, want := strings.Join(names, ","), "constant,crash,hang,panic"; got != want {
		t.Errorf("components %s, want %s", got, want)
	}
	if dir := d.Components[0].Metadata[pluginapi.MetadataDirection]; dir != string(core.HigherIsBetter) {
		t.Errorf("constant's direction %q, want %q", dir, core.HigherIsBetter)
	}
}

func TestVersion_PrintsSDKAndProtocol(t *testing.T) {
	stdout, stderr, code := runPlugin(t, "version")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"sdk " + Version, "protocol 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q does not contain %q", stdout, want)
		}
	}
	if strings.HasPrefix(stdout, " ") {
		t.Errorf("stdout %q starts with a blank version", stdout)
	}
}

func TestUnknownArgument_ExitsTwoPointingAtDescribe(t *testing.T) {
	stdout, stderr, code := runPlugin(t, "serve-please")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	for _, want := range []string{`"serve-please"`, "describe"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not mention %s", stderr, want)
		}
	}
}

func TestNoHandshakeCookie_FailsAtOnceWithAHint(t *testing.T) {
	stdout, stderr, code := runPlugin(t)
	if code == 0 {
		t.Errorf("exit 0 without a host")
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing (stdout belongs to the handshake)", stdout)
	}
	for _, want := range []string{"plugin", "describe"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not mention %q", stderr, want)
		}
	}
}

func TestRun_RejectsAnInvalidComponentSetBeforeAnyMode(t *testing.T) {
	for _, args := range [][]string{nil, {"describe"}, {"version"}, {"bogus"}} {
		if code := run(Config{}, args); code != 2 {
			t.Errorf("run(no components, %q) = %d, want 2", args, code)
		}
	}
}

func TestRun_UnknownArgumentIsUsageError(t *testing.T) {
	cfg := Config{Components: []Component{Metric("m", MetricFunc(func(context.Context, pluginapi.ScoreRequest) (pluginapi.ScoreResponse, error) {
		return pluginapi.ScoreResponse{}, nil
	}))}}
	if code := run(cfg, []string{"--help"}); code != 2 {
		t.Errorf("run(--help) = %d, want 2", code)
	}
}

func TestMaxMessageBytes(t *testing.T) {
	tests := []struct {
		env  string
		want int
	}{
		{"", DefaultMaxMessageBytes},
		{"1048576", 1 << 20},
		{"0", DefaultMaxMessageBytes},
		{"-5", DefaultMaxMessageBytes},
		{"lots", DefaultMaxMessageBytes},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(EnvMaxMessageBytes, tt.env)
			if got := maxMessageBytes(); got != tt.want {
				t.Errorf("maxMessageBytes() with %q = %d, want %d", tt.env, got, tt.want)
			}
		})
	}
}
