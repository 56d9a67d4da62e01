"""Runs one competition metric file in MLE-Dojo's class style for Dojo's python metric plugin.

Usage: harness.py REQUEST.json. The request names the metric file, the class (or none: the one
CompetitionMetrics subclass the file defines), keyword arguments for its constructor, the answers
and submission CSV files, the mode ("validate" or "score") and where to write the result.

The steps are MLE-Dojo's: both files are read with pandas.read_csv; validate_submission(submission,
ground_truth) runs first, and any exception it raises means the submission is invalid; then
evaluate(ground_truth, submission) on the same DataFrames, where InvalidSubmissionError still means an
invalid submission and any other exception an evaluation error. The result is one JSON object:
{"status": "ok", "score", "higher_is_better", "rows", "message"} or {"status": <kind>, "message", "traceback"}
with kind one of invalid_submission, evaluation, ground_truth, metric, bad_class.
"""
import importlib.util
import inspect
import json
import math
import os
import sys
import traceback


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)

    def finish(status, message="", tb="", **extra):
        with open(req["result"], "w", encoding="utf-8") as out:
            json.dump({"status": status, "message": message, "traceback": tb, **extra}, out)
        sys.exit(0)

    def failed(status, what):
        exc = sys.exc_info()[1]
        finish(status, f"{what}: {type(exc).__name__}: {exc}", traceback.format_exc())

    try:
        import pandas as pd
        from mledojo.metrics.base import CompetitionMetrics, InvalidSubmissionError
    except Exception:
        failed("metric", "cannot import pandas or the mledojo shim")

    path = req["file"]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        spec = importlib.util.spec_from_file_location("dojo_competition_metric", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    except Exception:
        failed("metric", f"cannot load {path}")

    def defined_here(obj):
        return (inspect.isclass(obj) and issubclass(obj, CompetitionMetrics) and obj is not CompetitionMetrics
                and obj.__module__ == module.__name__)

    name = req.get("class") or ""
    if name:
        cls = getattr(module, name, None)
        if not (inspect.isclass(cls) and issubclass(cls, CompetitionMetrics)):
            found = sorted(n for n, o in vars(module).items() if defined_here(o))
            finish("bad_class", f"{path} defines no CompetitionMetrics subclass {name!r} (it defines {found or 'none'})")
    else:
        found = sorted((n for n, o in vars(module).items() if defined_here(o)))
        if len(found) != 1:
            finish("bad_class", f"{path} defines {len(found)} CompetitionMetrics subclasses ({', '.join(found) or 'none'}); "
                                "name the one to use with the class param")
        cls = getattr(module, found[0])

    try:
        metric = cls(**req.get("init_kwargs", {}))
    except Exception:
        failed("metric", f"cannot create {cls.__name__}")

    try:
        submission = pd.read_csv(req["submission"])
    except Exception:
        failed("invalid_submission", "cannot read the submission as CSV")
    try:
        ground_truth = pd.read_csv(req["answers"])
    except Exception:
        failed("ground_truth", "cannot read the answers as CSV")

    try:
        verdict = metric.validate_submission(submission, ground_truth)
    except InvalidSubmissionError as e:
        finish("invalid_submission", str(e), traceback.format_exc())
    except Exception:
        failed("invalid_submission", "submission validation failed")
    if isinstance(verdict, tuple) and verdict and verdict[0] is False:
        finish("invalid_submission", str(verdict[1]) if len(verdict) > 1 else "submission validation failed")
    message = verdict if isinstance(verdict, str) else ""
    higher = bool(getattr(metric, "higher_is_better", True))
    rows = int(len(submission))
    if req["mode"] == "validate":
        finish("ok", message, higher_is_better=higher, rows=rows)

    try:
        score = metric.evaluate(ground_truth, submission)
    except InvalidSubmissionError as e:
        finish("invalid_submission", str(e), traceback.format_exc())
    except Exception:
        failed("evaluation", "the metric failed")
    try:
        score = float(score)
    except Exception:
        failed("evaluation", f"evaluate returned {score!r}, not a number")
    if not math.isfinite(score):
        finish("evaluation", f"evaluate returned {score}, not a finite number")
    finish("ok", message, score=score, higher_is_better=higher, rows=rows)


if __name__ == "__main__":
    main()
