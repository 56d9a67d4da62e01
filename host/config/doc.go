// Package config is the host's configuration: defaults, then a YAML file, then DOJO_ environment
// variables, then command-line flags, each checked strictly before it is merged. Start with Config
// (config.go) and Load (load.go); docs/configuration.md lists every key.
package config
