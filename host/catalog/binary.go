package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

// Binary is one plugin executable and, once started, its running process.
type Binary struct {
	path     string
	name     string
	desc     pluginapi.Description
	cat      *Catalog
	reattach *sdk.ReattachInfo

	mu     sync.Mutex
	client *plugin.Client
	disp   *pluginapi.Dispensed
	starts int
}

func newBinary(path string, d pluginapi.Description, c *Catalog, r *sdk.ReattachInfo) *Binary {
	return &Binary{path: path, name: filepath.Base(path), desc: d, cat: c, reattach: r}
}

// Name is the binary's base name.
func (b *Binary) Name() string { return b.name }

// Path is the binary's location.
func (b *Binary) Path() string { return b.path }

// Description is what the binary said it serves.
func (b *Binary) Description() pluginapi.Description { return b.desc }

// Starts counts how many times the process was started; more than one means it was restarted.
func (b *Binary) Starts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.starts
}

// Pid is the running process's id, or 0 when it is not running.
func (b *Binary) Pid() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.client == nil || b.client.Exited() {
		return 0
	}
	if rc := b.client.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// dispensed returns the running plugin's handles, starting the process if it is not running or has
// died since the last call. Concurrent callers share one start.
func (b *Binary) dispensed(ctx context.Context) (*pluginapi.Dispensed, error) {
	if b.cat.isClosed() {
		return nil, core.Errorf(core.TypeInternal, "plugin catalog is closed")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.client != nil && b.alive() {
		return b.disp, nil
	}
	if b.client != nil {
		b.cat.log.Warn("plugin exited; restarting it", "plugin", b.name, "starts", b.starts)
		b.client.Kill()
		b.client, b.disp = nil, nil
	}
	client := plugin.NewClient(b.clientConfig())
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, core.Errorf(core.TypePluginCrashed, "plugin %s failed to start: %w", b.name, err).
			WithCauses("run `"+b.path+" describe` to check the binary", "see the plugin's log lines above")
	}
	disp, err := pluginapi.Dispense(rpc)
	if err != nil {
		client.Kill()
		return nil, core.Errorf(core.TypePluginProtocol, "plugin %s: %w", b.name, err)
	}
	b.client, b.disp = client, disp
	b.starts++
	b.cat.log.Debug("plugin started", "plugin", b.name, "starts", b.starts)
	return disp, nil
}

// alive reports whether the process is running. go-plugin notices an exit only when it reaps the
// child, so a plugin killed a moment ago still looks alive to it; the kernel's view in /proc does not
// lag, and reading it keeps the next call from hitting a dead connection.
func (b *Binary) alive() bool {
	if b.client.Exited() {
		return false
	}
	rc := b.client.ReattachConfig()
	if rc == nil || rc.Pid <= 0 {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", rc.Pid))
	if err != nil {
		return false
	}
	// The state is the field after the parenthesised command name.
	for i := len(stat) - 1; i >= 0; i-- {
		if stat[i] == ')' {
			return i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
		}
	}
	return true
}

// markCrashed drops the handles if they are still the current ones, so the next use restarts. The
// connection is broken either way, so a process that somehow lingers is killed too.
func (b *Binary) markCrashed(d *pluginapi.Dispensed) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.disp == d && b.client != nil {
		b.client.Kill()
		b.client, b.disp = nil, nil
	}
}

func (b *Binary) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.client != nil {
		b.client.Kill()
		b.client, b.disp = nil, nil
	}
}

func (b *Binary) clientConfig() *plugin.ClientConfig {
	opts := b.cat.opts
	limit := opts.MaxMessageBytes
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  pluginapi.Handshake,
		VersionedPlugins: pluginapi.VersionedClientPlugins(),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           pluginLogger(b.cat.log),
		StartTimeout:     opts.StartTimeout,
		SkipHostEnv:      true,
		GRPCDialOptions: []grpc.DialOption{
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(limit), grpc.MaxCallSendMsgSize(limit)),
		},
	}
	if r := b.reattach; r != nil {
		addr, _ := resolveAddr(r.Network, r.Address)
		cfg.Reattach = &plugin.ReattachConfig{
			Protocol: plugin.Protocol(r.Protocol), ProtocolVersion: r.ProtocolVersion, Addr: addr, Pid: r.Pid, Test: true,
		}
		return cfg
	}
	cmd := exec.Command(b.path)
	cmd.Env = pluginEnv(opts.Env, limit)
	// The kernel kills the plugin if the host dies, even by SIGKILL (the SDK arms the same signal from
	// inside, and watches its parent too).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stdout = nil
	cfg.Cmd = cmd
	if pin, ok := opts.Pins[b.name]; ok {
		sum, err := hex.DecodeString(pin)
		if err == nil {
			cfg.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
		}
	}
	return cfg
}

// pluginLogger is the logger go-plugin gets: it re-emits the plugin's own log lines and logs the
// process lifecycle. Info lines from that path ("plugin started", "plugin process exited", a plugin's
// own chatter) are demoted to debug so a routine start and stop does not clutter a command's output;
// warnings and errors pass unchanged.
func pluginLogger(l hclog.Logger) hclog.Logger { return quietInfo{l} }

type quietInfo struct{ hclog.Logger }

func (q quietInfo) Info(msg string, args ...any) { q.Logger.Debug(msg, args...) }

func (q quietInfo) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Info {
		level = hclog.Debug
	}
	q.Logger.Log(level, msg, args...)
}

func (q quietInfo) Named(name string) hclog.Logger      { return quietInfo{q.Logger.Named(name)} }
func (q quietInfo) ResetNamed(name string) hclog.Logger { return quietInfo{q.Logger.ResetNamed(name)} }
func (q quietInfo) With(args ...any) hclog.Logger       { return quietInfo{q.Logger.With(args...)} }
