package core

import (
	"fmt"
	"strings"
)

// Direction says which way a metric improves.
type Direction string

// Metric directions.
const (
	HigherIsBetter Direction = "maximize"
	LowerIsBetter  Direction = "minimize"
)

// ParseDirection accepts "maximize"/"higher"/"max" and "minimize"/"lower"/"min" (any case).
func ParseDirection(s string) (Direction, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "maximize", "higher", "max", "higher_is_better":
		return HigherIsBetter, nil
	case "minimize", "lower", "min", "lower_is_better":
		return LowerIsBetter, nil
	}
	return "", Errorf(TypeInvalidArgument, "unknown metric direction %q", s).
		WithCauses(`use "maximize" (higher is better) or "minimize" (lower is better)`)
}

// Better reports whether score a is strictly better than b in direction d.
func (d Direction) Better(a, b float64) bool {
	if d == LowerIsBetter {
		return a < b
	}
	return a > b
}

// AtLeastAsGood reports whether score a ties or beats b in direction d.
func (d Direction) AtLeastAsGood(a, b float64) bool {
	if d == LowerIsBetter {
		return a <= b
	}
	return a >= b
}

// Domain is the kind of data a competition is about.
type Domain string

// Domains used by the registry.
const (
	DomainTabular    Domain = "tabular"
	DomainVision     Domain = "vision"
	DomainNLP        Domain = "nlp"
	DomainTimeSeries Domain = "time_series"
	DomainAudio      Domain = "audio"
	DomainOther      Domain = "other"
)

// MetricRef binds a competition to a metric component and the params that specialise it
// (id column, target columns, averaging, clipping, k, ...).
type MetricRef struct {
	Name   string `json:"name" yaml:"name"`
	Params Params `json:"params,omitempty" yaml:"params,omitempty"`
}

// Leaderboard is one board of human (or reference) scores, in the order published.
type Leaderboard struct {
	// Name is "public" or "private".
	Name string `json:"name"`
	// Scores holds one score per team. Order is not relied on: HumanRank sorts by direction.
	Scores []float64 `json:"scores"`
	// Reference is true when the board comes from reference solutions rather than human teams.
	Reference bool `json:"reference,omitempty"`
}

// Competition is everything the host needs to run and score one task. Paths are on the host's disk.
type Competition struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Domain      Domain    `json:"domain,omitempty"`
	TaskType    string    `json:"task_type,omitempty"`
	Description string    `json:"description,omitempty"`
	Metric      MetricRef `json:"metric"`
	Direction   Direction `json:"direction"`
	// PublicDir is what the agent's code sees (read-only); AnswersPath is host-only.
	PublicDir   string        `json:"public_dir,omitempty"`
	AnswersPath string        `json:"answers_path,omitempty"`
	Boards      []Leaderboard `json:"boards,omitempty"`
	// Source names the task loader that produced this competition (native, mledojo, mlebench, ...).
	Source string `json:"source,omitempty"`
}

// Validate checks the fields every consumer relies on.
func (c *Competition) Validate() error {
	var missing []string
	if c.ID == "" {
		missing = append(missing, "id")
	}
	if c.Metric.Name == "" {
		missing = append(missing, "metric.name")
	}
	if len(missing) > 0 {
		return Errorf(TypeCompetitionData, "competition %q is missing %s", c.ID, strings.Join(missing, ", "))
	}
	if c.Direction != HigherIsBetter && c.Direction != LowerIsBetter {
		return Errorf(TypeCompetitionData, "competition %q has direction %q", c.ID, c.Direction).
			WithCauses(fmt.Sprintf("set direction to %q or %q", HigherIsBetter, LowerIsBetter))
	}
	return nil
}
