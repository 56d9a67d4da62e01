package kaggle

import "errors"

// What can go wrong talking to Kaggle. Every error the package returns is a *core.Error wrapping
// one of these, so a caller can tell them apart with errors.Is.
var (
	// ErrNoCredentials: neither KAGGLE_USERNAME/KAGGLE_KEY nor a kaggle.json was found.
	ErrNoCredentials = errors.New("no kaggle credentials")
	// ErrUnauthorized: Kaggle answered 401, the token is wrong or expired.
	ErrUnauthorized = errors.New("kaggle credentials rejected")
	// ErrRulesNotAccepted: Kaggle answered 403, the user has not accepted the competition's rules.
	ErrRulesNotAccepted = errors.New("competition rules not accepted")
	// ErrNotFound: Kaggle answered 404, no such competition.
	ErrNotFound = errors.New("no such kaggle competition")
	// ErrUnreachable: the request never got an answer (DNS, connection, TLS, timeout).
	ErrUnreachable = errors.New("kaggle unreachable")
	// ErrBadArchive: the download is not a zip archive that can be unpacked.
	ErrBadArchive = errors.New("bad archive")
)
