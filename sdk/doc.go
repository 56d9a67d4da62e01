// Package sdk is what a plugin author imports: Serve runs a plugin binary that offers one or more
// named components (metrics, actions, feedback styles, task loaders) to the Dojo host over go-plugin
// gRPC. The SDK owns the handshake, logging, message-size limits, parent-death handling, the
// `describe` subcommand and debug reattach, so a plugin's main fits on one screen.
//
// Start with Serve and the constructors in components.go; see sdk/plugintest for testing a component
// over the real gRPC path, and sdk/table for reading submission and answer files.
package sdk
