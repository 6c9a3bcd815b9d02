package policy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustParse(t testing.TB, kind Kind, doc string) *Policy {
	t.Helper()
	p, err := ParseAs([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}

func parseProblems(t *testing.T, kind Kind, doc string) []Problem {
	t.Helper()
	_, err := ParseAs([]byte(doc), kind)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("parse %s: error %v is not a *ParseError", doc, err)
	}
	return pe.Problems
}

func TestParseRejects(t *testing.T) {
	const v = `"Version":"2012-10-17",`
	tests := []struct {
		name string
		kind Kind
		doc  string
		want []string // every problem message, in document order
	}{
		{"invalid JSON", KindAny, `{"Version":`, []string{"The policy is not in the valid JSON format: unexpected end of input: expected a value at line 1, column 12"}},
		{"trailing garbage", KindAny, `{"Statement":[]} x`, []string{"The policy is not in the valid JSON format: unexpected character 'x' after the end of the JSON document at line 1, column 18"}},
		{"duplicate key", KindAny, `{"Statement":{"Effect":"Allow","Effect":"Deny"}}`, []string{`The policy is not in the valid JSON format: duplicate field "Effect" at line 1, column 32`}},
		{"not an object", KindAny, `[1]`, []string{"The policy must be a JSON object, not array"}},
		{"bad version", KindAny, `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, []string{`Invalid Version "2012-10-18": must be "2012-10-17" or "2008-10-17"`}},
		{"missing statement", KindAny, `{` + strings.TrimSuffix(v, ",") + `}`, []string{"Missing required field Statement"}},
		{"empty statement list", KindAny, `{` + v + `"Statement":[]}`, []string{"Statement must contain at least one statement"}},
		{"unknown top-level element", KindAny, `{` + v + `"Foo":1,"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, []string{"Unknown field Foo"}},
		{"unknown statement element", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Actions":"x"}}`, []string{"Unknown field Actions"}},
		{"missing effect", KindAny, `{` + v + `"Statement":{"Action":"s3:*","Resource":"*"}}`, []string{"Missing required field Effect"}},
		{"bad effect", KindAny, `{` + v + `"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, []string{"Invalid effect: allow. Effect must be Allow or Deny"}},
		{"Action with NotAction", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}}`, []string{"Statement cannot contain both Action and NotAction"}},
		{"no action", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Resource":"*"}}`, []string{"Policy statement must contain actions."}},
		{"action without vendor", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, []string{"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."}},
		{"action with two colons", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, []string{"Actions/Condition can contain only one colon."}},
		{"action wrong type", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":7,"Resource":"*"}}`, []string{"Action must be a string or an array of strings, not number"}},
		{"empty action list", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, []string{"Action must not be an empty list"}},
		{"Resource with NotResource", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}}`, []string{"Statement cannot contain both Resource and NotResource"}},
		{"identity needs resource", KindIdentity, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*"}}`, []string{"Policy statement must contain resources."}},
		{"identity prohibits Principal", KindIdentity, `{` + v + `"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, []string{"Has prohibited field Principal"}},
		{"identity prohibits NotPrincipal", KindIdentity, `{` + v + `"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}}`, []string{"Has prohibited field NotPrincipal"}},
		{"trust needs Principal", KindTrust, `{` + v + `"Statement":{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity"}}`, []string{"Missing required field Principal"}},
		{"trust prohibits Resource", KindTrust, `{` + v + `"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}`, []string{"Has prohibited field Resource"}},
		{"resource policy needs Principal", KindResource, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, []string{"Missing required field Principal"}},
		{"Principal with NotPrincipal", KindResource, `{` + v + `"Statement":{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"s3:*","Resource":"*"}}`, []string{"Statement cannot contain both Principal and NotPrincipal"}},
		{"principal wildcard ARN", KindTrust, `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole"}}`, []string{`Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`}},
		{"principal unknown type", KindTrust, `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Users":"x"},"Action":"sts:AssumeRole"}}`, []string{`Invalid principal in policy: unknown principal type "Users"`}},
		{"principal string", KindTrust, `{` + v + `"Statement":{"Effect":"Allow","Principal":"arn:aws:iam::123456789012:root","Action":"sts:AssumeRole"}}`, []string{`Invalid principal in policy: "arn:aws:iam::123456789012:root"`}},
		{"sid not alphanumeric", KindIdentity, `{` + v + `"Statement":{"Sid":"a b","Effect":"Allow","Action":"s3:*","Resource":"*"}}`, []string{"Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"}},
		{"duplicate sid", KindAny, `{` + v + `"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, []string{"Statement IDs (SID) in a single policy must be unique."}},
		{"unknown operator", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}`, []string{"Invalid Condition type : StringEqualz"}},
		{"Null has no IfExists", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}}`, []string{"Invalid Condition type : NullIfExists"}},
		{"empty condition key", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"":"a"}}}}`, []string{"Condition key must not be empty"}},
		{"bad numeric value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}}`, []string{`Condition NumericLessThan key s3:max-keys: invalid numeric value "ten"`}},
		{"NaN numeric value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"NaN"}}}}`, []string{`Condition NumericEquals key s3:max-keys: invalid numeric value "NaN"`}},
		{"bad date value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}}`, []string{`Condition DateLessThan key aws:CurrentTime: invalid date value "tomorrow": must be ISO 8601 or epoch seconds`}},
		{"bad IP value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}}`, []string{`Condition IpAddress key aws:SourceIp: invalid IP address or CIDR range "10.0.0.0/33"`}},
		{"bad bool value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}}`, []string{`Condition Bool key aws:SecureTransport: invalid boolean value "yes": must be true or false`}},
		{"bad binary value", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"BinaryEquals":{"s3:x":"!!"}}}}`, []string{`Condition BinaryEquals key s3:x: invalid binary value "!!": must be base64`}},
		{"condition value object", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}}}`, []string{"Condition key aws:username values must be strings, numbers or booleans, not object"}},
		{"bad default", KindAny, `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, x}"}}`, []string{"invalid default value in policy variable ${aws:username, x}: it must be in single quotes"}},
		{"every problem reported", KindIdentity, `{` + v + `"Statement":[{"Effect":"Permit","Action":"s3:*"},{"Effect":"Allow","Principal":"*","Resource":"*"}]}`,
			[]string{"Policy statement must contain resources.", "Invalid effect: Permit. Effect must be Allow or Deny", "Policy statement must contain actions.", "Has prohibited field Principal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := parseProblems(t, tc.kind, tc.doc)
			var got []string
			for _, p := range ps {
				got = append(got, p.Message)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestParseErrorPositionsAndText(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\",\n    \"Bogus\": 1\n  }\n}"
	_, err := Parse([]byte(doc))
	var pe *ParseError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 {
		t.Fatalf("err = %v", err)
	}
	p := pe.Problems[0]
	if p.Line != 7 || p.Column != 5 || p.Offset != strings.Index(doc, `"Bogus"`) {
		t.Errorf("position = line %d column %d offset %d", p.Line, p.Column, p.Offset)
	}
	if err.Error() != "Unknown field Bogus" || p.String() != "line 7, column 5: Unknown field Bogus" {
		t.Errorf("Error() = %q, String() = %q", err.Error(), p.String())
	}
	two := parseProblems(t, KindIdentity, `{"Statement":{"Principal":"*"}}`)
	if got := (&ParseError{Problems: two}).Error(); got != "Missing required field Effect; Policy statement must contain actions.; Policy statement must contain resources.; Has prohibited field Principal" {
		t.Errorf("joined Error() = %q", got)
	}
}

func TestParseLimits(t *testing.T) {
	big := `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"` + strings.Repeat("a", MaxDocumentBytes) + `"}}`
	if got := parseProblems(t, KindAny, big)[0].Message; got != fmt.Sprintf("Policy document is %d bytes; the limit is 131072", len(big)) {
		t.Errorf("size limit: %q", got)
	}
	long := `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"` + strings.Repeat("a", MaxPatternBytes+1) + `"}}`
	if got := parseProblems(t, KindAny, long)[0].Message; got != "Resource value is 2049 bytes; the limit is 2048" {
		t.Errorf("pattern limit: %q", got)
	}
	deep := strings.Repeat("[", MaxJSONDepth+1) + strings.Repeat("]", MaxJSONDepth+1)
	if got := parseProblems(t, KindAny, deep)[0].Message; got != "The policy is not in the valid JSON format: JSON nested deeper than 16 levels at line 1, column 17" {
		t.Errorf("depth limit: %q", got)
	}
	stmts := `{"Statement":[` + strings.TrimSuffix(strings.Repeat(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},`, MaxStatements+1), ",") + `]}`
	if got := parseProblems(t, KindAny, stmts)[0].Message; got != "Statement has 1001 statements; the limit is 1000" {
		t.Errorf("statement limit: %q", got)
	}
	var conds []string
	for i := 0; i <= MaxConditionEntries; i++ {
		conds = append(conds, `"s3:k`+strings.Repeat("x", i)+`":"v"`)
	}
	manyConds := `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{` + strings.Join(conds, ",") + `}}}}`
	if got := parseProblems(t, KindAny, manyConds)[0].Message; got != "Condition has more than 100 entries" {
		t.Errorf("condition limit: %q", got)
	}
}

func TestParseAccepts(t *testing.T) {
	// Shapes from the IAM User Guide's grammar
	// (reference_policies_grammar): single statement object, string or
	// list values, numbers and booleans as condition values, Version
	// omitted.
	docs := []struct {
		kind Kind
		doc  string
	}{
		{KindIdentity, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}`},
		{KindIdentity, `{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"S1","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:MultiFactorAuthPresent":false}}}]}`},
		{KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}}`},
		{KindResource, `{"Version":"2012-10-17","Statement":{"Sid":"Public read","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`},
		{KindAny, "\ufeff"[3:] + ` { "Statement" : { "Effect" : "Allow" , "Action" : "*" } } `},
	}
	for _, d := range docs {
		p := mustParse(t, d.kind, d.doc)
		if len(p.Statements) == 0 {
			t.Errorf("no statements in %s", d.doc)
		}
	}
}

func TestStatementPositions(t *testing.T) {
	// The AWS CLI's simulate-custom-policy example reports StartPosition
	// {Line 1, Column 38} and EndPosition {Line 1, Column 167} for this
	// document.
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	st := mustParse(t, KindAny, doc).Statements[0]
	if st.Start != (Position{1, 38}) || st.End != (Position{1, 167}) {
		t.Errorf("positions = %+v %+v", st.Start, st.End)
	}
}

func TestContextKeys(t *testing.T) {
	p := mustParse(t, KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x","AWS:USERNAME":"y"}}}}`)
	if got := strings.Join(p.ContextKeys(), ","); got != "aws:username,aws:PrincipalTag/team" {
		t.Errorf("ContextKeys = %s", got)
	}
}
