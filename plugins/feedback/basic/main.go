// Command basic is the feedback plugin with Dojo's two standard styles: `base`, text in sections
// like the original MLE-Dojo's feedback, and `structured`, the same content as JSON for programs.
package main

import "github.com/mledojo/dojo/sdk"

func main() {
	sdk.ServeConfig(sdk.Config{Version: "0.1.0", Components: []sdk.Component{
		sdk.Feedback("base", base{}, sdk.Describe("text sections: info, execution, submission, errors, budget")),
		sdk.Feedback("structured", structured{}, sdk.Describe("the step's essentials as JSON")),
	}})
}
