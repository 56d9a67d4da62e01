package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawFixtures write, per competition, the raw files its built-in transform reads that the recipe's
// declared columns cannot describe: shaped like Kaggle's, small, and with the awkward cases the
// originals handle (quotes, short lines, \r\n, optional files, nested JSON).
var rawFixtures = map[string]func(t *testing.T, r *Recipe, dir string){
	"AI4Code":                                         ai4codeFixture,
	"conways-reverse-game-of-life-2020":               lifeFixture,
	"alaska2-image-steganalysis":                      alaskaFixture,
	"billion-word-imputation":                         billionWordFixture,
	"draper-satellite-image-chronology":               draperFixture,
	"mlsp-2013-birds":                                 mlspFixture,
	"nomad2018-predict-transparent-conductors":        nomadFixture,
	"random-acts-of-pizza":                            pizzaFixture,
	"the-icml-2013-whale-challenge-right-whale-redux": whaleFixture,
}

func writeRaw(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ai4codeFixture gives every notebook of the synthetic train_ancestors.csv an order of three cells
// and a JSON file listing them in another order.
func ai4codeFixture(t *testing.T, r *Recipe, dir string) {
	var orders strings.Builder
	orders.WriteString("id,cell_order\n")
	for _, row := range readAll(t, filepath.Join(dir, "train_ancestors.csv"))[1:] {
		id := row[0]
		fmt.Fprintf(&orders, "%s,%[1]s_c %[1]s_a %[1]s_b\n", id)
		writeRaw(t, dir, "train/"+id+".json", fmt.Sprintf(
			`{"cell_type": {"%[1]s_a": "code", "%[1]s_b": "code", "%[1]s_c": "markdown"}, "source": {"%[1]s_a": "x = 1", "%[1]s_b": "print(x)", "%[1]s_c": "# Title"}}`, id))
	}
	writeRaw(t, dir, "train_orders.csv", orders.String())
}

// alaskaFixture makes 40 more cover images than the split takes to test, with their three stego
// versions each.
func alaskaFixture(t *testing.T, r *Recipe, dir string) {
	for i := range r.Split.TestRows + 40 {
		name := fmt.Sprintf("%05d.jpg", i+1)
		writeRaw(t, dir, "Cover/"+name, "cover "+name)
		for _, alg := range stegoAlgorithms {
			writeRaw(t, dir, alg+"/"+name, alg+" "+name)
		}
	}
	// The generic files split made a few more covers; give them stego versions too.
	entries, _ := os.ReadDir(filepath.Join(dir, "Cover"))
	for _, e := range entries {
		for _, alg := range stegoAlgorithms {
			if _, err := os.Stat(filepath.Join(dir, alg, e.Name())); err != nil {
				writeRaw(t, dir, alg+"/"+e.Name(), alg+" "+e.Name())
			}
		}
	}
}

// billionWordFixture writes 3000 sentences of 1 to 9 words, some with quotes, tabs and \r\n ends.
func billionWordFixture(t *testing.T, r *Recipe, dir string) {
	var b strings.Builder
	for i := range 3000 {
		words := []string{"The"}
		for j := range i % 9 {
			words = append(words, fmt.Sprintf("w%d_%d", i, j))
		}
		if i%7 == 0 {
			words = append(words, `"quoted"`)
		}
		words = append(words, ".")
		b.WriteString(strings.Join(words, " "))
		switch i % 11 {
		case 3:
			b.WriteString("\r\n")
		case 5:
			b.WriteString(" \t\n")
		default:
			b.WriteString("\n")
		}
	}
	writeRaw(t, dir, "train_v2.txt", b.String())
}

// draperFixture makes 12 sets of five .tif and five .jpeg images, flat as train.zip unpacks.
func draperFixture(t *testing.T, r *Recipe, dir string) {
	for s := range 12 {
		for k := 1; k <= 5; k++ {
			writeRaw(t, dir, fmt.Sprintf("train/set%d_%d.tif", s+10, k), fmt.Sprintf("tif %d %d", s, k))
			writeRaw(t, dir, fmt.Sprintf("train_sm/set%d_%d.jpeg", s+10, k), fmt.Sprintf("jpeg %d %d", s, k))
		}
	}
}

// mlspFixture writes the contest dataset's essential and supplemental files for 40 recordings, 30
// of them Kaggle's train fold (0), some with no label, one with no segmentation example.
func mlspFixture(t *testing.T, r *Recipe, dir string) {
	base := "mlsp_contest_dataset/"
	var folds, names, labels, hist, feats, rects strings.Builder
	folds.WriteString("rec_id,fold\n")
	names.WriteString("rec_id,filename\n")
	labels.WriteString("rec_id,[labels]\n")
	hist.WriteString("rec_id,[histogram of segment features]\n")
	feats.WriteString("rec_id,segment_id,[feature vector]\n")
	rects.WriteString("rec_id,[histogram of segment features]\n")
	for i := range 40 {
		fold := 0
		if i%4 == 3 {
			fold = 1
		}
		name := fmt.Sprintf("PC%d_2009%04d_%d", i%5+1, i, 100+i)
		fmt.Fprintf(&folds, "%d,%d\n", i, fold)
		fmt.Fprintf(&names, "%d,%s\n", i, name)
		switch {
		case fold == 1:
			fmt.Fprintf(&labels, "%d,?\n", i)
		case i%5 == 0:
			fmt.Fprintf(&labels, "%d\n", i)
		default:
			fmt.Fprintf(&labels, "%d,%d,%d\n", i, i%19, (i*7)%19)
		}
		fmt.Fprintf(&hist, "%d,0.1,0.0,0.3\n", i)
		fmt.Fprintf(&feats, "%d,0,0.5,0.25\r\n%d,1,0.5,0.75\r\n", i, i)
		fmt.Fprintf(&rects, "%d,0,10,20,30,40,\n", i)
		writeRaw(t, dir, base+"essential_data/src_wavs/"+name+".wav", "wav "+name)
		for _, d := range []string{"filtered_spectrograms", "segmentation_examples", "spectrograms", "supervised_segmentation"} {
			if d == "segmentation_examples" && i%3 == 0 {
				continue
			}
			writeRaw(t, dir, base+"supplemental_data/"+d+"/"+name+".bmp", d+" "+name)
		}
	}
	writeRaw(t, dir, base+"essential_data/CVfolds_2.txt", folds.String())
	writeRaw(t, dir, base+"essential_data/rec_id2filename.txt", names.String())
	writeRaw(t, dir, base+"essential_data/rec_labels_test_hidden.txt", labels.String())
	writeRaw(t, dir, base+"essential_data/species_list.txt", "class_id,code,species\n0,BRCR,Brown Creeper\n")
	writeRaw(t, dir, base+"supplemental_data/histogram_of_segments.txt", hist.String())
	writeRaw(t, dir, base+"supplemental_data/segment_features.txt", feats.String())
	writeRaw(t, dir, base+"supplemental_data/segment_rectangles.txt", rects.String())
	writeRaw(t, dir, base+"supplemental_data/segment_clusters.bmp", "clusters")
	writeRaw(t, dir, base+"supplemental_data/segment_mosaic.bmp", "mosaic")
}

// nomadFixture gives each id of the synthetic train.csv a geometry file, as train.zip unpacks.
func nomadFixture(t *testing.T, r *Recipe, dir string) {
	for _, row := range readAll(t, filepath.Join(dir, "train.csv"))[1:] {
		writeRaw(t, dir, "train/"+row[0]+"/geometry.xyz", "lattice_vector 1 0 0 # id "+row[0]+"\n")
	}
}

// pizzaFixture writes 80 train requests and 30 test requests (fewer fields), with floats, nested
// lists, non-ASCII text and escapes.
func pizzaFixture(t *testing.T, r *Recipe, dir string) {
	var train, test []string
	for i := range 80 {
		train = append(train, fmt.Sprintf(`{"giver_username_if_known": "N/A", "request_id": "t3_%04d", "request_text": "pizza \"please\" \u00e9\n\ud83c\udf55 %d", "requester_received_pizza": %t, "requester_subreddits_at_request": ["AskReddit", "pizza"], "requester_upvotes_minus_downvotes_at_request": %d, "unix_timestamp_of_request": %d.0, "ratio": %g, "tiny": 1e-07, "small": 0.00001, "smallish": 0.0001, "big": 1e16, "bigish": 1234567890123456.0, "neg": -2.50, "empty": [], "nested": {"a": [1, {"b": null}], "c": {}}, "post_was_edited": false}`,
			i, i, i%3 == 0, i-40, 1317852607+i*1000, float64(i)/8))
	}
	for i := range 30 {
		test = append(test, fmt.Sprintf(`{"request_id": "t3_x%03d", "giver_username_if_known": "N/A", "request_text": "test %d", "unix_timestamp_of_request": %d.0, "requester_subreddits_at_request": []}`, i, i, 1317852607+i))
	}
	writeRaw(t, dir, "train.json", "[\n"+strings.Join(train, ",\n")+"\n]")
	writeRaw(t, dir, "test.json", "["+strings.Join(test, ", ")+"]")
}

// whaleFixture makes clips over four days, labels in their names, out of name order on disk.
func whaleFixture(t *testing.T, r *Recipe, dir string) {
	for d, day := range []string{"20090330", "20090328", "20090329", "20090331"} {
		for i := range 6 {
			n := d*6 + i
			writeRaw(t, dir, fmt.Sprintf("train2/%s_%06d_%d_TRAIN%d_%d.aif", day, 10000+i*37, 600+i, n, (n*5)%3%2), fmt.Sprintf("clip %d", n))
		}
	}
}
