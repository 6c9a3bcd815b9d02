package policy

import (
	"strings"
	"testing"
)

// IAM User Guide, "IAM policy elements: Variables and tags", section
// "Policy variables with no value": a variable whose key has no value is
// effectively null; operators such as StringEquals or StringLike do not
// match it, inverted operators such as StringNotEquals or StringNotLike do.
func TestPolicyVariableWithNoValueInConditions(t *testing.T) {
	const nv = "reference_policies_variables (Policy variables with no value)"
	const ifx = "reference_policies_elements_condition_operators (IfExists) with " + nv
	const mv = "reference_policies_condition-single-vs-multi-valued-context-keys with " + nv
	team := map[string][]string{"aws:ResourceTag/team": {"blue"}}
	runCondCases(t, []condCase{
		// Positive operators do not match the null value.
		{nv + ": StringEquals does not match", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, false},
		{nv + ": StringLike does not match", `{"StringLike":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}*"}}`, team, false},
		{nv + ": StringEqualsIgnoreCase does not match", `{"StringEqualsIgnoreCase":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, false},
		{nv + ": ArnEquals does not match", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:${aws:PrincipalTag/topic}"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:t"}}, false},
		{nv + ": ArnLike does not match", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:${aws:PrincipalTag/topic}"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:t"}}, false},
		{nv + ": IpAddress does not match", `{"IpAddress":{"aws:SourceIp":"${aws:PrincipalTag/cidr}"}}`, map[string][]string{"aws:SourceIp": {"10.0.0.1"}}, false},
		// Inverted operators match it.
		{nv + ": StringNotEquals matches", `{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, true},
		{nv + ": StringNotLike matches", `{"StringNotLike":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}*"}}`, team, true},
		{nv + ": StringNotEqualsIgnoreCase matches", `{"StringNotEqualsIgnoreCase":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, true},
		{nv + ": ArnNotEquals matches", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:${aws:PrincipalTag/topic}"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:t"}}, true},
		{nv + ": ArnNotLike matches", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:${aws:PrincipalTag/topic}"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:t"}}, true},
		{nv + ": NotIpAddress matches", `{"NotIpAddress":{"aws:SourceIp":"${aws:PrincipalTag/cidr}"}}`, map[string][]string{"aws:SourceIp": {"10.0.0.1"}}, true},
		{nv + ": NumericNotEquals matches", `{"NumericNotEquals":{"s3:max-keys":"${aws:PrincipalTag/max}"}}`, map[string][]string{"s3:max-keys": {"10"}}, true},
		{nv + ": DateNotEquals matches", `{"DateNotEquals":{"aws:CurrentTime":"${aws:PrincipalTag/day}"}}`, map[string][]string{"aws:CurrentTime": {"2020-01-01T00:00:00Z"}}, true},
		// Only the value with the variable is null; the others still count.
		{nv + ": another value of StringEquals still matches", `{"StringEquals":{"aws:ResourceTag/team":["${aws:PrincipalTag/team}","blue"]}}`, team, true},
		{nv + ": another value of StringNotEquals still excludes", `{"StringNotEquals":{"aws:ResourceTag/team":["${aws:PrincipalTag/team}","blue"]}}`, team, false},
		{nv + ": another value of StringNotEquals, no match", `{"StringNotEquals":{"aws:ResourceTag/team":["${aws:PrincipalTag/team}","red"]}}`, team, true},
		{nv + ": text around the variable does not rescue it", `{"StringEquals":{"aws:ResourceTag/team":"blue${aws:PrincipalTag/team}"}}`, team, false},
		// A default value is a value.
		{nv + ": the default is used", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'blue'}"}}`, team, true},
		{nv + ": a multivalued key has no value as a variable", `{"StringNotEquals":{"aws:ResourceTag/team":"${aws:TagKeys}"}}`, map[string][]string{"aws:ResourceTag/team": {"blue"}, "[]aws:TagKeys": {"blue"}}, true},
		// IfExists looks at the condition key, not at the variable.
		{ifx + ": key present, StringEqualsIfExists does not match", `{"StringEqualsIfExists":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, false},
		{ifx + ": key present, StringNotEqualsIfExists matches", `{"StringNotEqualsIfExists":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, team, true},
		{ifx + ": key absent too, StringEqualsIfExists holds", `{"StringEqualsIfExists":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, nil, true},
		// The condition key missing as well: the missing-key rule.
		{nv + ": key absent too, StringEquals does not match", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, nil, false},
		{nv + ": key absent too, StringNotEquals matches", `{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, nil, true},
		// Set operators compare against the values that have one.
		{mv + ": ForAnyValue:StringEquals finds nothing", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"${aws:PrincipalTag/team}"}}`, map[string][]string{"[]aws:TagKeys": {"blue"}}, false},
		{mv + ": ForAnyValue:StringNotEquals finds a value", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"${aws:PrincipalTag/team}"}}`, map[string][]string{"[]aws:TagKeys": {"blue"}}, true},
		{mv + ": ForAllValues:StringEquals fails on a value", `{"ForAllValues:StringEquals":{"aws:TagKeys":"${aws:PrincipalTag/team}"}}`, map[string][]string{"[]aws:TagKeys": {"blue"}}, false},
		{mv + ": ForAllValues:StringNotEquals holds for every value", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":"${aws:PrincipalTag/team}"}}`, map[string][]string{"[]aws:TagKeys": {"blue", "red"}}, true},
	})
}

// The Deny example of "Policy variables with no value": access is
// explicitly denied when aws:PrincipalTag/Team is not set.
func TestPolicyVariableWithNoValueGuideDenyExample(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
	  {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
	   "Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]}`
	p := mustParse(t, KindIdentity, doc)
	tests := []struct {
		name string
		ctx  map[string][]string
		want Outcome
	}{
		{"principal tag not set, object tagged", map[string][]string{"s3:ExistingObjectTag/Team": {"blue"}}, ExplicitDeny},
		{"principal tag not set, object untagged", nil, ExplicitDeny},
		{"same team", map[string][]string{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"blue"}}, Allowed},
		{"other team", map[string][]string{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"red"}}, ExplicitDeny},
		{"object untagged", map[string][]string{"aws:PrincipalTag/Team": {"blue"}}, ExplicitDeny},
		{"variable names are case-insensitive", map[string][]string{"s3:ExistingObjectTag/Team": {"blue"}, "aws:principaltag/team": {"blue"}}, Allowed},
	}
	for _, tc := range tests {
		d := Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/report.csv", Context: ctxOf(tc.ctx)}, Set{Identity: []Named{{"p", p}}})
		if d.Effect != tc.want {
			t.Errorf("reference_policies_variables (Policy variables with no value), Deny example, %s: %s, want %s (%s)", tc.name, d.Effect, tc.want, d.Explain())
		}
	}
}

// "If a variable that has no value in the authorization context is used
// as part of the Resource or NotResource element of a policy, the resource
// that includes a policy variable with no value will not match any
// resource." The other entries of the element still count.
func TestPolicyVariableWithNoValueInResource(t *testing.T) {
	const nv = "reference_policies_variables (Policy variables with no value)"
	tests := []struct {
		rule, effect, element, values string
		ctx                           map[string][]string
		resource                      string
		want                          Outcome
		missing                       string // the missing keys, as written
	}{
		{nv + ": the entry matches nothing", "Allow", "Resource", `"arn:aws:s3:::b/${aws:username}/*"`, nil, "arn:aws:s3:::b//x", ImplicitDeny, "aws:username"},
		{nv + ": another Resource entry still matches", "Allow", "Resource", `["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::public/*"]`, nil, "arn:aws:s3:::public/x", Allowed, "aws:username"},
		{nv + ": another Resource entry, after it in order", "Allow", "Resource", `["arn:aws:s3:::public/*","arn:aws:s3:::b/${aws:username}/*"]`, nil, "arn:aws:s3:::public/x", Allowed, ""},
		{nv + ": a Deny entry with no value denies nothing", "Deny", "Resource", `"arn:aws:s3:::b/${aws:username}/*"`, nil, "arn:aws:s3:::b/bob/x", Allowed, "aws:username"},
		{nv + ": a NotResource entry with no value excludes nothing", "Allow", "NotResource", `"arn:aws:s3:::b/${aws:username}/*"`, nil, "arn:aws:s3:::b/bob/x", Allowed, "aws:username"},
		{nv + ": a NotResource Deny with no value denies everything else", "Deny", "NotResource", `["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::public/*"]`, nil, "arn:aws:s3:::b/bob/x", ExplicitDeny, "aws:username"},
		{nv + ": the other NotResource entry still excludes", "Deny", "NotResource", `["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::public/*"]`, nil, "arn:aws:s3:::public/x", Allowed, "aws:username"},
		{nv + ": with a value, NotResource excludes", "Allow", "NotResource", `"arn:aws:s3:::b/${aws:username}/*"`, map[string][]string{"aws:username": {"bob"}}, "arn:aws:s3:::b/bob/x", ImplicitDeny, ""},
	}
	for _, tc := range tests {
		doc := `{"Version":"2012-10-17","Statement":[`
		if tc.effect == "Deny" {
			doc += `{"Effect":"Allow","Action":"s3:*","Resource":"*"},`
		}
		doc += `{"Effect":"` + tc.effect + `","Action":"s3:GetObject","` + tc.element + `":` + tc.values + `}]}`
		d := Evaluate(Request{Action: "s3:GetObject", Resource: tc.resource, Context: ctxOf(tc.ctx)}, Set{Identity: []Named{{"p", mustParse(t, KindIdentity, doc)}}})
		if d.Effect != tc.want {
			t.Errorf("%s: %s on %s = %s, want %s (%s)", tc.rule, tc.values, tc.resource, d.Effect, tc.want, d.Explain())
		}
		if got := strings.Join(d.MissingKeys, ","); got != tc.missing {
			t.Errorf("%s: missing keys %q, want %q", tc.rule, got, tc.missing)
		}
	}
}

// The explanation of a condition that failed on a variable with no value
// names the variable, and the variable is a missing key even when the
// condition holds.
func TestPolicyVariableWithNoValueExplanation(t *testing.T) {
	ctx := ctxOf(map[string][]string{"aws:ResourceTag/team": {"blue"}})
	ok, d := condHolds(t, Version2012, `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, ctx)
	if ok || len(d.Failed) != 1 {
		t.Fatalf("allowed=%v failed=%v", ok, d.Failed)
	}
	if got, want := d.Failed[0].String(), "identity policy p statement 0: condition StringEquals on aws:ResourceTag/team: policy variable ${aws:PrincipalTag/team} has no value"; got != want {
		t.Errorf("failure = %q, want %q", got, want)
	}
	ok, d = condHolds(t, Version2012, `{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, ctx)
	if !ok || len(d.MissingKeys) != 1 || d.MissingKeys[0] != "aws:PrincipalTag/team" {
		t.Errorf("allowed=%v missing=%v, want allowed with missing [aws:PrincipalTag/team]", ok, d.MissingKeys)
	}
}

// "Single-valued vs. multivalued context keys": ForAllValues "also returns
// true if there are no context keys in the request or if the context key
// value resolves to a null dataset, such as an empty string"; ForAnyValue
// returns false "for no matching context key or a null dataset"; the Null
// operator with false guards against "context keys with empty values".
func TestConditionNullDataset(t *testing.T) {
	const mv = "reference_policies_condition-single-vs-multi-valued-context-keys"
	empty := map[string][]string{"[]aws:TagKeys": {""}}
	runCondCases(t, []condCase{
		{mv + ": ForAllValues on a missing key is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, nil, true},
		{mv + ": ForAllValues on an empty list is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {}}, true},
		{mv + ": ForAllValues on an empty string is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, empty, true},
		{mv + ": ForAllValues on empty strings only is true", `{"ForAllValues:StringLike":{"aws:TagKeys":["env*"]}}`, map[string][]string{"[]aws:TagKeys": {"", ""}}, true},
		{mv + ": ForAllValues on a single-valued empty string is true", `{"ForAllValues:StringEquals":{"aws:username":"bob"}}`, map[string][]string{"aws:username": {""}}, true},
		{mv + ": ForAllValues negated on an empty string is true", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":[""]}}`, empty, true},
		{mv + ": an empty string beside a value is a value", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"", "environment"}}, false},
		{mv + ": ForAnyValue on an empty string is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":[""]}}`, empty, false},
		{mv + ": ForAnyValue negated on an empty string is false", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, empty, false},
		{mv + ": ForAnyValue on empty strings only is false", `{"ForAnyValue:StringLike":{"aws:TagKeys":["*"]}}`, map[string][]string{"[]aws:TagKeys": {"", ""}}, false},
		{mv + ": ForAnyValue still sees an empty string beside a value", `{"ForAnyValue:StringEquals":{"aws:TagKeys":[""]}}`, map[string][]string{"[]aws:TagKeys": {"", "owner"}}, true},
		{mv + ": Null false fails on an empty string", `{"Null":{"aws:TagKeys":"false"}}`, empty, false},
		{mv + ": Null true holds on an empty string", `{"Null":{"aws:TagKeys":"true"}}`, empty, true},
		{mv + ": the guide's guard: ForAllValues with Null false", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]},"Null":{"aws:TagKeys":"false"}}`, empty, false},
		{mv + ": the guard lets real values through", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]},"Null":{"aws:TagKeys":"false"}}`, map[string][]string{"[]aws:TagKeys": {"environment"}}, true},
		{mv + ": an operator without qualifier compares the empty string", `{"StringEquals":{"aws:username":""}}`, map[string][]string{"aws:username": {""}}, true},
	})
}

// A ForAnyValue condition on a null dataset explains itself as a key
// without value, whether the key is absent or holds only empty strings.
func TestConditionNullDatasetExplanation(t *testing.T) {
	for _, ctx := range []map[string][]string{nil, {"[]aws:TagKeys": {""}}} {
		ok, d := condHolds(t, Version2012, `{"ForAnyValue:StringEquals":{"aws:TagKeys":"x"}}`, ctxOf(ctx))
		if ok || len(d.Failed) != 1 {
			t.Fatalf("%v: allowed=%v failed=%v", ctx, ok, d.Failed)
		}
		if got, want := d.Failed[0].String(), "identity policy p statement 0: condition ForAnyValue:StringEquals on aws:TagKeys failed: the key has no value in the request context"; got != want {
			t.Errorf("%v: failure = %q, want %q", ctx, got, want)
		}
	}
}
