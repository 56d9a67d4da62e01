// Package score computes competition metrics on aligned in-memory columns, agreeing with
// scikit-learn 1.2 (Debian's python3-sklearn) to 1e-9 relative on a million rows. Another package
// reads and aligns the files; start with the family you need: classification.go (Accuracy, F1),
// auc.go (ROC AUC), logloss.go (log loss) or regression.go (MSE, RMSE, MAE, RMSLE, R²).
//
// Metrics scikit-learn lacks follow their competition's published definition and are tested
// against it written in numpy (testdata/formula_reference.py): percent.go (SMAPE, RMSPE), median.go,
// rmsle.go (RMSLE's treatments of negatives), weighted.go, grouped.go (group log-MAE), gini.go,
// laplace.go, divergence.go (KL) and geometry.go (angular and haversine errors). An error about one
// row wraps a *RowError, so a caller can name the row's id.
//
// Every function returns an error where scikit-learn raises (or returns NaN), never a panic: a
// *core.Error of TypeSubmissionInvalid when the predictions are at fault, TypeGroundTruth when the
// ground truth is, TypeEvaluation when the metric is undefined for this ground truth (one class only
// for ROC AUC, fewer than two rows for R²) and TypeInvalidArgument when the caller passed inconsistent
// lengths or parameters. Where a function departs from scikit-learn on purpose, its doc comment says so.
package score
