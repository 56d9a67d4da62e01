package baseline

import (
	"strconv"
	"strings"
)

// ladder is the order in which the agent tries models: a fast linear one first (it validates the
// data handling), then gradient boosting, usually stronger on tabular data.
var ladder = []string{"linear", "boosting"}

// pipeline returns the Python the agent runs for one model. The script works out the task from the
// files at run time — the id and target columns from the sample submission, features shared by train
// and test, classification or regression from the metric and the target — so one template serves any
// tabular competition.
func pipeline(t task, model string) string {
	r := strings.NewReplacer("{{METRIC}}", strconv.Quote(t.Metric), "{{MODEL}}", strconv.Quote(model),
		"{{OUT}}", strconv.Quote(t.SubmissionFile))
	return r.Replace(pipelineTemplate)
}

const pipelineTemplate = `import glob, os, sys, warnings
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
DATA, METRIC, MODEL, OUT = "/data", {{METRIC}}, {{MODEL}}, {{OUT}}
CLASSIFICATION_METRICS = {"accuracy", "f1", "roc_auc", "log_loss", "mcc", "qwk", "macro_recall",
                          "balanced_log_loss", "top1_error", "fbeta", "map_at_k", "exact_match"}
PROBABILITY_METRICS = {"roc_auc", "log_loss", "balanced_log_loss"}


def first(patterns):
    for p in patterns:
        hits = sorted(glob.glob(os.path.join(DATA, "**", p), recursive=True))
        if hits:
            return hits[0]
    return None


sample_path = first(["sample_submission*.csv", "*submission*.csv"])
train_path = first(["train.csv", "train*.csv", "*train*.csv"])
test_path = first(["test.csv", "test*.csv", "*test*.csv"])
if not (sample_path and train_path and test_path):
    sys.exit(f"need train, test and sample submission CSVs under {DATA}; found {sample_path}, {train_path}, {test_path}")
sample, train, test = pd.read_csv(sample_path), pd.read_csv(train_path), pd.read_csv(test_path)
id_col, targets = sample.columns[0], list(sample.columns[1:])
print(f"train {train.shape}, test {test.shape}, id {id_col!r}, targets {targets}, metric {METRIC}, model {MODEL}")

if all(t in train.columns for t in targets):
    label_cols, class_columns = targets, None
else:
    # One probability column per class: the label is the train column the test lacks.
    extra = [c for c in train.columns if c not in test.columns and c != id_col]
    if len(extra) != 1:
        sys.exit(f"cannot find the label column: train has {extra} beyond test's columns")
    label_cols, class_columns = extra, targets

skip = set([id_col] + label_cols)
features = [c for c in train.columns if c in test.columns and c not in skip]
if not features:
    # A forecasting task: the id is the time. Use a trend and the month (or day of week) as features.
    def when(frame):
        return pd.to_datetime(frame[id_col].astype(str), errors="coerce")
    t_train, t_test = when(train), when(test)
    if t_train.isna().any() or t_test.isna().any():
        sys.exit(f"no features: train and test share no columns besides {id_col!r}, and it is not a date")
    for frame, t in ((train, t_train), (test, t_test)):
        frame["_trend"] = (t - t_train.min()).dt.days.astype(float)
        frame["_season"] = (t.dt.month if t_train.dt.month.nunique() > 1 else t.dt.dayofweek).astype(str)
    features = ["_trend", "_season"]
numeric = [c for c in features if pd.api.types.is_numeric_dtype(train[c])]
categorical = [c for c in features if c not in numeric and train[c].nunique() <= 50]
# Free text: many distinct values and long on average. It gets TF-IDF and a linear model.
text = [c for c in features if c not in numeric and c not in categorical
        and train[c].astype(str).str.len().mean() > 20]
print(f"{len(numeric)} numeric, {len(categorical)} categorical and {len(text)} text features")


def make_model(classify):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder
    parts = [(make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
             (make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categorical)]
    parts += [(TfidfVectorizer(max_features=50000, ngram_range=(1, 2), sublinear_tf=True), c) for c in text]
    for c in text:
        for frame in (train, test):
            frame[c] = frame[c].fillna("").astype(str)
    pre = make_column_transformer(*parts)
    if text:
        # Boosting on tens of thousands of sparse columns is slow and rarely better: the second model
        # is a less regularised linear one.
        from sklearn.linear_model import LogisticRegression, Ridge
        strength = 1.0 if MODEL == "linear" else 4.0
        est = LogisticRegression(max_iter=2000, C=strength) if classify else Ridge(alpha=1 / strength)
        return make_pipeline(pre, est)
    if MODEL == "linear":
        from sklearn.linear_model import LogisticRegression, Ridge
        est = LogisticRegression(max_iter=2000) if classify else Ridge()
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
        pre.sparse_threshold = 0
        est = HistGradientBoostingClassifier(random_state=0) if classify else HistGradientBoostingRegressor(random_state=0)
    return make_pipeline(pre, est)


out = pd.DataFrame({id_col: test[id_col] if id_col in test.columns else sample[id_col]})
for col in label_cols:
    y = train[col]
    classify = class_columns is not None or METRIC in CLASSIFICATION_METRICS or not pd.api.types.is_float_dtype(y) and y.nunique() <= 20 and METRIC not in {"rmse", "mse", "mae", "r2", "rmsle"}
    model = make_model(classify).fit(train[features], y)
    if class_columns is not None:
        proba = model.predict_proba(test[features])
        names = [str(c) for c in model.classes_]
        for c in class_columns:
            out[c] = proba[:, names.index(str(c))] if str(c) in names else 0.0
    elif classify and METRIC in PROBABILITY_METRICS:
        proba = model.predict_proba(test[features])
        out[col] = proba[:, -1] if proba.shape[1] == 2 else proba.max(axis=1)
    else:
        pred = model.predict(test[features])
        if METRIC == "rmsle":
            pred = np.clip(pred, 0, None)
        out[col] = pred
    print(f"{col}: trained on {len(train)} rows ({'classification' if classify else 'regression'})")

out.to_csv(OUT, index=False)
print(f"wrote {OUT}: {out.shape[0]} rows, columns {list(out.columns)}")
`
