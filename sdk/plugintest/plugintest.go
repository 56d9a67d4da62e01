// Package plugintest runs plugin components over the real go-plugin gRPC path inside a test process,
// so a plugin's tests cross the same wire, converters and error mapping as production, without
// building a binary.
//
// Start with Serve, or the one-kind helpers Metric, Action, Feedback and TaskLoader.
package plugintest

import (
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk"
)

// Serve serves the components over gRPC on a local socket and returns the host's handles on them.
// Everything is torn down when the test ends.
func Serve(t testing.TB, components ...sdk.Component) *pluginapi.Dispensed {
	t.Helper()
	comps, err := sdk.Build("test", components...)
	if err != nil {
		t.Fatal(err)
	}
	client, server := plugin.TestPluginGRPCConn(t, false, pluginapi.ServerPlugins(comps))
	t.Cleanup(func() {
		// Stop the server first: closing the client first asks the server to stop itself over the
		// controller service, and that Stop would race with this one.
		server.Stop()
		_ = client.Close()
	})
	d, err := pluginapi.Dispense(client)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Metric serves m over gRPC and returns the host's view of it.
func Metric(t testing.TB, m pluginapi.Metric) pluginapi.Metric {
	t.Helper()
	return Serve(t, sdk.Metric("metric", m)).Metrics.Component("metric")
}

// Action serves a over gRPC and returns the host's view of it; pass a pluginapi.HostServices in
// InvokeRequest.Host to stand in for the episode.
func Action(t testing.TB, a pluginapi.Action) pluginapi.Action {
	t.Helper()
	return Serve(t, sdk.Action("action", a)).Actions.Component("action")
}

// Feedback serves f over gRPC and returns the host's view of it.
func Feedback(t testing.TB, f pluginapi.Feedback) pluginapi.Feedback {
	t.Helper()
	return Serve(t, sdk.Feedback("feedback", f)).Feedback.Component("feedback")
}

// TaskLoader serves l over gRPC and returns the host's view of it.
func TaskLoader(t testing.TB, l pluginapi.TaskLoader) pluginapi.TaskLoader {
	t.Helper()
	return Serve(t, sdk.TaskLoader("tasks", l)).TaskLoaders.Component("tasks")
}
