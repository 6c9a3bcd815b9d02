package sts

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/awsquery"
)

// FuzzAssumeRoleInput feeds arbitrary form bodies to AssumeRole's parser:
// it must never panic, and whatever it accepts satisfies the model's
// constraints and the tag rules.
func FuzzAssumeRoleInput(f *testing.F) {
	f.Add("RoleArn=arn:aws:iam::111122223333:role/r&RoleSessionName=s1")
	f.Add("RoleArn=arn:aws:iam::111122223333:role/r&RoleSessionName=s1&Tags.member.1.Key=a&Tags.member.1.Value=b&TransitiveTagKeys.member.1=A&SourceIdentity=x1&ExternalId=e1&DurationSeconds=900")
	f.Add("RoleArn=x&RoleSessionName=&Tags.member.1.Key=a&Tags.member.2.Key=A&ProvidedContexts.member.1.ProviderArn=p&PolicyArns.member.1.arn=a&Policy=%7B")
	f.Add("Tags=&TransitiveTagKeys=&PolicyArns=&SerialNumber=123456789&TokenCode=12a456&MinimumSessionTokenSize=-1")
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 8192 {
			return
		}
		p, err := awsquery.Parse("", []byte(body), true)
		if err != nil {
			return
		}
		in, aerr := parseAssumeRoleInput(p)
		if aerr != nil {
			if aerr.Status != 400 || aerr.Message == "" {
				t.Fatalf("%q: %d %q", body, aerr.Status, aerr.Message)
			}
			return
		}
		if len(in.RoleSessionName) < 2 || len(in.RoleSessionName) > 64 || !isSessionName(in.RoleSessionName) ||
			in.DurationSeconds < minDuration || in.DurationSeconds > maxDuration || len(in.Tags) > 50 {
			t.Fatalf("%q accepted: %+v", body, in)
		}
		seen := map[string]bool{}
		for _, tag := range in.Tags {
			if seen[strings.ToLower(tag.Key)] || hasAWSPrefix(tag.Key) {
				t.Fatalf("%q accepted tags %v", body, in.Tags)
			}
			seen[strings.ToLower(tag.Key)] = true
		}
		for _, k := range in.TransitiveTagKeys {
			if !seen[strings.ToLower(k)] {
				t.Fatalf("%q accepted transitive key %q", body, k)
			}
		}
	})
}
