package detection

// VOCMatching says which true box a prediction is checked against in PASCAL VOC evaluation.
type VOCMatching uint8

const (
	// BestAnyTruth checks the true box of highest IoU in the image, matched or not; when that box
	// is already taken the prediction is a false positive (the VOC development kit; SIIM).
	BestAnyTruth VOCMatching = iota
	// BestUnmatchedTruth checks the not-yet-matched true box of highest IoU, so a prediction can
	// fall through to a second box (VinBigData).
	BestUnmatchedTruth
)

// Scored is one prediction of a class, pooled over images.
type Scored struct {
	Image      int
	Confidence float64
	Box        Box
}

// AveragePrecision returns one class's PASCAL VOC (2010 and later) average precision: predictions
// pooled over images are taken in descending confidence (stable on ties, so pass them in image
// order), each is a true positive when it claims a true box of its image with IoU at or above
// threshold, and AP is the area under the precision envelope over every recall step. truth[i]
// holds image i's true boxes; nTruth must be their total and positive.
//
// Precision is TP / (TP + FP + eps); eps is 0 in the VOC definition, and MLE-Dojo's originals add
// 1e-6 to guard a division that cannot be zero.
func AveragePrecision(truth [][]Box, nTruth int, preds []Scored, threshold float64, how VOCMatching, eps float64) float64 {
	conf := make([]float64, len(preds))
	for i, p := range preds {
		conf[i] = p.Confidence
	}
	order := SortByConfidence(conf)
	used := make([][]bool, len(truth))
	for i, boxes := range truth {
		used[i] = make([]bool, len(boxes))
	}
	// recall and precision after each prediction, with VOC's sentinels around them.
	mrec := make([]float64, 0, len(preds)+2)
	mpre := make([]float64, 0, len(preds)+2)
	mrec = append(mrec, 0)
	mpre = append(mpre, 0)
	tp, fp := 0.0, 0.0
	for _, k := range order {
		p := preds[k]
		best, bestIoU := -1, 0.0
		if p.Image >= 0 && p.Image < len(truth) {
			for j, b := range truth[p.Image] {
				if how == BestUnmatchedTruth && used[p.Image][j] {
					continue
				}
				if v := IoU(p.Box, b); v > bestIoU {
					best, bestIoU = j, v
				}
			}
		}
		if best >= 0 && bestIoU >= threshold && !used[p.Image][best] {
			used[p.Image][best] = true
			tp++
		} else {
			fp++
		}
		mrec = append(mrec, tp/float64(nTruth))
		mpre = append(mpre, tp/(tp+fp+eps))
	}
	mrec = append(mrec, 1)
	mpre = append(mpre, 0)
	for i := len(mpre) - 1; i > 0; i-- {
		mpre[i-1] = max(mpre[i-1], mpre[i])
	}
	ap := 0.0
	for i := 0; i+1 < len(mrec); i++ {
		if mrec[i+1] != mrec[i] {
			ap += (mrec[i+1] - mrec[i]) * mpre[i+1]
		}
	}
	return ap
}
