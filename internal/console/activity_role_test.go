package console

import "testing"

type namesRole struct{ arn string }

func (n *namesRole) RoleParameter() string { return n.arn }

// The role an event names comes from the parameters' own method, a map,
// or — for any other type — its JSON form; roleArn before roleName.
func TestRoleParameter(t *testing.T) {
	for _, c := range []struct {
		name   string
		params any
		want   string
	}{
		{"nil", nil, ""},
		{"method", &namesRole{arn: "arn:aws:iam::111122223333:role/a"}, "arn:aws:iam::111122223333:role/a"},
		{"string map, roleArn", map[string]string{"roleArn": "r1", "roleName": "n1"}, "r1"},
		{"string map, empty roleArn", map[string]string{"roleArn": "", "roleName": "n1"}, "n1"},
		{"any map, roleName", map[string]any{"roleName": "n2"}, "n2"},
		{"any map, not a string", map[string]any{"roleArn": 7}, ""},
		{"IAM's wire names", map[string]string{"RoleName": "n3"}, ""},
		{"struct through JSON", struct {
			RoleName string `json:"roleName"`
		}{"n4"}, "n4"},
		{"no role", struct{ X int }{1}, ""},
	} {
		if got := roleParameter(c.params); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
