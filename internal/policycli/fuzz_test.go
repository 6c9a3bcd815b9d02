package policycli

import "testing"

// FuzzContextEntries: the --context-entries parsers never panic.
func FuzzContextEntries(f *testing.F) {
	for _, s := range []string{
		"ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',ContextKeyType=date",
		`[{"ContextKeyName":"k","ContextKeyValues":["a"],"ContextKeyType":"string"}]`,
		`{"ContextKeyName":"k"}`, `ContextKeyValues="a,b",'c'`, `'`, `,,,=`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseContextEntries([]string{s})
		_, _ = parseContextEntries([]string{s, s})
	})
}
