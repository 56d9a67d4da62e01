// Package diskquota measures a sandbox's workspace, a directory of the host bind-mounted into the
// sandbox, where no filesystem quota applies: Usage walks it without following links or leaving its
// filesystem, and a Watch polls it during one execution so the backend can stop code that writes past
// Limits.DiskBytes. Both sandbox backends (local and docker) use it.
package diskquota
