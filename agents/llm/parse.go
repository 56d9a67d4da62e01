package llm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mledojo/dojo/core"
)

// parseAction reads the one action a reply names. The action is a JSON object
// {"action": NAME, "params": {...}}, bare or in a fenced block (```json), with any prose around it.
// It is lenient where a model's intent is plain: raw line breaks inside JSON strings (code pasted
// unescaped) are accepted, and an object without "params" takes its other keys as the params.
// known, when not empty, lists the actions the episode offers. A reply that names no action, names
// several, or names one the episode lacks comes back as a problem to send the model for repair.
func parseAction(reply string, known []string) (core.Action, string) {
	if strings.TrimSpace(reply) == "" {
		return core.Action{}, "the reply was empty"
	}
	var found []core.Action
	var problems []string
	seen := map[string]bool{}
	for _, cand := range candidates(reply) {
		a, problem, isAction := decodeAction(cand)
		if !isAction {
			continue
		}
		if problem != "" {
			problems = append(problems, problem)
			continue
		}
		key, _ := json.Marshal(a)
		if !seen[string(key)] {
			seen[string(key)] = true
			found = append(found, a)
		}
	}
	switch {
	case len(found) == 0 && len(problems) > 0:
		return core.Action{}, problems[0]
	case len(found) == 0:
		return core.Action{}, `the reply holds no JSON object with an "action" key`
	case len(found) > 1:
		names := make([]string, len(found))
		for i, a := range found {
			names[i] = a.Name
		}
		return core.Action{}, fmt.Sprintf("the reply holds %d actions (%s); send exactly one per reply", len(found), strings.Join(names, ", "))
	}
	a := found[0]
	if len(known) > 0 && !slices.Contains(known, a.Name) {
		return core.Action{}, fmt.Sprintf("%q is not an action of this episode; use one of: %s", a.Name, strings.Join(known, ", "))
	}
	if a.Name == core.ActionExecuteCode || a.Name == core.ActionValidateCode {
		if code, ok := a.Params["code"].(string); !ok || strings.TrimSpace(code) == "" {
			return core.Action{}, fmt.Sprintf(`%s needs "params": {"code": "<python source>"} with the code as one JSON string`, a.Name)
		}
	}
	return a, ""
}

var fence = regexp.MustCompile("(?s)```[A-Za-z0-9_-]*[ \t]*\r?\n(.*?)```")

// candidates are the texts that may hold the action: the fenced blocks first, then every top-level
// {...} of the whole reply (which also finds an object whose code holds a fence of its own).
func candidates(reply string) []string {
	var out []string
	for _, m := range fence.FindAllStringSubmatch(reply, -1) {
		body := strings.TrimSpace(m[1])
		if strings.HasPrefix(body, "{") {
			out = append(out, body)
		}
	}
	fromFences := len(out)
	for _, obj := range objects(reply) {
		if !slices.Contains(out[:fromFences], obj) {
			out = append(out, obj)
		}
	}
	return out
}

// objects returns the top-level balanced {...} spans of s, skipping braces inside JSON strings.
func objects(s string) []string {
	var out []string
	depth, start := 0, -1
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			if depth > 0 {
				inString = true
			}
		case '{':
			if depth == 0 {
				start = i
			}
			depth++
		case '}':
			if depth > 0 {
				depth--
				if depth == 0 {
					out = append(out, s[start:i+1])
				}
			}
		}
	}
	return out
}

// decodeAction decodes one candidate. isAction is false for an object that is not meant as an
// action (no "action" key, or not JSON at all); problem says what is wrong with one that is.
func decodeAction(text string) (a core.Action, problem string, isAction bool) {
	var obj map[string]any
	err := json.Unmarshal([]byte(text), &obj)
	if err != nil {
		if lerr := json.Unmarshal([]byte(escapeControls(text)), &obj); lerr != nil {
			if strings.Contains(text, `"action"`) {
				return a, fmt.Sprintf("the action is not valid JSON: %v; write the code as one JSON string, with quotes and backslashes escaped", err), true
			}
			return a, "", false
		}
	}
	raw, ok := obj["action"]
	if !ok {
		return a, "", false
	}
	name, ok := raw.(string)
	if !ok || strings.TrimSpace(name) == "" {
		return a, `"action" must be the action's name as a string`, true
	}
	a.Name = strings.TrimSpace(name)
	params := map[string]any{}
	if p, ok := obj["params"]; ok {
		m, isMap := p.(map[string]any)
		if p != nil && !isMap {
			return a, `"params" must be a JSON object of the action's parameters`, true
		}
		if isMap {
			params = m
		}
	} else {
		for k, v := range obj {
			if k != "action" {
				params[k] = v
			}
		}
	}
	a.Params = core.Params(params)
	return a, "", true
}

// escapeControls escapes the raw control characters inside JSON strings: a model pasting code into
// "code" often leaves its line breaks and tabs unescaped, which JSON forbids.
func escapeControls(s string) string {
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !inString {
			if ch == '"' {
				inString = true
			}
			b.WriteByte(ch)
			continue
		}
		switch {
		case escaped:
			escaped = false
		case ch == '\\':
			escaped = true
		case ch == '"':
			inString = false
		case ch == '\n':
			b.WriteString(`\n`)
			continue
		case ch == '\r':
			b.WriteString(`\r`)
			continue
		case ch == '\t':
			b.WriteString(`\t`)
			continue
		case ch < 0x20:
			fmt.Fprintf(&b, `\u%04x`, ch)
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}
