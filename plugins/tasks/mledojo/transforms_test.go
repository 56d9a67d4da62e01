package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTransforms_MatchTheOriginalsSplits prepares each built-in transform's synthetic raw files
// (fixtures_test.go) and checks the result against the original's procedure replayed in
// /usr/bin/python3 with the libraries it calls (numpy, pandas, scikit-learn, random, json) on the
// same raw files: the same rows on each side, in the same order, the same renames, answers and
// random draws, and for JSON the same bytes. The Python below restates each original's steps; it
// is a check, not their code.
func TestTransforms_MatchTheOriginalsSplits(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy, pandas, sklearn").Run(); err != nil {
		t.Skipf("%s with numpy, pandas and scikit-learn is not available: %v", py, err)
	}
	all, err := allRecipes()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"AI4Code", "alaska2-image-steganalysis", "billion-word-imputation",
		"draper-satellite-image-chronology", "mlsp-2013-birds", "nomad2018-predict-transparent-conductors",
		"random-acts-of-pizza", "the-icml-2013-whale-challenge-right-whale-redux"} {
		t.Run(id, func(t *testing.T) {
			rec := shrunk(all[id])
			raw, out := t.TempDir(), filepath.Join(t.TempDir(), "data")
			synthesize(t, rec, raw)
			for _, d := range []string{"public", "private"} {
				if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			r := &runner{ctx: context.Background(), id: id, r: rec, raw: raw, out: out, progress: func(string, int64, int64) {}}
			if err := r.run(); err != nil {
				t.Fatal(err)
			}
			testRows := 0
			if rec.Split != nil {
				testRows = rec.Split.TestRows
			}
			cmd := exec.Command(py, "-c", originalsCheck, id, raw, out, strconv.Itoa(testRows))
			b, err := cmd.CombinedOutput()
			if err != nil || strings.TrimSpace(string(b)) != "ok" {
				t.Fatalf("differs from the original's procedure (%v):\n%s", err, b)
			}
		})
	}
}

const originalsCheck = `
import csv, json, random, sys
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split

cid, raw, out, test_rows = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
pub, ans_path = out / "public", out / "private" / "test_answer.csv"

def rows(p):
    with open(p, newline="") as f:
        return list(csv.reader(f))[1:]

def same(a, b, what):
    if a != b:
        sys.exit(f"{what}:\n ours     {str(a)[:400]}\n original {str(b)[:400]}")

def same_bytes(a, b, what):
    same(Path(a).read_bytes(), Path(b).read_bytes(), what)

if cid == "AI4Code":
    anc = pd.read_csv(raw / "train_ancestors.csv").sample(frac=1, random_state=0).reset_index(drop=True)
    groups = {}
    for _, row in anc.iterrows():
        groups.setdefault(row["ancestor_id"], []).append(row["id"])
    test, taken = set(), 0
    for ids in groups.values():
        if taken + len(ids) <= test_rows:
            test.update(ids); taken += len(ids)
    orders = pd.read_csv(raw / "train_orders.csv")
    want = orders[orders["id"].isin(test)]
    same(rows(ans_path), want.astype(str).values.tolist(), "answers")
    sub = [[i, " ".join(json.load(open(raw / "train" / f"{i}.json"))["cell_type"].keys())] for i in want["id"]]
    same(rows(pub / "sample_submission.csv"), sub, "sample submission")
    same(sorted(p.stem for p in (pub / "test").glob("*.json")), sorted(test), "test notebooks")

elif cid == "alaska2-image-steganalysis":
    covers = sorted((raw / "Cover").glob("*.jpg"))
    train, test = train_test_split(covers, test_size=test_rows, random_state=42)
    for i, fp in enumerate(train):
        for d in ["Cover", "JMiPOD", "JUNIWARD", "UERD"]:
            same_bytes(pub / d / f"{i + 1:05d}.jpg", raw / d / fp.name, f"train image {d}/{i + 1}")
    random.seed(0)
    random.shuffle(test)
    want = []
    for i, fp in enumerate(test):
        name = f"{i + 1:04d}.jpg"
        if random.choice([True, False]):
            src, label = fp, 0
        else:
            src, label = raw / random.choice(["JMiPOD", "JUNIWARD", "UERD"]) / fp.name, 1
        same_bytes(pub / "Test" / name, src, f"test image {name}")
        want.append([name, str(label)])
    same(rows(ans_path), want, "answers")

elif cid == "billion-word-imputation":
    rng = np.random.RandomState(0)
    train, test, answers = [], [], []
    with open(raw / "train_v2.txt") as f:
        for line in f:
            if rng.uniform() <= 0.01 and len(line.strip().split()) > 2:
                words = line.strip().split()
                k = rng.randint(1, len(words) - 1)
                answers.append([str(len(test)), line.strip()])
                test.append([str(len(test)), " ".join(words[:k] + words[k + 1:])])
            else:
                train.append(line)
    same((pub / "train_v2.txt").read_text(), "".join(train), "train_v2.txt")
    same(rows(ans_path), answers, "answers")
    same(rows(pub / "test_v2.txt"), test, "test_v2.txt")
    same(rows(pub / "sample_submission.csv"), test, "sample submission")

elif cid == "draper-satellite-image-chronology":
    random.seed(42)
    ids = sorted({p.name.split("_")[0] for p in (raw / "train").glob("*.tif")})
    n_train = round(len(ids) * 0.56)
    random.shuffle(ids)
    train, test = ids[:n_train], sorted(ids[n_train:])
    for s in train:
        for k in range(1, 6):
            same_bytes(pub / "train" / f"{s}_{k}.tif", raw / "train" / f"{s}_{k}.tif", "train image")
    want = []
    for s in test:
        order = list(range(1, 6)); random.shuffle(order)
        want.append([s, " ".join(map(str, order))])
        for old, new in enumerate(order, 1):
            same_bytes(pub / "test" / f"{s}_{new}.tif", raw / "train" / f"{s}_{old}.tif", "renamed test image")
            same_bytes(pub / "test_sm" / f"{s}_{new}.jpeg", raw / "train_sm" / f"{s}_{old}.jpeg", "renamed test jpeg")
    same(rows(ans_path), want, "answers")
    sub = []
    for s in test:
        order = list(range(1, 6)); random.shuffle(order)
        sub.append([s, " ".join(map(str, order))])
    same(rows(pub / "sample_submission.csv"), sub, "sample submission")

elif cid == "mlsp-2013-birds":
    ess = raw / "mlsp_contest_dataset" / "essential_data"
    cv = pd.read_csv(ess / "CVfolds_2.txt")
    cv = cv[cv["fold"] == 0].reset_index(drop=True)
    cv.loc[cv.sample(frac=0.2, random_state=0).index, "fold"] = 1
    new = {old: i for i, old in enumerate(cv["rec_id"].values)}
    same(rows(pub / "essential_data" / "CVfolds_2.txt"), [[str(i), str(f)] for i, f in enumerate(cv["fold"])], "CVfolds_2.txt")
    test = set(cv.index[cv["fold"] == 1])
    want, public = [], ["rec_id,[labels]"]
    for line in (ess / "rec_labels_test_hidden.txt").read_text().splitlines()[1:]:
        parts = line.split(",")
        if int(parts[0]) not in new:
            continue
        rid, labels = new[int(parts[0])], ",".join(parts[1:])
        if rid in test:
            species = [int(x) for x in labels.split(",") if x != ""]
            want += [[str(rid * 100 + s), str(int(s in species))] for s in range(19)]
            labels = "?"
        public.append(f"{rid},{labels}" if labels else f"{rid}")
    same(rows(ans_path), want, "answers")
    same((pub / "essential_data" / "rec_labels_test_hidden.txt").read_text(), "\n".join(public) + "\n", "rec_labels_test_hidden.txt")
    feats = [f"{new[int(l.split(',')[0])]},{','.join(l.split(',')[1:])}"
             for l in (raw / "mlsp_contest_dataset" / "supplemental_data" / "segment_features.txt").read_text().splitlines()[1:]
             if int(l.split(",")[0]) in new]
    same((pub / "supplemental_data" / "segment_features.txt").read_text().splitlines()[1:], feats, "segment_features.txt")

elif cid == "nomad2018-predict-transparent-conductors":
    df = pd.read_csv(raw / "train.csv", dtype=str)
    train, test = train_test_split(df, test_size=0.1, random_state=0)
    for side, part in [("train", train), ("test", test)]:
        for i, old in enumerate(part["id"], 1):
            same_bytes(pub / side / str(i) / "geometry.xyz", raw / "train" / old / "geometry.xyz", f"{side} geometry {i}")
    test = test.assign(id=[str(i) for i in range(1, len(test) + 1)])
    train = train.assign(id=[str(i) for i in range(1, len(train) + 1)])
    same(rows(ans_path), test.values.tolist(), "answers")
    same(rows(pub / "train.csv"), train.values.tolist(), "train.csv")
    same(rows(pub / "test.csv"), test.drop(columns=["formation_energy_ev_natom", "bandgap_energy_ev"]).values.tolist(), "test.csv")

elif cid == "random-acts-of-pizza":
    old_train, old_test = json.load(open(raw / "train.json")), json.load(open(raw / "test.json"))
    ratio = len(old_test) / (len(old_train) + len(old_test))
    train, test = train_test_split(old_train, test_size=ratio, random_state=0)
    fields = list(old_test[0].keys())
    same((pub / "train.json").read_text(), json.dumps(train, indent=4), "train.json")
    same((pub / "test.json").read_text(), json.dumps([{k: s[k] for k in fields} for s in test], indent=4), "test.json")
    same(rows(ans_path), [[s["request_id"], str(int(s["requester_received_pizza"]))] for s in test], "answers")

elif cid == "the-icml-2013-whale-challenge-right-whale-redux":
    days = {}
    for p in (raw / "train2").iterdir():
        days.setdefault(p.name.split("_")[0], []).append(p)
    d = sorted(days)
    train, test = sorted(days[d[0]] + days[d[1]]), sorted(days[d[2]] + days[d[3]])
    import re
    for i, p in enumerate(train):
        same_bytes(pub / "train2" / re.sub(r"TRAIN\d+", f"TRAIN{i}", p.name), p, "train clip")
    want = []
    for i, p in enumerate(test):
        name = p.name.split("TRAIN")[0] + f"Test{i}.aif"
        same_bytes(pub / "test2" / name, p, "test clip")
        want.append([name, "1" if p.stem.endswith("_1") else "0"])
    same(rows(ans_path), want, "answers")

print("ok")
`
