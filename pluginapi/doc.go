// Package pluginapi is the contract between the Dojo host and its plugins: one small Go interface per
// plugin kind (Metric, Action, Feedback, TaskLoader), the plain request and response structs they take,
// the handshake and API-version negotiation, and the go-plugin gRPC adapters that carry them.
//
// Plugin authors use the sdk package and see only the Go types here; the protobuf types stay under
// internal/. Start with kinds.go, then the file of the kind you implement.
package pluginapi
