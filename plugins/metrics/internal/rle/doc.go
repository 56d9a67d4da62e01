// Package rle reads and writes Kaggle's run-length encoded masks and measures the overlap of the
// pixel sets they describe run by run, without drawing the image, so a 50-megapixel mask costs what
// its runs cost.
//
// Start with Decode (a string to a Mask) and Intersection; Encode writes a Mask back.
package rle
