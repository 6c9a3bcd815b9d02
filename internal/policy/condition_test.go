package policy

import (
	"testing"
)

// ctxOf builds a context: a key with one value is single-valued; a key
// whose name starts with "[]" is multivalued.
func ctxOf(kv map[string][]string) *Context {
	c := NewContext()
	for k, v := range kv {
		if len(k) > 2 && k[:2] == "[]" {
			c.SetList(k[2:], v...)
			continue
		}
		c.Set(k, v...)
	}
	return c
}

// condHolds evaluates one Condition block in an Allow statement.
func condHolds(t *testing.T, version, cond string, ctx *Context) (bool, Decision) {
	t.Helper()
	doc := `{"Version":"` + version + `","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}}`
	p := mustParse(t, KindIdentity, doc)
	d := Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ctx}, Set{Identity: []Named{{"p", p}}})
	return d.Effect == Allowed, d
}

type condCase struct {
	rule string // the IAM User Guide page and rule
	cond string
	ctx  map[string][]string
	want bool
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		got, d := condHolds(t, Version2012, tc.cond, ctxOf(tc.ctx))
		if got != tc.want {
			t.Errorf("%s: %s with %v = %v, want %v (%s)", tc.rule, tc.cond, tc.ctx, got, tc.want, d.Explain())
		}
	}
}

func TestConditionOperators(t *testing.T) {
	const ops = "reference_policies_elements_condition_operators"
	runCondCases(t, []condCase{
		{ops + ": StringEquals exact, case-sensitive", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, map[string][]string{"aws:PrincipalTag/job-category": {"iamuser-admin"}}, true},
		{ops + ": StringEquals case-sensitive", `{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}`, map[string][]string{"aws:PrincipalTag/job-category": {"IAMUSER-ADMIN"}}, false},
		{ops + ": StringEquals has no wildcards", `{"StringEquals":{"aws:username":"a*"}}`, map[string][]string{"aws:username": {"ab"}}, false},
		{ops + ": StringNotEquals", `{"StringNotEquals":{"aws:username":"bob"}}`, map[string][]string{"aws:username": {"alice"}}, true},
		{ops + ": StringNotEquals", `{"StringNotEquals":{"aws:username":"bob"}}`, map[string][]string{"aws:username": {"bob"}}, false},
		{ops + ": StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/name":"Bob"}}`, map[string][]string{"aws:PrincipalTag/name": {"BOB"}}, true},
		{ops + ": StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/name":"Bob"}}`, map[string][]string{"aws:PrincipalTag/name": {"bob"}}, false},
		{ops + ": StringLike multi-character wildcard", `{"StringLike":{"s3:prefix":"home/*"}}`, map[string][]string{"s3:prefix": {"home/bob/x"}}, true},
		{ops + ": StringLike single-character wildcard", `{"StringLike":{"s3:prefix":"home/?"}}`, map[string][]string{"s3:prefix": {"home/ab"}}, false},
		{ops + ": StringLike case-sensitive", `{"StringLike":{"s3:prefix":"Home/*"}}`, map[string][]string{"s3:prefix": {"home/x"}}, false},
		{ops + ": StringNotLike", `{"StringNotLike":{"s3:prefix":"home/*"}}`, map[string][]string{"s3:prefix": {"tmp/x"}}, true},
		{ops + ": NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, map[string][]string{"s3:max-keys": {"9"}}, true},
		{ops + ": NumericLessThan", `{"NumericLessThan":{"s3:max-keys":"10"}}`, map[string][]string{"s3:max-keys": {"10"}}, false},
		{ops + ": NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":10}}`, map[string][]string{"s3:max-keys": {"10"}}, true},
		{ops + ": NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"1.5"}}`, map[string][]string{"s3:max-keys": {"2"}}, true},
		{ops + ": NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"s3:max-keys":"2"}}`, map[string][]string{"s3:max-keys": {"1"}}, false},
		{ops + ": NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, map[string][]string{"s3:max-keys": {"10.0"}}, true},
		{ops + ": NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, map[string][]string{"s3:max-keys": {"11"}}, true},
		{ops + ": a non-numeric context value matches nothing", `{"NumericEquals":{"s3:max-keys":"10"}}`, map[string][]string{"s3:max-keys": {"ten"}}, false},
		{ops + ": DateGreaterThan ISO 8601", `{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}`, map[string][]string{"aws:CurrentTime": {"2019-04-25T11:00:00Z"}}, true},
		{ops + ": DateGreaterThan ISO 8601", `{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}`, map[string][]string{"aws:CurrentTime": {"2018-08-16T11:00:00Z"}}, false},
		{ops + ": DateLessThan with zone offset", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00+01:00"}}`, map[string][]string{"aws:CurrentTime": {"2019-12-31T23:30:00Z"}}, false},
		{ops + ": DateLessThan epoch value", `{"DateLessThan":{"aws:EpochTime":"1577836800"}}`, map[string][]string{"aws:EpochTime": {"1577836799"}}, true},
		{ops + ": epoch vs ISO", `{"DateEquals":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}`, map[string][]string{"aws:TokenIssueTime": {"1577836800"}}, true},
		{ops + ": DateLessThanEquals", `{"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01"}}`, map[string][]string{"aws:CurrentTime": {"2020-01-01T00:00:00Z"}}, true},
		{ops + ": DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"}}`, map[string][]string{"aws:CurrentTime": {"2019-12-31T23:59:59Z"}}, false},
		{ops + ": DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, map[string][]string{"aws:CurrentTime": {"2020-01-01T00:00:01Z"}}, true},
		{ops + ": Bool", `{"Bool":{"aws:SecureTransport":"true"}}`, map[string][]string{"aws:SecureTransport": {"true"}}, true},
		{ops + ": Bool", `{"Bool":{"aws:SecureTransport":"false"}}`, map[string][]string{"aws:SecureTransport": {"true"}}, false},
		{ops + ": Bool with JSON boolean", `{"Bool":{"aws:MultiFactorAuthPresent":true}}`, map[string][]string{"aws:MultiFactorAuthPresent": {"TRUE"}}, true},
		{ops + ": BinaryEquals (the guide's example key)", `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, map[string][]string{"key": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, true},
		{ops + ": BinaryEquals", `{"BinaryEquals":{"s3:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, map[string][]string{"s3:key": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, true},
		{ops + ": BinaryEquals compares bytes", `{"BinaryEquals":{"s3:key":"AAE="}}`, map[string][]string{"s3:key": {"AAI="}}, false},
		{ops + ": IpAddress CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, map[string][]string{"aws:SourceIp": {"203.0.113.7"}}, true},
		{ops + ": IpAddress CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, map[string][]string{"aws:SourceIp": {"203.0.114.7"}}, false},
		{ops + ": IpAddress IPv6", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, map[string][]string{"aws:SourceIp": {"2001:db8:1234:5678::1"}}, true},
		{ops + ": IpAddress single address", `{"IpAddress":{"aws:SourceIp":"203.0.113.1"}}`, map[string][]string{"aws:SourceIp": {"203.0.113.1"}}, true},
		{ops + ": IpAddress IPv4-mapped", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, map[string][]string{"aws:SourceIp": {"::ffff:10.1.2.3"}}, true},
		{ops + ": NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, map[string][]string{"aws:SourceIp": {"198.51.100.1"}}, true},
		{ops + ": NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, map[string][]string{"aws:SourceIp": {"192.0.2.9"}}, false},
		{ops + ": ArnLike", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:topic"}}, true},
		{ops + ": ArnEquals per segment", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:123456789012:Topic"}}, false},
		{ops + ": ArnNotLike", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}`, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/dev"}}, true},
		{ops + ": ArnNotEquals", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/dev"}}`, map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/dev"}}, false},
		{ops + ": Arn operators need an ARN", `{"ArnLike":{"aws:SourceArn":"*"}}`, map[string][]string{"aws:SourceArn": {"not-an-arn"}}, false},
		{ops + ": several values of one key are ORed", `{"StringEquals":{"aws:username":["alice","bob"]}}`, map[string][]string{"aws:username": {"bob"}}, true},
		{ops + ": several keys are ANDed", `{"StringEquals":{"aws:username":"bob","aws:PrincipalTag/team":"x"}}`, map[string][]string{"aws:username": {"bob"}, "aws:PrincipalTag/team": {"y"}}, false},
		{ops + ": several operators are ANDed", `{"StringEquals":{"aws:username":"bob"},"Bool":{"aws:SecureTransport":"true"}}`, map[string][]string{"aws:username": {"bob"}, "aws:SecureTransport": {"true"}}, true},
		{ops + ": condition keys are case-insensitive", `{"StringEquals":{"AWS:UserName":"bob"}}`, map[string][]string{"aws:username": {"bob"}}, true},
		{ops + ": missing key, positive operator is false", `{"StringEquals":{"aws:username":"bob"}}`, nil, false},
		{ops + ": missing key, negated operator is true", `{"StringNotLike":{"aws:username":"bob"}}`, nil, true},
		{ops + ": missing key, NotIpAddress is true", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
	})
}

func TestConditionIfExistsAndNull(t *testing.T) {
	const ifx = "reference_policies_elements_condition_operators (IfExists)"
	const null = "reference_policies_elements_condition_operators (Null)"
	runCondCases(t, []condCase{
		{ifx + ": present key is checked", `{"StringEqualsIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}}`, map[string][]string{"ec2:InstanceType": {"m5.large"}}, false},
		{ifx + ": absent key makes the condition true", `{"StringEqualsIfExists":{"ec2:InstanceType":"t2.micro"}}`, nil, true},
		{ifx + ": StringLikeIfExists present", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}}`, map[string][]string{"ec2:InstanceType": {"t2.micro"}}, true},
		{ifx + ": negated IfExists absent", `{"StringNotEqualsIfExists":{"aws:username":"bob"}}`, nil, true},
		{ifx + ": IpAddressIfExists absent", `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{ifx + ": BoolIfExists present false", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`, map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}, false},
		{null + ": true when absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{null + ": true when absent (present key)", `{"Null":{"aws:TokenIssueTime":"true"}}`, map[string][]string{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, false},
		{null + ": false when present", `{"Null":{"aws:TokenIssueTime":"false"}}`, map[string][]string{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, true},
		{null + ": false when present (absent key)", `{"Null":{"aws:TokenIssueTime":"false"}}`, nil, false},
		{null + ": an empty multivalued key is null", `{"Null":{"aws:TagKeys":"true"}}`, map[string][]string{"[]aws:TagKeys": {}}, true},
	})
}

func TestConditionSetQualifiers(t *testing.T) {
	const mv = "reference_policies_condition-single-vs-multi-valued-context-keys"
	runCondCases(t, []condCase{
		{mv + ": ForAllValues every request value in the policy set", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, map[string][]string{"[]aws:TagKeys": {"environment"}}, true},
		{mv + ": ForAllValues one value outside", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, map[string][]string{"[]aws:TagKeys": {"environment", "owner"}}, false},
		{mv + ": ForAllValues is true when the key is missing (pitfall)", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, nil, true},
		{mv + ": ForAllValues is true when the key is empty (pitfall)", `{"ForAllValues:StringEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {}}, true},
		{mv + ": ForAnyValue one value in the set", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}`, map[string][]string{"[]aws:TagKeys": {"owner", "cost-center"}}, true},
		{mv + ": ForAnyValue none in the set", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"owner"}}, false},
		{mv + ": ForAnyValue is false when the key is missing", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}`, nil, false},
		{mv + ": ForAnyValue negated: some value outside the set", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"environment", "owner"}}, true},
		{mv + ": ForAnyValue negated: all values inside", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"environment"}}, false},
		{mv + ": ForAnyValue negated on a missing key is false", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}`, nil, false},
		{mv + ": ForAllValues negated: no value in the set", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"owner", "team"}}, true},
		{mv + ": ForAllValues negated: a value in the set", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["environment"]}}`, map[string][]string{"[]aws:TagKeys": {"owner", "environment"}}, false},
		{mv + ": ForAllValues negated on a missing key is true", `{"ForAllValues:StringNotLike":{"aws:TagKeys":["env*"]}}`, nil, true},
		{mv + ": ForAnyValue with IfExists on a missing key is true", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["environment"]}}`, nil, true},
		{mv + ": ForAnyValue:StringLike", `{"ForAnyValue:StringLike":{"aws:TagKeys":["env*"]}}`, map[string][]string{"[]aws:TagKeys": {"owner", "environment"}}, true},
		{mv + ": single-valued operator on a multivalued key matches any value", `{"StringEquals":{"aws:TagKeys":"owner"}}`, map[string][]string{"[]aws:TagKeys": {"environment", "owner"}}, true},
		{mv + ": negated single-valued operator on a multivalued key needs no value to match", `{"StringNotEquals":{"aws:TagKeys":"owner"}}`, map[string][]string{"[]aws:TagKeys": {"environment", "owner"}}, false},
	})
}

func TestConditionExplanation(t *testing.T) {
	ok, d := condHolds(t, Version2012, `{"StringEquals":{"aws:username":"bob"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctxOf(map[string][]string{"aws:username": {"alice"}}))
	if ok {
		t.Fatal("allowed")
	}
	if len(d.Failed) != 1 {
		t.Fatalf("failed = %+v", d.Failed)
	}
	f := d.Failed[0]
	if f.Operator != "StringEquals" || f.Key != "aws:username" || f.Reason != FailNoMatch {
		t.Errorf("failure = %+v", f)
	}
	if got := f.String(); got != "identity policy p statement 0: condition StringEquals on aws:username failed: no value of the key matches a policy value" {
		t.Errorf("String() = %q", got)
	}
	if len(d.MissingKeys) != 1 || d.MissingKeys[0] != "aws:SourceIp" {
		t.Errorf("missing keys = %v", d.MissingKeys)
	}
}
