// Package docker is the sandbox backend that runs an episode's code in a Docker container: one
// container per episode, one docker exec per execution, no network, a read-only root, no
// capabilities, a non-root user and cgroup limits. Start with New and Backend.Start; the image it
// runs is built by `make image` (images/runtime).
package docker
