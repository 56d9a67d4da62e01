package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is the benchmark report: a title, an introduction, then sections of prose and tables,
// rendered as markdown.
type Report struct {
	Title    string
	Intro    []string
	Sections []*Section
}

// Section is one numbered part of the report.
type Section struct {
	Heading string
	Notes   []string // paragraphs before the tables
	Tables  []*Table
	Footer  []string // paragraphs after the tables
	// Code is a preformatted block after the tables (a profile), if any, under CodeCaption.
	Code, CodeCaption string
}

// Table is a markdown table. Cells carry their units ("12.3 ms"), so a reader never guesses.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Note appends a paragraph to the section.
func (s *Section) Note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

// NewTable appends an empty table to the section and returns it.
func (s *Section) NewTable(caption string, header ...string) *Table {
	t := &Table{Caption: caption, Header: header}
	s.Tables = append(s.Tables, t)
	return t
}

// Write renders the report as markdown.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	for _, p := range r.Intro {
		fmt.Fprintf(&b, "%s\n\n", p)
	}
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "## %s\n\n", s.Heading)
		for _, p := range s.Notes {
			fmt.Fprintf(&b, "%s\n\n", p)
		}
		for _, t := range s.Tables {
			t.write(&b)
		}
		if s.CodeCaption != "" {
			fmt.Fprintf(&b, "%s\n\n", s.CodeCaption)
		}
		if s.Code != "" {
			fmt.Fprintf(&b, "```text\n%s\n```\n\n", strings.TrimRight(s.Code, "\n"))
		}
		for _, p := range s.Footer {
			fmt.Fprintf(&b, "%s\n\n", p)
		}
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

// write renders the table with padded columns, so it reads as a table on a terminal too.
func (t *Table) write(b *strings.Builder) {
	if t.Caption != "" {
		fmt.Fprintf(b, "%s\n\n", t.Caption)
	}
	width := make([]int, len(t.Header))
	for i, h := range t.Header {
		width[i] = max(3, utf8.RuneCountInString(h))
	}
	for _, row := range t.Rows {
		for i, c := range row {
			if i < len(width) {
				width[i] = max(width[i], utf8.RuneCountInString(escapeCell(c)))
			}
		}
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i := range width {
			c := ""
			if i < len(cells) {
				c = escapeCell(cells[i])
			}
			fmt.Fprintf(b, " %s%s |", c, strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
		}
		b.WriteString("\n")
	}
	line(t.Header)
	b.WriteString("|")
	for _, w := range width {
		fmt.Fprintf(b, "%s|", strings.Repeat("-", w+2))
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		line(row)
	}
	b.WriteString("\n")
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// verdict renders a target check.
func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "**MISS**"
}

// Durations is a sample of timings.
type Durations []time.Duration

// Quantile returns the q-quantile (0 ≤ q ≤ 1), interpolating between the two nearest samples.
func (d Durations) Quantile(q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	frac := pos - float64(lo)
	return s[lo] + time.Duration(frac*float64(s[hi]-s[lo]))
}

// Median is the 0.5-quantile.
func (d Durations) Median() time.Duration { return d.Quantile(0.5) }

// Max is the largest sample.
func (d Durations) Max() time.Duration {
	if len(d) == 0 {
		return 0
	}
	return slices.Max(d)
}

// ms renders a duration in the unit that suits its size.
func ms(d time.Duration) string {
	if d < 0 {
		return "−" + ms(-d)
	}
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// mib renders a size given in KiB (as rusage and /proc report it).
func mib(kib int64) string {
	if kib <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}

// thousands writes n with thin separators: 1000000 → 1,000,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
