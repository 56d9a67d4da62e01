// Command python is the metric plugin that runs a competition's own metric file, written in the
// original MLE-Dojo's class style (a CompetitionMetrics subclass with evaluate and
// validate_submission), with Debian's Python, without network access and under a time limit. A tiny
// shim of mledojo.metrics.base lets those files import unchanged.
//
// Start with metric.go; harness.py is the Python side.
package main

import "github.com/mledojo/dojo/sdk"

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Logger: logger, Components: []sdk.Component{
		sdk.Metric("python", pythonMetric{}, sdk.Meta("direction_from", "the metric class's higher_is_better, reported as the extra higher_is_better"),
			sdk.Describe("a competition's own Python metric class (MLE-Dojo style), run offline with a time limit"),
			sdk.Schema(`{"type": "object", "required": ["file"], "properties": {`+
				`"file": {"type": "string", "description": "path of the metric file (relative paths from the working directory)"}, `+
				`"class": {"type": "string", "description": "the CompetitionMetrics subclass; default: the one the file defines"}, `+
				`"init_kwargs": {"type": "object", "description": "keyword arguments for the class's constructor (or a JSON object as a string)"}, `+
				`"timeout_s": {"type": "number", "default": 600}, `+
				`"python": {"type": "string", "default": "/usr/bin/python3"}, `+
				`"require_network_isolation": {"type": "boolean", "default": false, "description": "fail rather than run with network access when a network namespace cannot be made"}}}`)),
	}})
}
