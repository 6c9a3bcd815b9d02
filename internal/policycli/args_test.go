package policycli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/policy"
)

func TestShorthandContextEntries(t *testing.T) {
	// AWS CLI shorthand syntax for lists of structures
	// (cli-usage-shorthand): Key=value pairs separated by commas, list
	// values continue after a comma, values may be quoted.
	tests := []struct {
		in   string
		want policy.ContextEntry
		err  string
	}{
		{"ContextKeyName=aws:TagKeys,ContextKeyValues=a,b,ContextKeyType=stringList",
			policy.ContextEntry{ContextKeyName: "aws:TagKeys", ContextKeyValues: []string{"a", "b"}, ContextKeyType: "stringList"}, ""},
		{`ContextKeyName='aws:CurrentTime',ContextKeyValues="2019-04-25T11:00:00Z",ContextKeyType=date`,
			policy.ContextEntry{ContextKeyName: "aws:CurrentTime", ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: "date"}, ""},
		{`ContextKeyName=k:x,ContextKeyValues='a,b','c',ContextKeyType=stringList`,
			policy.ContextEntry{ContextKeyName: "k:x", ContextKeyValues: []string{"a,b", "c"}, ContextKeyType: "stringList"}, ""},
		{"ContextKeyName=k:x,Bogus=1", policy.ContextEntry{}, `Unknown key "Bogus" in shorthand for ContextEntry`},
		{"ContextKeyName=k:x,oops", policy.ContextEntry{}, "Expected: '=', received: ',' for input: ContextKeyName=k:x,oops"},
		{"ContextKeyName='k:x", policy.ContextEntry{}, "unterminated quote in: ContextKeyName='k:x"},
	}
	for _, tc := range tests {
		got, err := parseShorthand(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseArgsForms(t *testing.T) {
	opts, err := parseArgs([]string{"--policy-input-list=" + cliExamplePolicy, "--action-names", `["s3:GetObject","s3:PutObject"]`, "--caller-arn", "arn:aws:iam::123456789012:user/bob"})
	if err != nil {
		t.Fatal(err)
	}
	if got := stringList(opts["action-names"]); !reflect.DeepEqual(got, []string{"s3:GetObject", "s3:PutObject"}) {
		t.Errorf("JSON list = %v", got)
	}
	if opts["policy-input-list"][0] != cliExamplePolicy || opts["caller-arn"][0] != "arn:aws:iam::123456789012:user/bob" {
		t.Errorf("opts = %v", opts)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--caller-arn"}, "aws: error: argument --caller-arn: expected one argument"},
		{[]string{"--action-names"}, "aws: error: argument --action-names: expected at least one argument"},
		{[]string{"--action-names", "a:b", "--action-names", "c:d"}, "aws: error: argument --action-names: expected one argument"},
		{[]string{}, "aws: error: the following arguments are required: --policy-input-list, --action-names"},
	} {
		if _, err := parseArgs(tc.args); err == nil || err.Error() != tc.err {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.err)
		}
	}
}

func TestValidateStdinAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	cmd := NewCommand(&stdout, &stderr)
	cmd.SetIn(strings.NewReader(`{"Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`))
	cmd.SetArgs([]string{"validate", "--kind", "trust", "-"})
	if err := cmd.Execute(); err != nil || stdout.String() != "-: valid trust policy\n" {
		t.Errorf("stdin: %v %q", err, stdout.String())
	}
	out, _, code := run(t, "simulate", "--help")
	if code != 0 || !strings.HasPrefix(out, "simulate runs the IAM policy simulator") {
		t.Errorf("help: %d %q", code, out)
	}
}
