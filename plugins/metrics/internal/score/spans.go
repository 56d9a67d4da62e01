package score

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/mledojo/dojo/core"
)

// CharSpanF1 returns the character-level micro F1 of Kaggle's NBME clinical-notes competition: each
// row's value is a set of character spans "start end" (end exclusive) separated by ';', or a Python
// list literal of such strings (['0 5', '10 12;14 20'], as the competition's train.csv writes its
// locations); an empty value or [] is no span. Every row's spans become a set of character
// positions; true and false positives and false negatives are counted per character, summed over
// rows, and F1 = 2TP / (2TP + FP + FN), 1 when no row has any span.
//
// Spans are compared as merged intervals, never expanded. A span that is not two integers with
// start <= end, or a malformed list, is TypeSubmissionInvalid naming the row (TypeGroundTruth in the
// truth); the original grader skipped such spans silently.
func CharSpanF1(yTrue, yPred []string) (float64, error) {
	if err := checkRows(len(yTrue), len(yPred)); err != nil {
		return 0, err
	}
	yPred = yPred[:len(yTrue)]
	var truth, pred []interval
	var tp, fp, fn int64
	for i, t := range yTrue {
		var err error
		if truth, err = parseSpans(truth[:0], t, i, core.TypeGroundTruth); err != nil {
			return 0, err
		}
		if pred, err = parseSpans(pred[:0], yPred[i], i, core.TypeSubmissionInvalid); err != nil {
			return 0, err
		}
		common := overlap(truth, pred)
		tp += common
		fp += totalLength(pred) - common
		fn += totalLength(truth) - common
	}
	denom := 2*tp + fp + fn
	if denom == 0 {
		return 1, nil
	}
	return float64(2*tp) / float64(denom), nil
}

// parseSpans appends the spans of s to dst as sorted, merged intervals.
func parseSpans(dst []interval, s string, row int, t core.ErrorType) ([]interval, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		rest := strings.TrimSpace(s[1 : len(s)-1])
		for rest != "" {
			item, after, ok := pyString(rest)
			if !ok {
				return dst, spanError(t, row, "is not a list of quoted span strings: %q", s)
			}
			var err error
			if dst, err = appendSpans(dst, item, row, t); err != nil {
				return dst, err
			}
			rest = strings.TrimSpace(after)
			if rest == "" {
				break
			}
			if rest[0] != ',' {
				return dst, spanError(t, row, "is not a list of quoted span strings: %q", s)
			}
			rest = strings.TrimSpace(rest[1:])
		}
	} else {
		var err error
		if dst, err = appendSpans(dst, s, row, t); err != nil {
			return dst, err
		}
	}
	return mergeIntervals(dst), nil
}

// appendSpans parses "start end;start end;..." (empty parts skipped).
func appendSpans(dst []interval, s string, row int, t core.ErrorType) ([]interval, error) {
	for s != "" {
		part := s
		if i := strings.IndexByte(s, ';'); i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := cutSpace(part)
		start, err1 := strconv.ParseInt(a, 10, 64)
		end, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || start > end {
			return dst, spanError(t, row, "has the span %q; a span is two integers 'start end' with start <= end", part)
		}
		if start < end {
			dst = append(dst, interval{start, end})
		}
	}
	return dst, nil
}

// pyString reads a single- or double-quoted Python string literal at the start of s (backslash
// escapes taken literally, which is all span strings need) and returns its text and the rest of s.
func pyString(s string) (text, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	q := s[0]
	end := strings.IndexByte(s[1:], q) + 1
	if end > 0 && strings.IndexByte(s[1:end], '\\') < 0 {
		return s[1:end], s[end+1:], true // the common case, without copying
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case q:
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", s, false
}

func spanError(t core.ErrorType, row int, format string, args ...any) error {
	side := "prediction"
	if t == core.TypeGroundTruth {
		side = "ground truth"
	}
	e := core.Errorf(t, "the %s at %w "+format, append([]any{side, &RowError{row}}, args...)...)
	if t == core.TypeSubmissionInvalid {
		e = e.WithCauses("write each row's spans as 'start end' pairs separated by ';' (character offsets, end exclusive)")
	}
	return e
}

// cutSpace splits "a b" at its white space; ok is false unless there are exactly two fields.
func cutSpace(s string) (a, b string, ok bool) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, "", false
	}
	a, b = s[:i], strings.TrimSpace(s[i:])
	return a, b, b != "" && strings.IndexFunc(b, unicode.IsSpace) < 0
}

// mergeIntervals sorts xs and merges overlapping or touching intervals, in place.
func mergeIntervals(xs []interval) []interval {
	if len(xs) < 2 {
		return xs
	}
	slices.SortFunc(xs, func(a, b interval) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	out := xs[:1]
	for _, x := range xs[1:] {
		last := &out[len(out)-1]
		if x.lo <= last.hi {
			last.hi = max(last.hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}
