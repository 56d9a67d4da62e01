package env_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/host/catalog"
	"github.com/mledojo/dojo/host/env"
	"github.com/mledojo/dojo/host/sandbox"
)

// An in-process agent: open the plugins, create an episode on a competition, reset it, and step
// until the episode ends. Here the agent writes one submission and stops.
func Example() {
	ctx := context.Background()
	plugins, err := catalog.Open(ctx, catalog.Options{Dirs: catalog.SearchDirs(nil)})
	if err != nil {
		log.Fatal(err)
	}
	defer plugins.Close()

	var backend sandbox.Backend // local.New(...) or docker.New(...)
	var comp core.Competition   // from a task loader: competitions.Load(...)
	ep, err := env.New(ctx, comp, env.Config{Dir: "runs/example", MaxSteps: 10, Feedback: []string{"base"}},
		env.Deps{Plugins: plugins, Sandbox: backend})
	if err != nil {
		log.Fatal(err)
	}
	defer ep.Close(ctx)

	obs, info, err := ep.Reset(ctx, env.ResetOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(obs.Info["task"], info["actions"])
	for {
		res, err := ep.Step(ctx, core.Action{Name: core.ActionExecuteCode, Params: core.Params{
			"code": `import pandas as pd
pd.read_csv("/data/sample_submission.csv").to_csv("/workspace/submission.csv", index=False)`,
		}})
		if err != nil {
			log.Fatal(err) // the host failed; agent mistakes come back in res.Observation.Error
		}
		fmt.Println(res.Reward, res.Observation.Feedback["base"])
		if res.Terminated || res.Truncated || res.Observation.Error == nil {
			break
		}
	}
}
