package policycli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// The simulate command parses its arguments as the AWS CLI does: a list
// option takes every following word up to the next "--option", a scalar
// option takes one word, "--option=value" works too, and a value
// "file://PATH" is replaced by the file's contents.

type optionKind uint8

const (
	scalarOption optionKind = iota
	listOption
)

var simulateOptions = map[string]optionKind{
	"policy-input-list":                      listOption,
	"permissions-boundary-policy-input-list": listOption,
	"action-names":                           listOption,
	"resource-arns":                          listOption,
	"resource-policy":                        scalarOption,
	"resource-owner":                         scalarOption,
	"caller-arn":                             scalarOption,
	"context-entries":                        listOption,
	"resource-handling-option":               scalarOption,
	"output":                                 scalarOption,
}

// usageError is a command line the AWS CLI would refuse.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func parseArgs(args []string) (map[string][]string, error) {
	opts := map[string][]string{}
	var unknown []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			unknown = append(unknown, a)
			continue
		}
		name, value, inline := strings.Cut(a[2:], "=")
		kind, ok := simulateOptions[name]
		if !ok {
			unknown = append(unknown, a)
			continue
		}
		if _, dup := opts[name]; dup {
			return nil, &usageError{fmt.Sprintf("aws: error: argument --%s: expected one argument", name)}
		}
		var values []string
		if inline {
			values = append(values, value)
		}
		if kind == listOption {
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				i++
				values = append(values, args[i])
			}
		} else if !inline && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			i++
			values = append(values, args[i])
		}
		if len(values) == 0 || (kind == scalarOption && len(values) != 1) {
			msg := "expected one argument"
			if kind == listOption {
				msg = "expected at least one argument"
			}
			return nil, &usageError{fmt.Sprintf("aws: error: argument --%s: %s", name, msg)}
		}
		for j, v := range values {
			loaded, err := loadParam(v)
			if err != nil {
				return nil, &usageError{fmt.Sprintf("Error parsing parameter '--%s': %v", name, err)}
			}
			values[j] = loaded
		}
		opts[name] = values
	}
	if len(unknown) > 0 {
		return nil, &usageError{"aws: error: Unknown options: " + strings.Join(unknown, ", ")}
	}
	var missing []string
	for _, req := range []string{"policy-input-list", "action-names"} {
		if _, ok := opts[req]; !ok {
			missing = append(missing, "--"+req)
		}
	}
	if len(missing) > 0 {
		return nil, &usageError{"aws: error: the following arguments are required: " + strings.Join(missing, ", ")}
	}
	return opts, nil
}

// loadParam reads file:// values.
func loadParam(v string) (string, error) {
	path, ok := strings.CutPrefix(v, "file://")
	if !ok {
		return v, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("Unable to load paramfile %s: %v", v, err)
	}
	if info.Size() > 1<<20 {
		return "", fmt.Errorf("Unable to load paramfile %s: larger than 1 MiB", v)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("Unable to load paramfile %s: %v", v, err)
	}
	return string(b), nil
}

// stringList accepts space-separated words or one JSON array of strings.
func stringList(values []string) []string {
	if len(values) == 1 && strings.HasPrefix(strings.TrimSpace(values[0]), "[") {
		var list []string
		if json.Unmarshal([]byte(values[0]), &list) == nil {
			return list
		}
	}
	return values
}
