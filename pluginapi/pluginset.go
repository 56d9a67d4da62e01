package pluginapi

import (
	"github.com/hashicorp/go-plugin"
)

// Components is everything one plugin binary serves, by kind and name.
type Components struct {
	Description Description
	Metrics     map[string]Metric
	Actions     map[string]Action
	Feedback    map[string]Feedback
	TaskLoaders map[string]TaskLoader
}

func (c *Components) lookup(kind Kind, name string) any {
	switch kind {
	case KindMetric:
		if m, ok := c.Metrics[name]; ok {
			return m
		}
	case KindAction:
		if a, ok := c.Actions[name]; ok {
			return a
		}
	case KindFeedback:
		if f, ok := c.Feedback[name]; ok {
			return f
		}
	case KindTaskLoader:
		if t, ok := c.TaskLoaders[name]; ok {
			return t
		}
	}
	return nil
}

// names lists the components of kind, for not-found errors.
func (c *Components) names(kind Kind) []string {
	switch kind {
	case KindMetric:
		return names(c.Metrics)
	case KindAction:
		return names(c.Actions)
	case KindFeedback:
		return names(c.Feedback)
	case KindTaskLoader:
		return names(c.TaskLoaders)
	}
	return nil
}

// basePluginName is the go-plugin name of the Base service; the kinds use their Kind string.
const basePluginName = "base"

// ServerPlugins is the go-plugin set a plugin binary serves for c.
func ServerPlugins(c *Components) plugin.PluginSet {
	return plugin.PluginSet{
		basePluginName:         &basePlugin{components: c},
		string(KindMetric):     &metricPlugin{impls: c.Metrics},
		string(KindAction):     &actionPlugin{impls: c.Actions},
		string(KindFeedback):   &feedbackPlugin{impls: c.Feedback},
		string(KindTaskLoader): &tasksPlugin{impls: c.TaskLoaders},
	}
}

// ClientPlugins is the go-plugin set the host dispenses from.
func ClientPlugins() plugin.PluginSet { return ServerPlugins(&Components{}) }

// VersionedClientPlugins maps each go-plugin protocol version the host speaks to its plugin set.
func VersionedClientPlugins() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{ProtocolVersion: ClientPlugins()}
}

// Dispensed is what a started plugin binary offers the host.
type Dispensed struct {
	Base        Base
	Metrics     *MetricClient
	Actions     *ActionClient
	Feedback    *FeedbackClient
	TaskLoaders *TaskLoaderClient
}

// Dispense takes every service handle from a started plugin's client protocol.
func Dispense(rpc plugin.ClientProtocol) (*Dispensed, error) {
	var d Dispensed
	for name, dst := range map[string]any{
		basePluginName: &d.Base, string(KindMetric): &d.Metrics, string(KindAction): &d.Actions,
		string(KindFeedback): &d.Feedback, string(KindTaskLoader): &d.TaskLoaders,
	} {
		raw, err := rpc.Dispense(name)
		if err != nil {
			return nil, err
		}
		switch p := dst.(type) {
		case *Base:
			*p = raw.(Base)
		case **MetricClient:
			*p = raw.(*MetricClient)
		case **ActionClient:
			*p = raw.(*ActionClient)
		case **FeedbackClient:
			*p = raw.(*FeedbackClient)
		case **TaskLoaderClient:
			*p = raw.(*TaskLoaderClient)
		}
	}
	return &d, nil
}
