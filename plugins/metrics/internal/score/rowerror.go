package score

import (
	"errors"
	"fmt"

	"github.com/mledojo/dojo/core"
)

// RowError is wrapped by errors about one row of the input, so a caller that knows the rows' ids can
// name the id: the functions of this package see positions, not ids. It renders as "row N".
type RowError struct{ Row int }

func (e *RowError) Error() string { return fmt.Sprintf("row %d", e.Row) }

// rowErrorf builds a *core.Error of type t about row (0-based, in the order of the slices passed in)
// with the message msg.
func rowErrorf(t core.ErrorType, row int, msg string) *core.Error {
	return &core.Error{Type: t, Message: msg, Err: &RowError{Row: row}}
}

// ErrorRow returns the row (0-based, in the order of the slices the caller passed) that err is about,
// when it is about one row, so a caller can name that row's id.
func ErrorRow(err error) (int, bool) {
	var re *RowError
	if errors.As(err, &re) {
		return re.Row, true
	}
	return 0, false
}
