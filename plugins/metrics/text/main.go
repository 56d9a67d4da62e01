// Command text is the metric plugin for text families: Levenshtein edit distance (over characters,
// white-space tokens or integer tokens; a mean per row or normalised by the truth's total length)
// and word-level Jaccard similarity (tweet-sentiment-extraction, chaii).
package main

import (
	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/sdk"
)

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Metric("levenshtein", sdk.MetricFunc(levenshtein), sdk.Direction(core.LowerIsBetter),
			sdk.Describe("Levenshtein edit distance per row: the mean, or the sum over the truth's total length"),
			sdk.Schema(schema(
				`"tokens": {"enum": ["characters", "whitespace", "space_separated_ints"], "default": "characters"}`,
				`"normalize": {"enum": ["none", "total_truth_length"], "default": "none"}`))),
		sdk.Metric("jaccard", sdk.MetricFunc(jaccard), sdk.Direction(core.HigherIsBetter),
			sdk.Describe("mean word-level Jaccard similarity of set(text.lower().split())"),
			sdk.Schema(schema(
				`"tokenize": {"enum": ["lower_whitespace", "lowercase_whitespace", "whitespace"], "default": "lower_whitespace"}`,
				`"empty_empty": {"type": "number", "default": 1, "description": "a row's score when both texts have no word"}`))),
	}})
}
