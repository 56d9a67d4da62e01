package score

// runFormulas computes every queued call with testdata/formula_reference.py, which holds the
// published formulas scikit-learn lacks (and falls back to sklearn.metrics for the rest).
func (b *sklearnBatch) runFormulas() { b.runScript("formula_reference.py") }
