package server

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/config"
)

// EnvTokens is the environment variable with more bearer tokens, comma-separated.
const EnvTokens = "DOJO_SERVER_TOKENS"

// MinTokenLength is the shortest bearer token accepted: a token is a password that guards sandboxes.
const MinTokenLength = 16

// anonymousOwner owns the episodes of unauthenticated calls on a loopback server.
const anonymousOwner = "anonymous"

// Tokens gathers the bearer tokens of cfg: server.tokens, then those in server.token_file, then the
// comma-separated DOJO_SERVER_TOKENS that getenv returns. A token shorter than MinTokenLength is a
// config error.
func Tokens(cfg config.Server, getenv func(string) string) ([]string, error) {
	tokens := append([]string(nil), cfg.Tokens...)
	if cfg.TokenFile != "" {
		f, err := os.Open(cfg.TokenFile)
		if err != nil {
			return nil, core.Errorf(core.TypeConfig, "server.token_file: %w", err).
				WithCauses("check the path in server.token_file (DOJO_SERVER__TOKEN_FILE)")
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				tokens = append(tokens, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, core.Errorf(core.TypeConfig, "server.token_file %s: %w", cfg.TokenFile, err)
		}
	}
	if getenv != nil {
		for _, t := range strings.Split(getenv(EnvTokens), ",") {
			if t = strings.TrimSpace(t); t != "" {
				tokens = append(tokens, t)
			}
		}
	}
	for i, t := range tokens {
		if len(t) < MinTokenLength || strings.ContainsAny(t, " \t\r\n") {
			return nil, core.Errorf(core.TypeConfig, "bearer token #%d is too weak or malformed", i+1).
				WithCauses("use tokens of at least 16 characters without spaces, e.g. from `openssl rand -hex 32`")
		}
	}
	return tokens, nil
}

// authenticator maps bearer tokens to owners. An owner is "sha256:" and the token's digest, so the
// owner recorded in an episode's directory identifies the token without revealing it.
type authenticator struct {
	owners map[string]bool // by owner id
	// anonymous lets requests without a token through as anonymousOwner.
	anonymous bool
}

func newAuthenticator(tokens []string) *authenticator {
	a := &authenticator{owners: map[string]bool{}}
	for _, t := range tokens {
		a.owners[ownerOf(t)] = true
	}
	return a
}

func ownerOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// owner returns the owner of a request's Authorization header. A token that is present must be
// valid, even where anonymous calls are allowed.
func (a *authenticator) owner(header string) (string, error) {
	if header == "" {
		if a.anonymous {
			return anonymousOwner, nil
		}
		return "", core.Errorf(core.TypeUnauthenticated, "this call needs a bearer token").
			WithCauses("send the header `Authorization: Bearer TOKEN` with a token the operator configured (server.tokens)")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", core.Errorf(core.TypeUnauthenticated, "the Authorization header is not `Bearer TOKEN`")
	}
	// The comparison is of digests in a map: its timing says nothing about the token.
	owner := ownerOf(strings.TrimSpace(token))
	if !a.owners[owner] {
		return "", core.Errorf(core.TypeUnauthenticated, "the bearer token is not one this server accepts").
			WithCauses("check the token against the operator's server.tokens")
	}
	return owner, nil
}

// isLoopback reports whether addr (a listener's address) accepts connections from this machine only.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		// A Unix socket is reachable only on this machine, under its file permissions.
		_, unix := addr.(*net.UnixAddr)
		return unix
	}
	return tcp.IP.IsLoopback()
}

type ownerKey struct{}

func withOwner(ctx context.Context, owner string) context.Context {
	return context.WithValue(ctx, ownerKey{}, owner)
}

// ownerFrom returns the caller's owner id, set by the authentication middleware.
func ownerFrom(ctx context.Context) string {
	o, _ := ctx.Value(ownerKey{}).(string)
	return o
}

// shortOwner is how logs name an owner: enough of the digest to tell owners apart.
func shortOwner(owner string) string {
	if strings.HasPrefix(owner, "sha256:") && len(owner) > 19 {
		return owner[:19]
	}
	return owner
}
