// Package host is the small Dojo host process: it owns sandboxing and stepping, and reaches metrics,
// custom actions, feedback styles and task loaders through plugin binaries.
//
// The work is in subpackages: catalog (plugin discovery and lifecycle), config (koanf configuration),
// and, as they land, sandbox, env and the remote API. cmd/dojo is a thin layer over them.
package host
