package policy

import (
	"errors"
	"testing"
)

// The simulator's own texts for rules whose IAM message is not published.
const (
	callerMustBeUser  = "You can specify only the ARN of an IAM user."
	noActionWildcards = "The simulator does not support wildcards (* or ?) in action names."
)

func TestSimulateInputErrors(t *testing.T) {
	ok := []SimPolicy{{ID: "PolicyInputList.1", Document: allowS3Get}}
	tests := []struct {
		name string
		in   SimulationInput
		code string
		msg  string
	}{
		{"no policies", SimulationInput{ActionNames: []string{"s3:GetObject"}}, CodeInvalidInput, "PolicyInputList must contain at least one policy"},
		{"no actions", SimulationInput{Policies: ok}, CodeInvalidInput, "ActionNames must contain at least one action"},
		{"bad action", SimulationInput{Policies: ok, ActionNames: []string{"s3"}}, CodeInvalidInput, "Invalid action name: s3"},
		{"bad caller", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "bob"}, CodeInvalidInput, "Invalid CallerArn: bob. " + callerMustBeUser},
		// API_SimulateCustomPolicy, API_SimulatePrincipalPolicy (CallerArn):
		// "You can specify only the ARN of an IAM user. You cannot specify
		// the ARN of an assumed role, federated user, or a service principal."
		{"caller is a role", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam::123456789012:role/app"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:iam::123456789012:role/app. " + callerMustBeUser},
		{"caller is an assumed role", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:sts::123456789012:assumed-role/app/s"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:sts::123456789012:assumed-role/app/s. " + callerMustBeUser},
		{"caller is a federated user", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:sts::123456789012:federated-user/bob"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:sts::123456789012:federated-user/bob. " + callerMustBeUser},
		{"caller is the account", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam::123456789012:root"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:iam::123456789012:root. " + callerMustBeUser},
		{"caller is a service", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "ec2.amazonaws.com"}, CodeInvalidInput, "Invalid CallerArn: ec2.amazonaws.com. " + callerMustBeUser},
		{"caller user without a name", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam::123456789012:user/"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:iam::123456789012:user/. " + callerMustBeUser},
		{"caller user with a region", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam:us-east-1:123456789012:user/bob"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:iam:us-east-1:123456789012:user/bob. " + callerMustBeUser},
		{"caller user in no account", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam::aws:user/bob"}, CodeInvalidInput, "Invalid CallerArn: arn:aws:iam::aws:user/bob. " + callerMustBeUser},
		// ActionNames: "This operation does not support using wildcards (*)
		// in an action name."
		{"wildcard action", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject", "s3:Get*"}}, CodeInvalidInput, "Invalid action name: s3:Get*. " + noActionWildcards},
		{"all actions of a service", SimulationInput{Policies: ok, ActionNames: []string{"s3:*"}}, CodeInvalidInput, "Invalid action name: s3:*. " + noActionWildcards},
		{"all actions", SimulationInput{Policies: ok, ActionNames: []string{"*"}}, CodeInvalidInput, "Invalid action name: *. " + noActionWildcards},
		{"single-character wildcard", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObjec?"}}, CodeInvalidInput, "Invalid action name: s3:GetObjec?. " + noActionWildcards},
		// PermissionsBoundaryPolicyInputList: "You can input only one
		// permissions boundary when you pass a policy to this operation."
		{"two boundaries", SimulationInput{Policies: ok, PermissionsBoundaries: CustomPolicyInputs("PermissionsBoundaryPolicyInputList", []string{allowS3Get, allowS3Get}), ActionNames: []string{"s3:GetObject"}}, CodeInvalidInput, "PermissionsBoundaryPolicyInputList must contain at most one policy"},
		// IAM's answer for a ResourceArns member that is not an ARN
		// (aws-containers/amazon-ecs-exec-checker issue 35).
		{"resource not an ARN", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/k", "14a050d4-021e-4efe-84bb-0871bf6d0fda"}}, CodeInvalidInput, "ResourceNames are not in a valid ARN format: 14a050d4-021e-4efe-84bb-0871bf6d0fda."},
		{"resource ARN too short", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3::b"}}, CodeInvalidInput, "ResourceNames are not in a valid ARN format: arn:aws:s3::b."},
		// IAM JSON policy elements: Resource, in the simulator's documents.
		{"policy resource not an ARN", SimulationInput{Policies: CustomPolicyInputs("PolicyInputList", []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket"}}`}), ActionNames: []string{"s3:GetObject"}}, CodeMalformedPolicyDocument, `Resource my-bucket must be in ARN format or "*".`},
		{"boundary resource not an ARN", SimulationInput{Policies: ok, PermissionsBoundaries: CustomPolicyInputs("PermissionsBoundaryPolicyInputList", []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"my-bucket"}}`}), ActionNames: []string{"s3:GetObject"}}, CodeMalformedPolicyDocument, `Resource my-bucket must be in ARN format or "*".`},
		{"resource policy resource not an ARN", SimulationInput{Policies: ok, ResourcePolicy: &SimPolicy{Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"my-bucket/*"}}`}, CallerArn: userARN, ActionNames: []string{"s3:GetObject"}}, CodeMalformedPolicyDocument, `Resource my-bucket/* must be in ARN format or "*".`},
		{"malformed boundary", SimulationInput{Policies: ok, PermissionsBoundaries: []SimPolicy{{ID: "b", Document: "{}"}}, ActionNames: []string{"s3:GetObject"}}, CodeMalformedPolicyDocument, "Missing required field Statement"},
		{"malformed resource policy", SimulationInput{Policies: ok, ResourcePolicy: &SimPolicy{Document: allowS3Get}, CallerArn: userARN, ActionNames: []string{"s3:GetObject"}}, CodeMalformedPolicyDocument, "Missing required field Principal"},
		{"single-valued type with two values", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, ContextEntries: []ContextEntry{{"aws:SourceIp", []string{"10.0.0.1", "10.0.0.2"}, "ip"}}}, CodeInvalidInput, "Context key aws:SourceIp of type ip takes exactly one value, not 2"},
		{"empty key", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, ContextEntries: []ContextEntry{{"", []string{"x"}, "string"}}}, CodeInvalidInput, "ContextKeyName must not be empty"},
	}
	for _, tc := range tests {
		_, err := Simulate(tc.in)
		var se *SimulationError
		if !errors.As(err, &se) || se.Code != tc.code || se.Message != tc.msg {
			t.Errorf("%s: error %v, want %s: %s", tc.name, err, tc.code, tc.msg)
		}
	}
}

// The inputs the parameter rules accept: an IAM user (with a path, in any
// partition) as CallerArn, one boundary, "*" and ARNs as ResourceArns.
func TestSimulateInputAccepted(t *testing.T) {
	ok := []SimPolicy{{ID: "PolicyInputList.1", Document: allowS3Get}}
	tests := []struct {
		name string
		in   SimulationInput
	}{
		{"user caller", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: userARN}},
		{"user caller with a path", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws:iam::123456789012:user/division/team/bob"}},
		{"user caller in another partition", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "arn:aws-cn:iam::123456789012:user/bob"}},
		{"one boundary", SimulationInput{Policies: ok, PermissionsBoundaries: ok, ActionNames: []string{"s3:GetObject"}}},
		{"resources", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"*", "arn:aws:s3:::b/k", "arn:aws:s3:::b/*", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"}}},
	}
	for _, tc := range tests {
		if _, err := Simulate(tc.in); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestContextFromEntriesTypes(t *testing.T) {
	good := []ContextEntry{
		{"k:s", []string{"x"}, "string"}, {"k:sl", []string{"a", "b"}, "stringList"},
		{"k:n", []string{"1.5"}, "numeric"}, {"k:nl", []string{"1", "2"}, "numericList"},
		{"k:b", []string{"True"}, "boolean"}, {"k:bl", []string{"true", "false"}, "booleanList"},
		{"k:ip", []string{"2001:db8::1"}, "ip"}, {"k:ipl", []string{"10.0.0.0/8"}, "ipList"},
		{"k:bin", []string{"AAE="}, "binary"}, {"k:binl", []string{"AAE=", "AAI="}, "binaryList"},
		{"k:d", []string{"2020-01-01T00:00:00Z"}, "date"}, {"k:dl", []string{"1577836800"}, "dateList"},
	}
	c, err := ContextFromEntries(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range good {
		_, multi, ok := c.Get(e.ContextKeyName)
		if !ok || multi != (len(e.ContextKeyType) > 4 && e.ContextKeyType[len(e.ContextKeyType)-4:] == "List") {
			t.Errorf("%s: ok=%v multi=%v", e.ContextKeyName, ok, multi)
		}
	}
	bad := map[string]ContextEntry{
		`Invalid value "x" for context key k of type numeric`:       {"k", []string{"x"}, "numeric"},
		`Invalid value "yes" for context key k of type booleanList`: {"k", []string{"true", "yes"}, "booleanList"},
		`Invalid value "10.0.0.256" for context key k of type ip`:   {"k", []string{"10.0.0.256"}, "ip"},
		`Invalid value "!" for context key k of type binary`:        {"k", []string{"!"}, "binary"},
		`Invalid value "2020-13-01" for context key k of type date`: {"k", []string{"2020-13-01"}, "date"},
		`Invalid ContextKeyType "List" for context key k`:           {"k", []string{"x"}, "List"},
	}
	for want, e := range bad {
		_, err := ContextFromEntries([]ContextEntry{e})
		var se *SimulationError
		if !errors.As(err, &se) || se.Message != want || se.Code != CodeInvalidInput {
			t.Errorf("%+v: %v, want %s", e, err, want)
		}
	}
}

func TestRoleARNFromSession(t *testing.T) {
	tests := map[string]string{
		"arn:aws:sts::123456789012:assumed-role/app/sess":    "arn:aws:iam::123456789012:role/app",
		"arn:aws-cn:sts::123456789012:assumed-role/app/sess": "arn:aws-cn:iam::123456789012:role/app",
		"arn:aws:iam::123456789012:role/app":                 "",
		"arn:aws:sts::123456789012:assumed-role/app":         "",
		"arn:aws:sts::123456789012:federated-user/bob":       "",
		"not-an-arn": "",
	}
	for in, want := range tests {
		if got := RoleARNFromSession(in); got != want {
			t.Errorf("RoleARNFromSession(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSimulateMissingContextAndVariables(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}`
	out, err := Simulate(SimulationInput{Policies: CustomPolicyInputs("PolicyInputList", []string{doc}), ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/bob/k"}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if r.EvalDecision != "implicitDeny" || len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:username" {
		t.Errorf("result = %+v", r)
	}
	out, _ = Simulate(SimulationInput{Policies: CustomPolicyInputs("PolicyInputList", []string{doc}), ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::b/bob/k"},
		ContextEntries: []ContextEntry{{"aws:username", []string{"bob"}, "string"}}})
	r = out.EvaluationResults[0]
	if r.EvalDecision != "implicitDeny" || len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:SecureTransport" {
		t.Errorf("result = %+v", r)
	}
}
