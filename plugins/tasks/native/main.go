// Command native is the task loader plugin of Dojo's native competition format (docs/competitions.md):
// it lists and loads competition directories (checking their layout and checksums, see layout), and
// prepares the offline starter pack (see starter) or seals a hand-made competition.
package main

import (
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/mledojo/dojo/sdk"
)

func main() {
	log := hclog.New(&hclog.LoggerOptions{Name: "native", Output: os.Stderr, JSONFormat: true, Level: hclog.Debug})
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Logger: log, Components: []sdk.Component{
		sdk.TaskLoader("native", &loader{log: log},
			sdk.Describe("native competition directories (competition.yaml, public/, private/) and the offline starter pack"),
			sdk.Schema(paramsSchema)),
	}})
}
