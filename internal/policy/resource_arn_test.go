package policy

import (
	"strings"
	"testing"
)

// IAM JSON policy elements: Resource — "You specify a resource using an
// ARN", or "*". IAM rejects any other Resource or NotResource entry of an
// identity-based policy with MalformedPolicyDocument `Resource X must be in
// ARN format or "*".` (the text IAM answers, e.g. "Resource sns-topic-name
// must be in ARN format or \"*\"." in trussworks/terraform-aws-s3-anti-virus
// issue 21, and "Resource  must be in ARN format or \"*\"." for an empty
// entry in felipefrizzo/terraform-aws-transfer-server issue 6).
func TestParseResourceARNFormat(t *testing.T) {
	const res = "reference_policies_elements_resource"
	doc := func(element, values string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","` + element + `":` + values + `}}`
	}
	resDoc := func(values string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":` + values + `}}`
	}
	msg := func(v string) string { return `Resource ` + v + ` must be in ARN format or "*".` }
	rejects := []struct {
		rule string
		kind Kind
		doc  string
		want []string
	}{
		{res + ": a bare name", KindIdentity, doc("Resource", `"sns-topic-name"`), []string{msg("sns-topic-name")}},
		{res + ": text with a space", KindIdentity, doc("Resource", `"invalid resource"`), []string{msg("invalid resource")}},
		{res + ": the empty string", KindIdentity, doc("Resource", `""`), []string{msg("")}},
		{res + ": a bucket name with a path", KindIdentity, doc("Resource", `"my-bucket/*"`), []string{msg("my-bucket/*")}},
		{res + ": a registry host", KindIdentity, doc("Resource", `"174313347505.dkr.ecr.us-west-2.amazonaws.com/repo"`), []string{msg("174313347505.dkr.ecr.us-west-2.amazonaws.com/repo")}},
		{res + ": a path", KindIdentity, doc("Resource", `"/aws/appsync/apis/3908675c"`), []string{msg("/aws/appsync/apis/3908675c")}},
		{res + ": an ARN without the arn: prefix", KindIdentity, doc("Resource", `"aws:s3:::example_bucket"`), []string{msg("aws:s3:::example_bucket")}},
		{res + ": ARN is case-sensitive", KindIdentity, doc("Resource", `"ARN:aws:s3:::b"`), []string{msg("ARN:aws:s3:::b")}},
		{res + ": a wildcard that is not alone", KindIdentity, doc("Resource", `"*bucket*"`), []string{msg("*bucket*")}},
		{res + ": no service segment", KindIdentity, doc("Resource", `"arn:aws"`), []string{msg("arn:aws")}},
		{res + ": no service segment, even with a wildcard", KindIdentity, doc("Resource", `"arn:*"`), []string{msg("arn:*")}},
		{res + ": too few segments (a colon missing)", KindIdentity, doc("Resource", `"arn:aws:s3::example_bucket"`), []string{msg("arn:aws:s3::example_bucket")}},
		{res + ": too few segments in an IAM ARN", KindIdentity, doc("Resource", `"arn:aws:iam:123456789012:user/bob"`), []string{msg("arn:aws:iam:123456789012:user/bob")}},
		{res + ": only a variable", KindIdentity, doc("Resource", `"${aws:username}"`), []string{msg("${aws:username}")}},
		{res + ": colons inside a variable are not segments", KindIdentity, doc("Resource", `"arn:aws:s3:${aws:username}"`), []string{msg("arn:aws:s3:${aws:username}")}},
		{res + ": NotResource too", KindIdentity, doc("NotResource", `"secret-bucket"`), []string{msg("secret-bucket")}},
		{res + ": every bad entry of a list", KindIdentity, doc("Resource", `["arn:aws:s3:::ok","a","*","b"]`), []string{msg("a"), msg("b")}},
		{res + ": resource-based policies too", KindResource, resDoc(`"my-queue"`), []string{msg("my-queue")}},
		{res + ": Version 2008-10-17 too", KindIdentity, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"b"}}`, []string{msg("b")}},
	}
	for _, tc := range rejects {
		var got []string
		for _, p := range parseProblems(t, tc.kind, tc.doc) {
			got = append(got, p.Message)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: problems %q, want %q", tc.rule, got, tc.want)
		}
	}

	accepts := []struct {
		rule string
		kind Kind
		doc  string
	}{
		{res + ": the wildcard", KindIdentity, doc("Resource", `"*"`)},
		{res + ": an S3 ARN", KindIdentity, doc("Resource", `"arn:aws:s3:::my_corporate_bucket/*"`)},
		{res + ": an IAM ARN", KindIdentity, doc("Resource", `"arn:aws:iam::123456789012:user/accounting/*"`)},
		{res + ": a resource segment with colons", KindIdentity, doc("Resource", `"arn:aws:logs:us-east-1:123456789012:log-group:g:*"`)},
		{res + ": another partition", KindIdentity, doc("Resource", `"arn:aws-cn:sqs:cn-north-1:123456789012:queue1"`)},
		{res + ": a trailing * expands beyond colons", KindIdentity, doc("Resource", `"arn:aws:s3:*"`)},
		{res + ": wildcards in segments", KindIdentity, doc("NotResource", `"arn:aws:sns:*:123456789012:*"`)},
		{res + ": a variable in the resource segment", KindIdentity, doc("Resource", `"arn:aws:s3:::b/${aws:username}/*"`)},
		{res + ": a variable with a colon in its name", KindIdentity, doc("Resource", `"arn:aws:s3:::b/${aws:PrincipalTag/team, 'x:y'}"`)},
		{res + ": resource-based policies", KindResource, resDoc(`["arn:aws:sqs:us-east-2:123456789012:q","*"]`)},
		{"KindAny applies the grammar only", KindAny, doc("Resource", `"sns-topic-name"`)},
	}
	for _, tc := range accepts {
		if _, err := ParseAs([]byte(tc.doc), tc.kind); err != nil {
			t.Errorf("%s: %v", tc.rule, err)
		}
	}
}
