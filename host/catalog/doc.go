// Package catalog finds plugin binaries, learns their components through the `describe` subcommand,
// and starts each binary lazily, at most once per host process, sharing it across episodes. A binary
// that dies is restarted on next use; the call in flight gets a core.TypePluginCrashed error.
//
// Start with Open and the component accessors in components.go.
package catalog
