package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// typicalPolicy is a 10-statement role policy with conditions, the shape of
// real workload policies.
const typicalPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadOwnPrefix", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
     "Resource": "arn:aws:s3:::artifacts/builds/*",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["platform", "infra"]}, "Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::artifacts",
     "Condition": {"StringLike": {"s3:prefix": ["builds/*", "cache/*"]}}},
    {"Sid": "Write", "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
     "Resource": ["arn:aws:s3:::artifacts/builds/*", "arn:aws:s3:::artifacts/cache/*"],
     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}},
    {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:eu-west-1:123456789012:build-*"},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:eu-west-1:123456789012:log-group:/ci/*:*"},
    {"Sid": "Params", "Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/ci/*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
    {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringLike": {"kms:ViaService": "ssm.*.amazonaws.com"}}},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": ["s3:DeleteObject*", "s3:DeleteBucket"], "Resource": "*"},
    {"Sid": "Revoke", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}}},
    {"Sid": "RegionLock", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}
  ]
}`

func typicalRequest() Request {
	c := NewContext()
	c.Set("aws:PrincipalTag/team", "platform")
	c.Set("aws:SecureTransport", "true")
	c.Set("aws:SourceIp", "10.20.30.40")
	c.Set("aws:RequestedRegion", "eu-west-1")
	c.Set("aws:TokenIssueTime", "2026-11-22T05:00:00Z")
	c.Set("aws:CurrentTime", "2026-11-22T05:10:00Z")
	return Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::artifacts/cache/layer-7f3a", Context: c,
		Principal: AWSPrincipal(sessionARN, roleARN)}
}

func TestTypicalPolicyDecision(t *testing.T) {
	p := mustParse(t, KindIdentity, typicalPolicy)
	d := Evaluate(typicalRequest(), Set{Identity: []Named{{"ci", p}}})
	if d.Effect != Allowed || len(d.Matched) != 1 || d.Matched[0].Statement.Sid != "Write" {
		t.Fatalf("typical: %s", d.Explain())
	}
	allocs := testing.AllocsPerRun(100, func() {
		EvaluateInto(&d, typicalRequest2, Set{Identity: []Named{{"ci", p}}})
	})
	if allocs != 0 {
		t.Errorf("EvaluateInto allocates %.0f times per run on the common path", allocs)
	}
}

var typicalRequest2 = typicalRequest()

func BenchmarkEvaluateTypical(b *testing.B) {
	p := mustParse(b, KindIdentity, typicalPolicy)
	req := typicalRequest()
	set := Set{Identity: []Named{{"ci", p}}}
	var d Decision
	b.ReportAllocs()
	for b.Loop() {
		EvaluateInto(&d, req, set)
	}
	if d.Effect != Allowed {
		b.Fatal(d.Explain())
	}
}

func BenchmarkParseTypical(b *testing.B) {
	doc := []byte(typicalPolicy)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAs(doc, KindIdentity); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWildcardPathological matches patterns that make backtracking
// matchers blow up against an 8 KiB string (4× the longest pattern and the
// longest ARN).
func BenchmarkWildcardPathological(b *testing.B) {
	s := strings.Repeat("a", 8*1024)
	cases := map[string]string{
		"stars":        strings.Repeat("*", 1000) + "x",
		"star-a":       strings.Repeat("*a", 1000) + "x",
		"long-segment": "*" + strings.Repeat("a?", 1000) + "x*",
		"near-miss-63": "*" + strings.Repeat("a", 62) + "b*",
		"near-miss-2k": "*" + strings.Repeat("a", 2000) + "b*",
		"many-near":    strings.Repeat("*"+strings.Repeat("a", 30)+"b", 60) + "*",
	}
	for name, p := range cases {
		b.Run(name, func(b *testing.B) {
			r := compileARNPattern(p)
			for b.Loop() {
				if r.match(s) {
					b.Fatal("matched")
				}
			}
		})
	}
}

const githubTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
	"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],
	"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
	"StringLike":{"token.actions.githubusercontent.com:sub":["repo:octo-org/*:ref:refs/heads/main","repo:octo-org/infra:environment:prod"]}}}]}`

func trustRequest() Request {
	c := NewContext()
	c.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
	c.Set("token.actions.githubusercontent.com:sub", "repo:octo-org/app:ref:refs/heads/main")
	c.Set("aws:SourceIp", "198.51.100.7")
	return Request{Action: "sts:AssumeRoleWithWebIdentity", Principal: FederatedPrincipal(githubOIDC), Context: c}
}

func TestTrustEvaluationAllocations(t *testing.T) {
	n := Named{Name: "trust", Policy: mustParse(t, KindTrust, githubTrust)}
	req := trustRequest()
	var d Decision
	EvaluateTrustInto(&d, req, n)
	if d.Effect != Allowed {
		t.Fatal(d.Explain())
	}
	if allocs := testing.AllocsPerRun(100, func() { EvaluateTrustInto(&d, req, n) }); allocs != 0 {
		t.Errorf("EvaluateTrustInto allocates %.0f times per run", allocs)
	}
}

func BenchmarkEvaluateTrust(b *testing.B) {
	n := Named{Name: "trust", Policy: mustParse(b, KindTrust, githubTrust)}
	req := trustRequest()
	var d Decision
	b.ReportAllocs()
	for b.Loop() {
		EvaluateTrustInto(&d, req, n)
	}
}

// BenchmarkParse100KB parses a document near the size limit.
func BenchmarkParse100KB(b *testing.B) {
	var stmts []string
	for i := 0; len(strings.Join(stmts, ",")) < 100*1024; i++ {
		stmts = append(stmts, `{"Sid":"S`+strings.Repeat("x", i%7)+itoa(i)+`","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::bucket-`+itoa(i)+`/*","Condition":{"StringLike":{"aws:PrincipalTag/team":"t*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)
	}
	doc := []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAs(doc, KindIdentity); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// BenchmarkStdlibJSON100KB decodes the same document with encoding/json
// into an interface value: the ratio to BenchmarkParse100KB measured in
// the same run is the cost of validation and compilation.
func BenchmarkStdlibJSON100KB(b *testing.B) {
	var stmts []string
	for i := 0; len(strings.Join(stmts, ",")) < 100*1024; i++ {
		stmts = append(stmts, `{"Sid":"S`+strings.Repeat("x", i%7)+itoa(i)+`","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::bucket-`+itoa(i)+`/*","Condition":{"StringLike":{"aws:PrincipalTag/team":"t*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)
	}
	doc := []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
}
