package score

import (
	"fmt"
	"math"

	"github.com/mledojo/dojo/core"
)

// GroupLogMAE returns the mean over groups of log(max(MAE of the group, floor)): the CHAMPS scalar
// coupling metric, where a group is a coupling type. groups[i] is row i's group, from 0 to
// nGroups-1; groups without rows are left out of the mean, as a group-by leaves them out. floor must
// be positive, since log(0) is -∞.
func GroupLogMAE(yTrue, yPred []float64, groups []int, nGroups int, floor float64) (float64, error) {
	if err := checkRegression(yTrue, yPred); err != nil {
		return 0, err
	}
	if len(groups) != len(yTrue) {
		return 0, core.Errorf(core.TypeInvalidArgument, "ground truth has %d rows but groups have %d", len(yTrue), len(groups))
	}
	if !(floor > 0) || !finite(floor) {
		return 0, core.Errorf(core.TypeInvalidArgument, "the MAE floor must be positive and finite, got %v", floor)
	}
	for i, g := range groups {
		if g < 0 || g >= nGroups {
			return 0, rowErrorf(core.TypeInvalidArgument, i, fmt.Sprintf("group at row %d is %d; groups run from 0 to %d", i, g, nGroups-1))
		}
	}
	sums := make([]compensatedSum, nGroups)
	counts := make([]int, nGroups)
	yPred = yPred[:len(yTrue)]
	groups = groups[:len(yTrue)]
	for i, y := range yTrue {
		g := groups[i]
		sums[g].add(math.Abs(y - yPred[i]))
		counts[g]++
	}
	var s compensatedSum
	used := 0
	for g, c := range counts {
		if c == 0 {
			continue
		}
		s.add(math.Log(max(sums[g].value()/float64(c), floor)))
		used++
	}
	return finiteScore("group log-MAE", s.value()/float64(used))
}
