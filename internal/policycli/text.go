package policycli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/stsd/stsd/internal/policy"
)

// writeText renders the output as the AWS CLI's --output text does: for
// each object one line with its upper-cased name and its scalar members in
// key order, then its nested members in key order; a list of scalars is one
// line.
func writeText(w io.Writer, out *policy.SimulationOutput) {
	raw, _ := json.Marshal(out)
	var v map[string]any
	_ = json.Unmarshal(raw, &v)
	textObject(w, "", v)
}

func textObject(w io.Writer, name string, obj map[string]any) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var scalars []string
	for _, k := range keys {
		if isScalar(obj[k]) {
			scalars = append(scalars, scalarText(obj[k]))
		}
	}
	if len(scalars) > 0 {
		fields := scalars
		if name != "" {
			fields = append([]string{strings.ToUpper(name)}, scalars...)
		}
		fmt.Fprintln(w, strings.Join(fields, "\t"))
	}
	for _, k := range keys {
		switch val := obj[k].(type) {
		case map[string]any:
			textObject(w, k, val)
		case []any:
			textList(w, k, val)
		}
	}
}

func textList(w io.Writer, name string, list []any) {
	var scalars []string
	for _, item := range list {
		switch val := item.(type) {
		case map[string]any:
			textObject(w, name, val)
		case []any:
			textList(w, name, val)
		default:
			scalars = append(scalars, scalarText(val))
		}
	}
	if len(scalars) > 0 {
		fmt.Fprintln(w, strings.ToUpper(name)+"\t"+strings.Join(scalars, "\t"))
	}
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func scalarText(v any) string {
	switch val := v.(type) {
	case nil:
		return "None"
	case bool:
		if val {
			return "True"
		}
		return "False"
	case float64:
		return fmt.Sprintf("%v", val)
	default:
		return fmt.Sprint(val)
	}
}
