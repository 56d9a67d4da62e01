// Package server is the remote environment API that `dojo serve` runs: Gym-style episodes
// (host/env) served over gRPC, gRPC-Web and Connect's HTTP/JSON on one port, with bearer-token
// owners, limits, idle timeouts, graceful shutdown, resume after a restart, logs and Prometheus
// metrics. The protocol is apiv1/env.proto; docs/api.md is the user's guide.
//
// Start with New and Server.Run; service.go holds the calls, episodes.go the registry of open
// episodes, auth.go the tokens.
package server
