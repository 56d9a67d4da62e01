"""Dojo scoring demo on a real dataset that ships with scikit-learn (Wisconsin breast cancer).

Splits the data with a fixed seed, keeps the test labels as the hidden answers, trains a model on the
training part, and writes a Kaggle-style submission (rows shuffled, as agents often write them). The
Makefile's demo target then scores it with `dojo score` through the classification metric plugin.
"""
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
ids = [f"patient_{i:04d}" for i in X_test.index]
pd.DataFrame({"id": ids, "target": y_test.to_numpy()}).to_csv(f"{out}/answers.csv", index=False)

model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
sub = pd.DataFrame({"id": ids, "target": model.predict_proba(X_test)[:, 1]})
sub.sample(frac=1, random_state=1).to_csv(f"{out}/submission.csv", index=False)
sub.assign(target=(sub.target > 0.5).astype(int)).to_csv(f"{out}/labels.csv", index=False)
print(f"wrote {len(sub)} predictions to {out}", file=sys.stderr)
