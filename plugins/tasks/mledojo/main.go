// Command mledojo is the task loader plugin for the original MLE-Dojo benchmark's 202 competitions:
// `mledojo` loads its prepared layout (<data>/<id>/data/public|private) and `mlebench` loads MLE-bench's
// (<data>/<id>/prepared/public|private). Both bind each competition to a metric family through the
// registry shipped in this directory, with the real human leaderboards.
package main

import "github.com/mledojo/dojo/sdk"

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.TaskLoader("mledojo", loader{layout: mledojoLayout}, sdk.Describe("MLE-Dojo's prepared layout: <data>/<id>/data/{public,private}")),
		sdk.TaskLoader("mlebench", loader{layout: mlebenchLayout}, sdk.Describe("MLE-bench's prepared layout: <data>/<id>/prepared/{public,private}")),
	}})
}
