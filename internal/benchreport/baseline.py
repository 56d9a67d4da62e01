"""The baseline `make bench` compares `dojo score` with: a Kaggle-style grader in pandas + scikit-learn.

usage: baseline.py METRIC ANSWERS.csv SUBMISSION.csv   (METRIC: rmse or roc_auc)

Reads both files, aligns the submission to the answers on the id column, checks every answer has
exactly one prediction, and prints {"score": ..., "rows": ...} as JSON.
"""
import json
import sys

import pandas as pd
from sklearn.metrics import mean_squared_error, roc_auc_score


def rmse(y_true, y_pred):
    try:
        return mean_squared_error(y_true, y_pred, squared=False)
    except TypeError:  # scikit-learn >= 1.6 dropped squared=; root_mean_squared_error replaces it
        from sklearn.metrics import root_mean_squared_error

        return root_mean_squared_error(y_true, y_pred)


def main():
    metric, answers_path, submission_path = sys.argv[1:4]
    answers = pd.read_csv(answers_path)
    submission = pd.read_csv(submission_path)
    if len(submission) != len(answers):
        sys.exit(f"submission has {len(submission)} rows, answers {len(answers)}")
    merged = answers.merge(submission, on="id", how="left", suffixes=("_true", "_pred"))
    if len(merged) != len(answers) or merged["target_pred"].isna().any():
        sys.exit("submission ids do not match the answers' ids one to one")
    y_true, y_pred = merged["target_true"], merged["target_pred"]
    if metric == "rmse":
        score = rmse(y_true, y_pred)
    elif metric == "roc_auc":
        score = roc_auc_score(y_true, y_pred)
    else:
        sys.exit(f"unknown metric {metric}")
    print(json.dumps({"score": float(score), "rows": len(merged)}))


if __name__ == "__main__":
    main()
