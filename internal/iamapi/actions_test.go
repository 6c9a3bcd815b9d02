package iamapi

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// The action table serves exactly the documented IAM actions: the actions
// whose request parameters audit_params.go documents from IAM's service
// model, no more and no fewer.
func TestActionTableIsTheDocumentedList(t *testing.T) {
	table := (&Service{}).actionTable()
	for _, name := range slices.Sorted(maps.Keys(table)) {
		if _, ok := documentedParams[name]; !ok {
			t.Errorf("the action table serves %s, which documentedParams does not list", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(documentedParams)) {
		if _, ok := table[name]; !ok {
			t.Errorf("documentedParams lists %s, which the action table does not serve", name)
		}
	}
}

// An action is read-only, in its audit event, exactly when its name says
// it reads: Get…, List… and the simulator.
func TestActionTableReadOnly(t *testing.T) {
	for name, a := range (&Service{}).actionTable() {
		reads := strings.HasPrefix(name, "Get") || strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Simulate")
		if a.readOnly != reads {
			t.Errorf("%s: readOnly is %v", name, a.readOnly)
		}
	}
}
