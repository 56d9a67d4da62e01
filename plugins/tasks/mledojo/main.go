// Command mledojo is the task loader plugin for the original MLE-Dojo benchmark's 202 competitions:
// `mledojo` loads its prepared layout (<data>/<id>/data/public|private) and `mlebench` loads MLE-bench's
// (<data>/<id>/prepared/public|private). Both bind each competition to a metric family through the
// registry shipped in this directory, with the real human leaderboards. The mledojo loader also
// prepares a competition from Kaggle's raw files with its recipe (recipes/, see recipes/README.md).
package main

import (
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/sdk"
)

func main() {
	log := hclog.New(&hclog.LoggerOptions{Name: "mledojo", Output: os.Stderr, JSONFormat: true, Level: hclog.Debug})
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Logger: log, Components: []sdk.Component{
		sdk.TaskLoader("mledojo", loader{layout: mledojoLayout, log: log}, sdk.Describe("MLE-Dojo's prepared layout: <data>/<id>/data/{public,private}")),
		sdk.TaskLoader("mlebench", loader{layout: mlebenchLayout}, sdk.Describe("MLE-bench's prepared layout: <data>/<id>/prepared/{public,private}")),
	}})
}
