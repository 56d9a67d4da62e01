package core

import "math"

// tally sums games by pair: points[i*n+j] is what i scored against j, games[i*n+j] how often they met.
type tally struct {
	n      int
	points []float64
	games  []float64
}

func newTally(n int) *tally {
	return &tally{n: n, points: make([]float64, n*n), games: make([]float64, n*n)}
}

func (t *tally) add(gs []game) {
	for _, g := range gs {
		t.points[g.a*t.n+g.b] += g.points
		t.points[g.b*t.n+g.a] += 1 - g.points
		t.games[g.a*t.n+g.b]++
		t.games[g.b*t.n+g.a]++
	}
}

// fordConnected reports whether the maximum-likelihood ratings exist and are unique up to a shift: the
// graph with an edge i→j whenever i scored against j must be strongly connected (Ford 1957). Otherwise
// some group beat everyone outside it and its ratings run off to infinity.
func (t *tally) fordConnected() bool {
	if t.n <= 1 {
		return true
	}
	reach := func(forward bool) int {
		seen := make([]bool, t.n)
		seen[0] = true
		stack, count := []int{0}, 1
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j := range t.n {
				p := t.points[i*t.n+j]
				if !forward {
					p = t.points[j*t.n+i]
				}
				if p > 0 && !seen[j] {
					seen[j] = true
					count++
					stack = append(stack, j)
				}
			}
		}
		return count
	}
	return reach(true) == t.n && reach(false) == t.n
}

// fitBradleyTerry maximises the Bradley–Terry likelihood, P(i beats j) = σ(β_i − β_j), plus prior virtual
// draws of each agent against a reference at β = 0, by Newton's method with step halving (the
// log-likelihood is concave, so this converges from β = 0). It returns Elo ratings shifted to mean
// EloBase. With prior = 0 the caller must have checked fordConnected.
func fitBradleyTerry(t *tally, prior float64) ([]float64, bool) {
	n := t.n
	beta := make([]float64, n)
	grad := make([]float64, n)
	hess := make([]float64, n*n)
	cand := make([]float64, n)
	ll := t.logLikelihood(beta, prior)
	converged := n <= 1
	for iter := 0; iter < 100 && !converged; iter++ {
		clear(hess)
		for i := range n {
			s := sigmoid(beta[i])
			grad[i] = prior * (0.5 - s)
			hess[i*n+i] = prior * s * (1 - s)
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				g := t.games[i*n+j]
				if g == 0 {
					continue
				}
				p := sigmoid(beta[i] - beta[j])
				grad[i] += t.points[i*n+j] - g*p
				grad[j] += t.points[j*n+i] - g*(1-p)
				v := g * p * (1 - p)
				hess[i*n+i] += v
				hess[j*n+j] += v
				hess[i*n+j] -= v
				hess[j*n+i] -= v
			}
		}
		if prior == 0 {
			// Without a prior the likelihood is flat along a common shift of every β. Adding 11ᵀ/n makes
			// the system solvable without changing the step: the gradient sums to zero, so the solution
			// sums to zero too and also solves the unmodified system.
			for k := range hess {
				hess[k] += 1 / float64(n)
			}
		}
		step, ok := solveSPD(hess, grad, n)
		if !ok {
			return nil, false
		}
		scale := 1.0
		for {
			for i := range n {
				cand[i] = beta[i] + scale*step[i]
			}
			next := t.logLikelihood(cand, prior)
			if next >= ll-1e-12*(1+math.Abs(ll)) || scale < 1e-12 {
				ll = next
				break
			}
			scale /= 2
		}
		moved := 0.0
		for i := range n {
			moved = max(moved, math.Abs(cand[i]-beta[i]))
		}
		copy(beta, cand)
		converged = moved < 1e-12
	}
	if !converged {
		return nil, false
	}
	mean := 0.0
	for _, b := range beta {
		mean += b
	}
	mean /= float64(n)
	ratings := make([]float64, n)
	for i, b := range beta {
		ratings[i] = EloBase + (b-mean)*EloScale/math.Ln10
	}
	return ratings, true
}

func (t *tally) logLikelihood(beta []float64, prior float64) float64 {
	n := t.n
	ll := 0.0
	for i := range n {
		ll += prior * 0.5 * (logSigmoid(beta[i]) + logSigmoid(-beta[i]))
		for j := range n {
			if w := t.points[i*n+j]; w > 0 {
				ll += w * logSigmoid(beta[i]-beta[j])
			}
		}
	}
	return ll
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// logSigmoid is log σ(x) without overflow for large |x|.
func logSigmoid(x float64) float64 {
	if x >= 0 {
		return -math.Log1p(math.Exp(-x))
	}
	return x - math.Log1p(math.Exp(x))
}

// solveSPD solves a·x = b for a symmetric positive definite n×n matrix by Cholesky factorisation,
// reporting false when a is not positive definite.
func solveSPD(a, b []float64, n int) ([]float64, bool) {
	l := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if s <= 0 {
					return nil, false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	x := make([]float64, n)
	for i := range n { // forward: L·y = b
		s := b[i]
		for k := range i {
			s -= l[i*n+k] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- { // backward: Lᵀ·x = y
		s := x[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	return x, true
}
