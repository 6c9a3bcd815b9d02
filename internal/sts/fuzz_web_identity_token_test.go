package sts

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
)

// FuzzWebIdentityTokenInput feeds arbitrary form bodies to
// GetWebIdentityToken's parser: it never panics, every refusal is a 400,
// and whatever it accepts satisfies the model's constraints and builds a
// claims set that is valid JSON holding the audiences and tags as sent.
func FuzzWebIdentityTokenInput(f *testing.F) {
	f.Add("Audience.member.1=https%3A%2F%2Fapi.example.com&SigningAlgorithm=ES384")
	f.Add("Audience.member.1=a&Audience.member.2=b&SigningAlgorithm=RS256&DurationSeconds=3600&Tags.member.1.Key=job&Tags.member.1.Value=42")
	f.Add("Audience=&SigningAlgorithm=HS256&DurationSeconds=59&Tags.member.1.Key=a")
	f.Add("Audience.member.11=x&SigningAlgorithm=ES3844&DurationSeconds=%2B60")
	caller := &authn.Caller{Kind: authn.KindAssumedRole, Account: "111122223333",
		Session: &creds.Session{AccountID: "111122223333", RoleName: "r", RolePath: "/", SessionName: "s",
			Expiry: time.Unix(1790003600, 0), Tags: []creds.Tag{{Key: "team", Value: "x"}}}}
	snap := &iam.Snapshot{}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 8192 {
			return
		}
		p, err := awsquery.Parse("", []byte(body), true)
		if err != nil {
			return
		}
		in, aerr := parseWebIdentityTokenInput(p)
		if aerr != nil {
			if aerr.Status != 400 || aerr.Message == "" {
				t.Fatalf("%q: %d %q", body, aerr.Status, aerr.Message)
			}
			return
		}
		if len(in.Audience) < 1 || len(in.Audience) > maxAudiences || len(in.Tags) > creds.MaxSessionTags ||
			in.DurationSeconds < minWebIdentityTokenDuration || in.DurationSeconds > maxWebIdentityTokenDuration ||
			(in.SigningAlgorithm != "RS256" && in.SigningAlgorithm != "ES384") {
			t.Fatalf("%q accepted: %+v", body, in)
		}
		for _, a := range in.Audience {
			if n := utf8.RuneCountInString(a); n < 1 || n > maxAudienceLength {
				t.Fatalf("%q accepted audience %q", body, a)
			}
		}
		payload, _ := buildWebIdentityClaims("https://sts.example.com", caller, snap, in, "us-east-1", time.Unix(1790000000, 0))
		var claims struct {
			Aud any `json:"aud"`
			AWS struct {
				RequestTags map[string]string `json:"request_tags"`
			} `json:"https://sts.amazonaws.com/"`
		}
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatalf("%q: claims do not parse: %v", body, err)
		}
		if len(in.Audience) == 1 && claims.Aud != in.Audience[0] && utf8.ValidString(in.Audience[0]) {
			t.Fatalf("%q: aud %v", body, claims.Aud)
		}
	})
}
