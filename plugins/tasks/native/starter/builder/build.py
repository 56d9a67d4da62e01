"""Build one starter-pack competition from a declarative recipe.

Run by the native task loader with Debian's /usr/bin/python3 (numpy, pandas, scikit-learn,
statsmodels from Debian packages):

    build.py RECIPE.json OUT_DIR RSCRIPT EXPORT_R

The recipe is the competition's recipe.yaml as JSON (see plugins/tasks/native/starter/recipe.go).
The builder loads the source data set, splits it with a fixed seed, writes

    public/train.csv, public/test.csv, public/sample_submission.csv
    private/answers.csv
    leaderboards/public.csv, leaderboards/private.csv, leaderboards/solutions.csv
    build.json  (row counts, classes, metric params, the reference population, package versions)

and scores a population of reference solutions (scikit-learn and statsmodels models of varying
strength) with the competition's metric on two seeded halves of the test set: the public and private
reference leaderboards. Everything is seeded and single-threaded, and every CSV is written the same
way, so two builds on the same machine give byte-identical files.

Progress goes to stderr, one line per step. Exit status 3 means a source data set is missing (the
message names the Debian package); any other failure is a bug in a recipe or here.
"""

import gzip
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd

from populations import forecasters, image_classifiers, preprocessor, tabular_classifiers, tabular_regressors, text_classifiers

warnings.filterwarnings("ignore")

EXIT_MISSING_SOURCE = 3


class MissingSource(Exception):
    """A source data set is not installed."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Sources


def package_version(pkg):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True)
    except FileNotFoundError:
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def load_sklearn(src):
    from sklearn import datasets

    loader = getattr(datasets, "load_" + src["name"], None)
    if loader is None:
        raise ValueError("scikit-learn has no bundled data set %r" % src["name"])
    b = loader(as_frame=True, **(src.get("options") or {}))
    df = b.frame.copy()
    return df


def load_statsmodels(src):
    import statsmodels.api as sm

    mod = getattr(sm.datasets, src["name"], None)
    if mod is None:
        raise ValueError("statsmodels has no data set %r" % src["name"])
    df = mod.load_pandas().data
    if src.get("index_as"):
        df = df.reset_index().rename(columns={"index": src["index_as"]})
    return df


def load_r(src, rscript, export_r):
    if not os.path.exists(rscript):
        raise MissingSource("%s is missing: install Debian package r-base-core" % rscript)
    frames = []
    objects = src.get("objects") or [src["dataset"]]
    with tempfile.TemporaryDirectory() as tmp:
        for obj in objects:
            out = os.path.join(tmp, obj + ".csv")
            p = subprocess.run(
                [rscript, "--vanilla", export_r, src["r_package"], src["dataset"], obj, out],
                capture_output=True, text=True)
            if p.returncode != 0:
                msg = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "Rscript failed"
                if "is not installed" in p.stderr or "there is no package" in p.stderr:
                    raise MissingSource("R package %s is missing: install Debian package %s (%s)"
                                        % (src["r_package"], src["package"], msg))
                raise RuntimeError("exporting R data set %s::%s failed: %s" % (src["r_package"], obj, msg))
            frames.append(pd.read_csv(out, keep_default_na=False, na_values=[""]))
    return pd.concat(frames, ignore_index=True)


def read_idx(path):
    with gzip.open(path) as f:
        b = f.read()
    (magic,) = struct.unpack(">I", b[:4])
    nd = magic & 0xFF
    dims = struct.unpack(">" + "I" * nd, b[4 : 4 + 4 * nd])
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def load_idx_images(src):
    d = src["dir"]
    parts = []
    for prefix in ("train", "t10k"):
        img = os.path.join(d, prefix + "-images-idx3-ubyte.gz")
        lab = os.path.join(d, prefix + "-labels-idx1-ubyte.gz")
        if not (os.path.exists(img) and os.path.exists(lab)):
            raise MissingSource("%s is missing: install Debian package %s" % (img, src["package"]))
        x = read_idx(img)
        x = x.reshape(x.shape[0], -1)
        y = read_idx(lab)
        part = pd.DataFrame(x, columns=["pixel%d" % i for i in range(x.shape[1])])
        part.insert(0, "label", y.astype(int))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def load_source(src, rscript, export_r):
    kind = src["kind"]
    try:
        if kind == "sklearn":
            return load_sklearn(src)
        if kind == "statsmodels":
            return load_statsmodels(src)
        if kind == "r":
            return load_r(src, rscript, export_r)
        if kind == "idx_images":
            return load_idx_images(src)
    except ImportError as e:
        raise MissingSource("%s: install Debian package %s" % (e, src["package"]))
    raise ValueError("unknown source kind %r" % kind)


# ---------------------------------------------------------------------------------------------------
# Shaping and splitting


def shape_frame(df, r):
    if r.get("select"):
        df = df[r["select"]]
    if r.get("snake_case"):
        df.columns = [re.sub(r"[^0-9a-z]+", "_", str(c).lower()).strip("_") for c in df.columns]
    df = df.rename(columns=r.get("rename") or {})
    df = df.drop(columns=r.get("drop") or [])
    target = r["target"]
    df = df[df[target].notna()].reset_index(drop=True)
    labels = r.get("labels")
    if labels:
        # YAML keys arrive as strings; match on the value's canonical text.
        def key(v):
            if isinstance(v, (float, np.floating)) and float(v).is_integer():
                return str(int(v))
            return str(v)

        mapped = df[target].map(lambda v: labels.get(key(v)))
        if mapped.isna().any():
            bad = sorted(set(df[target][mapped.isna()].map(key)))
            raise ValueError("labels has no entry for target value(s) %s" % bad)
        df[target] = mapped
    sample = r["split"].get("sample")
    if sample and sample < len(df):
        df = df.sample(n=sample, random_state=r["split"]["seed"]).reset_index(drop=True)
    return df


def split_frame(df, r):
    s = r["split"]
    if s["method"] == "time":
        n_test = s["test_size"]
        return df.iloc[:-n_test].reset_index(drop=True), df.iloc[-n_test:].reset_index(drop=True)
    from sklearn.model_selection import train_test_split

    strat = df[s["stratify"]] if s.get("stratify") else None
    train, test = train_test_split(df, test_size=s["test_fraction"], random_state=s["seed"],
                                   shuffle=True, stratify=strat)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def halves(n, seed):
    """Seeded split of test rows into the public and private halves."""
    perm = np.random.RandomState(seed + 1).permutation(n)
    cut = (n + 1) // 2
    pub = np.zeros(n, dtype=bool)
    pub[perm[:cut]] = True
    return pub


def write_csv(df, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # repr-exact floats, "\n" line ends, minimal quoting: the same bytes on every run.
    df.to_csv(path, index=False, lineterminator="\n", float_format=None, na_rep="")


def fmt_score(v):
    return float("%.12g" % v)


# ---------------------------------------------------------------------------------------------------
# Metrics: the same definitions as the Go metric plugins (plugins/metrics), via scikit-learn.


def make_metric(r, classes):
    from sklearn import metrics as M

    name = r["metric"]["name"]
    params = r["metric"].get("params") or {}
    if name == "accuracy":
        return lambda y, p: M.accuracy_score(y, p)
    if name == "f1":
        avg = params.get("average", "binary")
        pos = params.get("pos_label", "1")
        return lambda y, p: M.f1_score(y, p, average=avg, pos_label=pos if avg == "binary" else 1)
    if name == "roc_auc":
        return lambda y, p: M.roc_auc_score(y, p)
    if name == "log_loss":
        return lambda y, p: M.log_loss(y, np.clip(p, 2.220446049250313e-16, 1 - 2.220446049250313e-16), labels=classes)
    if name == "rmse":
        return lambda y, p: math.sqrt(M.mean_squared_error(y, p))
    if name == "mse":
        return lambda y, p: M.mean_squared_error(y, p)
    if name == "mae":
        return lambda y, p: M.mean_absolute_error(y, p)
    if name == "r2":
        return lambda y, p: M.r2_score(y, p)
    if name == "rmsle":
        return lambda y, p: math.sqrt(np.mean((np.log1p(np.maximum(p, 0)) - np.log1p(y)) ** 2))
    raise ValueError("no reference scorer for metric %r" % name)


# ---------------------------------------------------------------------------------------------------
# Fitting and scoring the population


def run_population(r, train, test, pub, classes):
    task = r["task"]
    target = r["target"]
    idc = r["id_column"]
    sub = r["submission"]
    score = make_metric(r, classes)
    y_test = test[target].to_numpy()
    population = r.get("population", "tabular")
    solutions = []

    if population == "forecast":
        y = train[target].to_numpy(dtype=float)
        h = len(test)
        for name, family, fc in forecasters(r["season"], bool(np.all(y > 0))):
            try:
                p = np.asarray(fc(y, h), dtype=float)
            except Exception as e:  # a model that cannot fit this series is left out, and said so
                log("  reference %s skipped: %s" % (name, e))
                continue
            if not np.all(np.isfinite(p)):
                log("  reference %s skipped: non-finite forecast" % name)
                continue
            solutions.append((name, family, p))
    else:
        X = train.drop(columns=[idc, target])
        Xt = test.drop(columns=[idc, target])
        yt = train[target]
        if population == "tabular":
            models = tabular_classifiers() if task == "classification" else tabular_regressors()
        elif population == "image":
            models = image_classifiers()
            X, Xt = X / 255.0, Xt / 255.0
        elif population == "text":
            models = text_classifiers(r["text_column"])
        else:
            raise ValueError("unknown population %r" % population)
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.pipeline import make_pipeline

        for name, family, factory in models:
            t0 = time.time()
            est = factory()
            if population == "tabular":
                est = make_pipeline(preprocessor(X), est)
            if task == "regression" and r["metric"]["name"] == "rmsle" and family != "dummy":
                est = TransformedTargetRegressor(regressor=est, func=np.log1p, inverse_func=np.expm1)
            est.fit(X, yt)
            if sub == "label" or task == "regression":
                p = est.predict(Xt)
            elif sub == "probability":
                p = est.predict_proba(Xt)[:, list(est.classes_).index(1)]
            elif sub == "class_probabilities":
                proba = est.predict_proba(Xt)
                order = [list(est.classes_).index(c) for c in classes]
                p = proba[:, order]
            if task == "regression" and r["metric"]["name"] == "rmsle":
                p = np.maximum(p, 0)
            solutions.append((name, family, p))
            log("  reference %-40s %.1fs" % (name, time.time() - t0))

    rows = []
    for name, family, p in solutions:
        try:
            s_pub = score(y_test[pub], p[pub])
            s_priv = score(y_test[~pub], p[~pub])
        except ValueError as e:
            log("  reference %s skipped: %s" % (name, e))
            continue
        if not (math.isfinite(s_pub) and math.isfinite(s_priv)):
            continue
        rows.append({"solution": name, "family": family, "public": fmt_score(s_pub), "private": fmt_score(s_priv)})
    return rows


def board(rows, key, maximize):
    scores = sorted((row[key] for row in rows), reverse=maximize)
    return pd.DataFrame({"rank": np.arange(1, len(scores) + 1), "score": scores})


# ---------------------------------------------------------------------------------------------------


def build(r, out, rscript, export_r):
    t0 = time.time()
    src = r["source"]
    log("loading %s data set %s" % (src["kind"], src.get("dataset") or src.get("name") or src.get("dir")))
    df = load_source(src, rscript, export_r)
    df = shape_frame(df, r)
    target, idc, task, sub = r["target"], r["id_column"], r["task"], r["submission"]
    train, test = split_frame(df, r)
    if r["split"]["method"] != "time":
        # Ids are assigned after the split, train first: row order says nothing about the target.
        if idc in df.columns:
            raise ValueError("source already has a column named %r" % idc)
        train.insert(0, idc, np.arange(1, len(train) + 1))
        test.insert(0, idc, np.arange(len(train) + 1, len(train) + len(test) + 1))
    else:
        cols = [idc] + [c for c in train.columns if c != idc]
        train, test = train[cols], test[cols]

    classes = None
    if task == "classification":
        classes = sorted(train[target].unique().tolist(), key=lambda v: (str(type(v)), v))
    pub = halves(len(test), r["split"]["seed"])
    log("split: %d train rows, %d test rows (%d public, %d private)" % (len(train), len(test), pub.sum(), (~pub).sum()))

    write_csv(train, os.path.join(out, "public", "train.csv"))
    write_csv(test.drop(columns=[target]), os.path.join(out, "public", "test.csv"))
    write_csv(test[[idc, target]], os.path.join(out, "private", "answers.csv"))

    # The sample submission is valid and deliberately naive: the majority class, the prior, or the
    # training mean.
    sample = pd.DataFrame({idc: test[idc]})
    if sub == "label":
        sample[target] = train[target].mode().sort_values().iloc[0]
    elif sub == "probability":
        sample[target] = round(float((train[target] == 1).mean()), 6)
    elif sub == "class_probabilities":
        for c in classes:
            sample[c] = round(float((train[target] == c).mean()), 6)
    else:
        sample[target] = round(float(train[target].mean()), 6)
    write_csv(sample, os.path.join(out, "public", "sample_submission.csv"))

    log("fitting the reference population")
    rows = run_population(r, train, test, pub, classes)
    maximize = r["direction"] == "maximize"
    write_csv(board(rows, "public", maximize), os.path.join(out, "leaderboards", "public.csv"))
    write_csv(board(rows, "private", maximize), os.path.join(out, "leaderboards", "private.csv"))
    write_csv(pd.DataFrame(rows, columns=["solution", "family", "public", "private"]),
              os.path.join(out, "leaderboards", "solutions.csv"))

    import sklearn

    versions = {"python3-sklearn": package_version("python3-sklearn"), "python3-pandas": package_version("python3-pandas"),
                "python3-numpy": package_version("python3-numpy")}
    if r.get("population") == "forecast":
        versions["python3-statsmodels"] = package_version("python3-statsmodels")
    versions[src["package"]] = package_version(src["package"])
    info = {
        "train_rows": len(train), "test_rows": len(test), "public_rows": int(pub.sum()),
        "submission_columns": list(sample.columns), "classes": [str(c) for c in classes] if classes else [],
        "solutions": len(rows), "package_versions": versions, "sklearn": sklearn.__version__,
    }
    with open(os.path.join(out, "build.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    log("built in %.1fs" % (time.time() - t0))


def main():
    if len(sys.argv) != 5:
        print("usage: build.py RECIPE.json OUT_DIR RSCRIPT EXPORT_R", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        recipe = json.load(f)
    try:
        build(recipe, sys.argv[2], sys.argv[3], sys.argv[4])
    except MissingSource as e:
        print(str(e), file=sys.stderr)
        sys.exit(EXIT_MISSING_SOURCE)


if __name__ == "__main__":
    main()
