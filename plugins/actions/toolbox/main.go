// Command toolbox is the action plugin with Dojo's standard custom actions: inspect_data, shell,
// files and submit. Each reaches the episode only through the host's services.
package main

import "github.com/mledojo/dojo/sdk"

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Action("inspect_data", inspectData{}, sdk.Describe("schema, head and summary statistics of a public data file")),
		sdk.Action("shell", shell{}, sdk.Describe("run a shell command in the sandbox")),
		sdk.Action("files", files{}, sdk.Describe("list, read or write files in the workspace")),
		sdk.Action("submit", submit{}, sdk.Describe("submit a file as the final answer; ends the episode")),
	}})
}
