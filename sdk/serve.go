package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"golang.org/x/sys/unix"
	"google.golang.org/grpc"

	"github.com/mledojo/dojo/pluginapi"
)

// Version is the SDK's version, reported by every plugin built with it.
const Version = "0.1.0"

// EnvMaxMessageBytes is set by the host to the gRPC message size limit both sides use.
const EnvMaxMessageBytes = "DOJO_PLUGIN_MAX_MESSAGE_BYTES"

// DefaultMaxMessageBytes is the gRPC message limit when the host sets none (gRPC's own is 4 MiB, too
// small for a rendered history).
const DefaultMaxMessageBytes = 64 << 20

// Config is the long form of Serve.
type Config struct {
	// Version is the plugin's own version, shown by `dojo plugins list`.
	Version    string
	Components []Component
	// Logger overrides the JSON-on-stderr logger the host re-emits.
	Logger hclog.Logger
}

// Serve runs the plugin binary's main loop for the given components and never returns. With the
// argument `describe` it prints the components as JSON and exits, without a handshake; with `debug`
// it serves in the foreground and prints a DOJO_REATTACH_PLUGINS line for the host.
func Serve(components ...Component) {
	ServeConfig(Config{Components: components})
}

// ServeConfig is Serve with a version and logger.
func ServeConfig(cfg Config) {
	os.Exit(run(cfg, os.Args[1:]))
}

func run(cfg Config, args []string) int {
	comps, err := Build(cfg.Version, cfg.Components...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	mode := ""
	if len(args) > 0 {
		mode = args[0]
	}
	switch mode {
	case "describe":
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(comps.Description); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "version":
		v := cfg.Version
		if v == "" {
			v = "unversioned"
		}
		fmt.Printf("%s (sdk %s, protocol %d)\n", v, Version, pluginapi.ProtocolVersion)
		return 0
	case "debug":
		return serveDebug(cfg, comps)
	case "":
	default:
		fmt.Fprintf(os.Stderr, "unknown argument %q: a Dojo plugin is started by the host; run it with `describe` to see what it serves\n", mode)
		return 2
	}
	// go-plugin checks the cookie too, but its message names no way forward.
	if os.Getenv(pluginapi.Handshake.MagicCookieKey) != pluginapi.Handshake.MagicCookieValue {
		name := filepath.Base(os.Args[0])
		fmt.Fprintf(os.Stderr, "%s is a Dojo plugin: the dojo host starts it, not a person. Run `%s describe` to see what it serves.\n", name, name)
		return 1
	}
	dieWithParent()
	plugin.Serve(serveConfig(cfg, comps, nil))
	return 0
}

func serveConfig(cfg Config, comps *pluginapi.Components, test *plugin.ServeTestConfig) *plugin.ServeConfig {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{
			Name: filepath.Base(os.Args[0]), Output: os.Stderr, JSONFormat: true, Level: hclog.Trace,
		})
	}
	limit := maxMessageBytes()
	return &plugin.ServeConfig{
		HandshakeConfig:  pluginapi.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{pluginapi.ProtocolVersion: pluginapi.ServerPlugins(comps)},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(limit), grpc.MaxSendMsgSize(limit))...)
		},
		Logger: logger,
		Test:   test,
	}
}

// MaxMessageBytes returns the gRPC message limit the host asked for, or the default.
func maxMessageBytes() int {
	if v, err := strconv.Atoi(os.Getenv(EnvMaxMessageBytes)); err == nil && v > 0 {
		return v
	}
	return DefaultMaxMessageBytes
}

// dieWithParent makes the kernel kill this process when the host dies, even by SIGKILL, and watches
// the parent as a second line: PDEATHSIG fires when the forking thread exits, which a Go host does
// not promise never happens.
func dieWithParent() {
	parent := os.Getppid()
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	if os.Getppid() != parent || parent == 1 {
		os.Exit(1)
	}
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != parent {
				os.Exit(1)
			}
		}
	}()
}

// serveDebug serves without a host, for running a plugin under a debugger: it prints how the host
// reattaches and serves until interrupted.
func serveDebug(cfg Config, comps *pluginapi.Components) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go plugin.Serve(serveConfig(cfg, comps, &plugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed}))
	rc := <-reattach
	if rc == nil {
		fmt.Fprintln(os.Stderr, "plugin failed to start in debug mode")
		return 1
	}
	line, err := json.Marshal(map[string]ReattachInfo{filepath.Base(os.Args[0]): {
		Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Network: rc.Addr.Network(),
		Address: rc.Addr.String(), Pid: rc.Pid,
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("Plugin serving in debug mode. Start the host with:\n\n\texport %s='%s'\n\n", EnvReattach, line)
	<-closed
	return 0
}

// EnvReattach names the environment variable through which the host attaches to plugins already
// running in debug mode instead of starting them: a JSON object of binary name -> ReattachInfo.
const EnvReattach = "DOJO_REATTACH_PLUGINS"

// ReattachInfo is how the host reaches a plugin running in debug mode.
type ReattachInfo struct {
	Protocol        string `json:"protocol"`
	ProtocolVersion int    `json:"protocol_version"`
	Network         string `json:"network"`
	Address         string `json:"address"`
	Pid             int    `json:"pid"`
}
