// Package detection scores object detections: it parses prediction strings of boxes, computes IoU,
// matches predictions to true objects at IoU thresholds (per image, as the Data Science Bowl, Global
// Wheat and Airbus metrics do) and computes PASCAL VOC average precision over pooled predictions (as
// SIIM and VinBigData do). Masks enter as an IoU Matrix the caller fills, so the same matching
// serves boxes and run-length encoded masks.
//
// Start with Format.Parse (boxes.go), Matrix.Match (match.go) or AveragePrecision (voc.go).
package detection
