package kaggle

import (
	"context"
	"errors"

	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/internal/ziputil"
)

// DefaultBaseURL is Kaggle's API root.
const DefaultBaseURL = "https://www.kaggle.com/api/v1"

// Client downloads competition files.
type Client struct {
	// BaseURL is the API root (DefaultBaseURL when empty); tests point it at a local server.
	BaseURL     string
	Credentials Credentials
	// HTTP is the client used (http.DefaultClient when nil).
	HTTP *http.Client
}

// Progress reports a download or an extraction: bytes done and the total (0 when unknown).
type Progress func(done, total int64)

// DownloadRequest asks for competition ID's files, saved as DIR/ID.zip.
type DownloadRequest struct {
	ID       string
	Dir      string
	Progress Progress
}

// Download fetches GET {BaseURL}/competitions/data/download-all/{ID} with basic auth into
// Dir/ID.zip (written to a .part file first, so a cut download never passes for a whole one) and
// returns its path.
func (c *Client) Download(ctx context.Context, req DownloadRequest) (string, error) {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u := strings.TrimRight(base, "/") + "/competitions/data/download-all/" + url.PathEscape(req.ID)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", core.Errorf(core.TypeConfig, "bad Kaggle URL %q: %v", base, err)
	}
	hreq.SetBasicAuth(c.Credentials.Username, c.Credentials.Key)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", problem(core.TypeCompetitionData, ErrUnreachable, "cannot reach Kaggle at %s: %v", base, err).
			WithCauses("check the network connection (and any proxy)", "or download the files by hand from "+page(req.ID)+" and run `dojo prepare "+req.ID+" --raw DIR`")
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return "", problem(core.TypeConfig, ErrUnauthorized, "Kaggle rejected the credentials from %s (401)", c.Credentials.Source).
			WithCauses("the token is wrong or was revoked: create a new one at https://www.kaggle.com/settings (API, Create New Token)")
	case http.StatusForbidden:
		return "", problem(core.TypeCompetitionData, ErrRulesNotAccepted, "Kaggle refused the download of %s (403): the competition's rules are not accepted for user %s", req.ID, c.Credentials.Username).
			WithCauses("open " + strings.TrimSuffix(page(req.ID), "/data") + "/rules, sign in as " + c.Credentials.Username + " and accept the rules (\"Late Submission\" or \"Join Competition\"), then run the command again")
	case http.StatusNotFound:
		return "", problem(core.TypeCompetitionData, ErrNotFound, "Kaggle has no competition %q (404)", req.ID).
			WithCauses("check the id: it is the competition's slug in its Kaggle URL")
	default:
		return "", problem(core.TypeCompetitionData, ErrUnreachable, "Kaggle answered %s for %s", resp.Status, u).
			WithCauses("try again later", "or download the files by hand from "+page(req.ID))
	}
	if err := os.MkdirAll(req.Dir, 0o755); err != nil {
		return "", core.Errorf(core.TypeCompetitionData, "creating %s: %w", req.Dir, err)
	}
	dst := filepath.Join(req.Dir, req.ID+".zip")
	part := dst + ".part"
	f, err := os.Create(part)
	if err != nil {
		return "", core.Errorf(core.TypeCompetitionData, "creating %s: %w", part, err)
	}
	w := &progressWriter{total: resp.ContentLength, report: req.Progress}
	if _, err := io.Copy(io.MultiWriter(f, w), resp.Body); err != nil {
		f.Close()
		os.Remove(part)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", problem(core.TypeCompetitionData, ErrUnreachable, "the download of %s was cut after %d bytes: %v", req.ID, w.done, err).
			WithCauses("run the command again")
	}
	if err := f.Close(); err != nil {
		return "", core.Errorf(core.TypeCompetitionData, "writing %s: %w", part, err)
	}
	if req.Progress != nil && w.last != w.done {
		req.Progress(w.done, w.done) // the end, when the size was not announced
	}
	if err := os.Rename(part, dst); err != nil {
		return "", core.Errorf(core.TypeCompetitionData, "writing %s: %w", dst, err)
	}
	return dst, nil
}

func page(id string) string { return "https://www.kaggle.com/competitions/" + id + "/data" }

type progressWriter struct {
	done, total, last int64
	report            Progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	// Report about every 1% (or every 8 MiB when the size is unknown).
	step := p.total / 100
	if step <= 0 {
		step = 8 << 20
	}
	if p.report != nil && (p.done-p.last >= step || p.done == p.total) {
		p.last = p.done
		p.report(p.done, p.total)
	}
	return len(b), nil
}

// Extract unpacks archive into dir, refusing entries that would land outside it; progress counts
// uncompressed bytes.
func Extract(ctx context.Context, archive, dir string, progress Progress) error {
	var report func(done, total int64)
	if progress != nil {
		report = func(done, total int64) { progress(done, total) }
	}
	err := ziputil.Extract(ctx, archive, dir, report)
	switch {
	case err == nil || ctx.Err() != nil:
		return err
	case errors.Is(err, ziputil.ErrNotZip):
		return problem(core.TypeCompetitionData, ErrBadArchive, "%v", err).
			WithCauses("the download was cut short or is not Kaggle's archive: remove it and download again")
	default:
		return problem(core.TypeCompetitionData, ErrBadArchive, "extracting %s: %v", archive, err)
	}
}
