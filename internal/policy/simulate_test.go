package policy

import (
	"errors"
	"testing"
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
		{"bad caller", SimulationInput{Policies: ok, ActionNames: []string{"s3:GetObject"}, CallerArn: "bob"}, CodeInvalidInput, "Invalid CallerArn: bob"},
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
