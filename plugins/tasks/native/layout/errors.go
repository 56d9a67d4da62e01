package layout

import (
	"errors"
	"fmt"

	"github.com/mledojo/dojo/core"
)

// Problems a competition directory can have. Every error this package returns for a broken layout is
// a *core.Error of type core.TypeCompetitionData that wraps one of these, so a program can tell them
// apart with errors.Is (the type and message also cross the plugin wire; these sentinels do not).
var (
	ErrNoManifest         = errors.New("no competition.yaml")
	ErrManifest           = errors.New("invalid competition.yaml")
	ErrMissingPublic      = errors.New("missing public directory")
	ErrMissingAnswers     = errors.New("missing answers")
	ErrMissingDescription = errors.New("missing description")
	ErrMissingLeaderboard = errors.New("missing leaderboard")
	ErrLeaderboard        = errors.New("invalid leaderboard")
	ErrSampleSubmission   = errors.New("invalid sample submission")
	ErrNotPrepared        = errors.New("not prepared")
	ErrChecksum           = errors.New("checksum mismatch")
)

// problem builds a TypeCompetitionData error wrapping kind.
func problem(kind error, format string, args ...any) *core.Error {
	e := core.Errorf(core.TypeCompetitionData, format, args...)
	if e.Err != nil {
		e.Err = errors.Join(kind, e.Err)
	} else {
		e.Err = kind
	}
	return e
}

// reprepare is the cause attached to integrity failures.
func reprepare(id string) string {
	return fmt.Sprintf("prepare it again (dojo competitions prepare --id %s), or restore the file from the preparation that made it", id)
}
