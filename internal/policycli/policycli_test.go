package policycli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes `policy ARGS...` and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := NewCommand(&stdout, &stderr)
	cmd.SetArgs(args)
	err := cmd.Execute()
	code := 0
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("error %v is not an *ExitError", err)
		}
		code = ee.Code
	}
	return stdout.String(), stderr.String(), code
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The AWS CLI example for simulate-custom-policy (awscli
// examples/iam/simulate-custom-policy.rst).
const cliExamplePolicy = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`

func TestSimulateAWSCLIExample(t *testing.T) {
	out, errOut, code := run(t, "simulate",
		"--policy-input-list", cliExamplePolicy,
		"--action-names", "dynamodb:CreateBackup",
		"--context-entries", "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',ContextKeyType=date")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `{
    "EvaluationResults": [
        {
            "EvalActionName": "dynamodb:CreateBackup",
            "EvalResourceName": "*",
            "EvalDecision": "allowed",
            "MatchedStatements": [
                {
                    "SourcePolicyId": "PolicyInputList.1",
                    "StartPosition": {
                        "Line": 1,
                        "Column": 38
                    },
                    "EndPosition": {
                        "Line": 1,
                        "Column": 167
                    }
                }
            ],
            "MissingContextValues": []
        }
    ]
}
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	// The example's second half: a date before the condition's.
	out, _, _ = run(t, "simulate", "--policy-input-list", cliExamplePolicy, "--action-names", "dynamodb:CreateBackup",
		"--context-entries", `[{"ContextKeyName":"aws:CurrentTime","ContextKeyValues":["2014-04-25T11:00:00Z"],"ContextKeyType":"date"}]`)
	if !strings.Contains(out, `"EvalDecision": "implicitDeny"`) || !strings.Contains(out, `"MatchedStatements": []`) {
		t.Errorf("implicit deny output:\n%s", out)
	}
}

func TestSimulateText(t *testing.T) {
	out, _, code := run(t, "simulate", "--policy-input-list", cliExamplePolicy, "--action-names", "dynamodb:CreateBackup",
		"--context-entries", "ContextKeyName=aws:CurrentTime,ContextKeyValues=2019-04-25T11:00:00Z,ContextKeyType=date", "--output", "text")
	want := "EVALUATIONRESULTS\tdynamodb:CreateBackup\tallowed\t*\n" +
		"MATCHEDSTATEMENTS\tPolicyInputList.1\n" +
		"ENDPOSITION\t167\t1\n" +
		"STARTPOSITION\t38\t1\n"
	if code != 0 || out != want {
		t.Errorf("text output (exit %d):\n%q\nwant\n%q", code, out, want)
	}
}

func TestSimulateFullInputs(t *testing.T) {
	identity := writeFile(t, "id.json", `{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"*"},
{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/keep/*"}]}`)
	boundary := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"*"}}`
	resource := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}}`
	out, errOut, code := run(t, "simulate",
		"--policy-input-list", "file://"+identity,
		"--permissions-boundary-policy-input-list", boundary,
		"--resource-policy", resource,
		"--caller-arn", "arn:aws:iam::123456789012:user/bob",
		"--action-names", "s3:GetObject", "s3:DeleteObject", "s3:PutObject", "s3:ListBucket",
		"--resource-arns", "arn:aws:s3:::b/keep/x", "arn:aws:s3:::b/tmp/y")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		EvaluationResults []struct {
			EvalActionName, EvalResourceName, EvalDecision string
			MatchedStatements                              []struct{ SourcePolicyId, SourcePolicyType string }
			ResourceSpecificResults                        []struct {
				EvalResourceName, EvalResourceDecision string
				PermissionsBoundaryDecisionDetail      struct{ AllowedByPermissionsBoundary bool }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	summary := func(i int) string {
		r := got.EvaluationResults[i]
		s := r.EvalActionName + "=" + r.EvalDecision + ":"
		for _, rr := range r.ResourceSpecificResults {
			s += " " + rr.EvalResourceName[len("arn:aws:s3:::b/"):] + "=" + rr.EvalResourceDecision
		}
		return s
	}
	want := []string{
		"s3:GetObject=allowed: keep/x=allowed tmp/y=allowed",
		"s3:DeleteObject=explicitDeny: keep/x=explicitDeny tmp/y=allowed",
		// The boundary does not limit a resource policy naming the user.
		"s3:PutObject=allowed: keep/x=allowed tmp/y=allowed",
		"s3:ListBucket=implicitDeny: keep/x=implicitDeny tmp/y=implicitDeny",
	}
	for i, w := range want {
		if s := summary(i); s != w {
			t.Errorf("result %d = %s, want %s", i, s, w)
		}
	}
	del := got.EvaluationResults[1]
	if len(del.MatchedStatements) != 1 || del.MatchedStatements[0].SourcePolicyId != "PolicyInputList.1" {
		t.Errorf("deny statements = %+v", del.MatchedStatements)
	}
	put := got.EvaluationResults[2]
	if put.ResourceSpecificResults[0].PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Error("PutObject is outside the boundary")
	}
	if len(put.MatchedStatements) < 2 || put.MatchedStatements[1].SourcePolicyType != "resource" {
		t.Errorf("put statements = %+v", put.MatchedStatements)
	}
}

func TestSimulateErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"malformed policy", []string{"--policy-input-list", `{"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "--action-names", "s3:GetObject"}, ExitService,
			"\nAn error occurred (MalformedPolicyDocument) when calling the SimulateCustomPolicy operation: Policy statement must contain resources.\n"},
		{"invalid JSON", []string{"--policy-input-list", `{"Statement":`, "--action-names", "s3:GetObject"}, ExitService,
			"\nAn error occurred (MalformedPolicyDocument) when calling the SimulateCustomPolicy operation: The policy is not in the valid JSON format: unexpected end of input: expected a value at line 1, column 14\n"},
		{"principal in identity policy", []string{"--policy-input-list", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, "--action-names", "s3:GetObject"}, ExitService,
			"\nAn error occurred (MalformedPolicyDocument) when calling the SimulateCustomPolicy operation: Has prohibited field Principal\n"},
		{"bad action", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "GetObject"}, ExitService,
			"\nAn error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: Invalid action name: GetObject\n"},
		{"resource policy without caller", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "s3:GetObject", "--resource-policy", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`}, ExitService,
			"\nAn error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: CallerArn is required when a ResourcePolicy is included\n"},
		{"bad context value", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "s3:GetObject", "--context-entries", "ContextKeyName=aws:CurrentTime,ContextKeyValues=soon,ContextKeyType=date"}, ExitService,
			"\nAn error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: Invalid value \"soon\" for context key aws:CurrentTime of type date\n"},
		{"bad context type", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "s3:GetObject", "--context-entries", `{"ContextKeyName":"k:x","ContextKeyValues":["1"],"ContextKeyType":"int"}`}, ExitService,
			"\nAn error occurred (InvalidInput) when calling the SimulateCustomPolicy operation: Invalid ContextKeyType \"int\" for context key k:x\n"},
		{"missing required", []string{"--policy-input-list", cliExamplePolicy}, ExitUsage, "\naws: error: the following arguments are required: --action-names\n"},
		{"unknown option", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "s3:GetObject", "--bogus", "x"}, ExitUsage, "\naws: error: Unknown options: --bogus, x\n"},
		{"bad output", []string{"--policy-input-list", cliExamplePolicy, "--action-names", "s3:GetObject", "--output", "yaml"}, ExitUsage, "\naws: error: argument --output: Invalid choice, valid choices are:\n\njson | text\n"},
		{"missing file", []string{"--policy-input-list", "file:///nonexistent/p.json", "--action-names", "s3:GetObject"}, ExitUsage,
			"\nError parsing parameter '--policy-input-list': Unable to load paramfile file:///nonexistent/p.json: stat /nonexistent/p.json: no such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, append([]string{"simulate"}, tc.args...)...)
			if code != tc.code || errOut != tc.stderr || out != "" {
				t.Errorf("exit %d stderr %q stdout %q; want exit %d stderr %q", code, errOut, out, tc.code, tc.stderr)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	good := writeFile(t, "good.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	bad := writeFile(t, "bad.json", "{\n  \"Statement\": {\n    \"Effect\": \"Permit\",\n    \"Principal\": \"*\"\n  }\n}\n")
	out, _, code := run(t, "validate", good)
	if code != 0 || out != good+": valid any policy\n" {
		t.Errorf("good: exit %d, %q", code, out)
	}
	out, _, code = run(t, "validate", "--kind", "identity", good, bad)
	want := good + ": valid identity policy\n" +
		bad + ":2:16: Policy statement must contain actions.\n" +
		bad + ":2:16: Policy statement must contain resources.\n" +
		bad + ":3:15: Invalid effect: Permit. Effect must be Allow or Deny\n" +
		bad + ":4:18: Has prohibited field Principal\n"
	if code != ExitInvalid || out != want {
		t.Errorf("bad: exit %d\n%s\nwant\n%s", code, out, want)
	}
	_, errOut, code := run(t, "validate", "/nonexistent.json")
	if code != ExitInvalid || errOut != "/nonexistent.json: open /nonexistent.json: no such file or directory\n" {
		t.Errorf("missing: exit %d %q", code, errOut)
	}
	_, errOut, code = run(t, "validate", "--kind", "x", good)
	if code != ExitUsage || errOut != "invalid --kind \"x\": must be any, identity, trust or resource\n" {
		t.Errorf("bad kind: exit %d %q", code, errOut)
	}
}
