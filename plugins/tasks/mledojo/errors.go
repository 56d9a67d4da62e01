package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Problems preparing from raw files. Each error Prepare returns for them is a *core.Error of type
// core.TypeCompetitionData wrapping one of these (the type, message and causes cross the plugin
// wire; the sentinels do not).
var (
	ErrRawMissing       = errors.New("raw file missing")
	ErrColumnMissing    = errors.New("column missing")
	ErrRecipeNeedsCode  = errors.New("recipe needs code")
	ErrAlreadyPrepared  = errors.New("already prepared")
	ErrPreparedModified = errors.New("prepared files changed")
)

func problem(kind error, format string, args ...any) *core.Error {
	e := core.Errorf(core.TypeCompetitionData, format, args...)
	if e.Err != nil {
		e.Err = errors.Join(kind, e.Err)
	} else {
		e.Err = kind
	}
	return e
}

// kagglePage is where a competition's raw files are downloaded by hand.
func kagglePage(id string) string { return "https://www.kaggle.com/competitions/" + id + "/data" }

// rawID is the competition whose raw files are being read, for the hints of missingRaw; set by the
// runner (a plugin prepares one competition at a time per call, so errors carry it explicitly).
func missingRaw(path string, err error) *core.Error {
	return problem(ErrRawMissing, "raw file %s is missing (%v)", path, err)
}

func errColumnMissing(path, name string, header []string) *core.Error {
	h := strings.Join(header, ",")
	if len(h) > 200 {
		h = h[:200] + "..."
	}
	return problem(ErrColumnMissing, "%s has no column %q", filepath.Base(path), name).
		WithDetails("its columns: %s", h).
		WithCauses(fmt.Sprintf("%s is not the file Kaggle ships for this competition, or Kaggle changed it: download it again", path))
}
