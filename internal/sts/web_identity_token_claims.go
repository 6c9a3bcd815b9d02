package sts

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/iam"
)

// The claims of a GetWebIdentityToken JWT, as AWS puts them (IAM User
// Guide, "Understanding token claims"; the STS API Reference; decoded
// tokens published by Chainguard's and OpenAI's workload-identity guides):
//
//	iss  the issuer URL
//	sub  the principal: for a role session the role's ARN (with its path),
//	     for an IAM user the user's ARN, for the root arn:aws:iam::A:root
//	aud  the Audience; one audience is a string, several an array
//	iat, exp (iat + DurationSeconds), jti (a UUID)
//	"https://sts.amazonaws.com/": {
//	  aws_account, source_region, principal_id (the principal's ARN, as sub),
//	  principal_tags (the role's or user's tags; a session tag overrides a
//	  role tag of the same key), request_tags (the request's Tags),
//	  source_identity (the session's), original_session_exp (the session's
//	  expiry, RFC 3339; temporary credentials only)
//	}
//
// AWS's org_id and ou_path (AWS Organizations), identity_store_user_id
// (IAM Identity Center) and the EC2/Lambda/ECS session-context claims
// describe things stsd does not have; they are never present. Absent
// optional claims are left out, as in AWS's samples.
type webIdentityClaims struct {
	Issuer    string        `json:"iss"`
	Subject   string        `json:"sub"`
	Audience  any           `json:"aud"`
	IssuedAt  int64         `json:"iat"`
	ExpiresAt int64         `json:"exp"`
	ID        string        `json:"jti"`
	AWS       awsNamespaced `json:"https://sts.amazonaws.com/"`
}

type awsNamespaced struct {
	Account            string            `json:"aws_account"`
	SourceRegion       string            `json:"source_region,omitempty"`
	PrincipalID        string            `json:"principal_id"`
	PrincipalTags      map[string]string `json:"principal_tags,omitempty"`
	RequestTags        map[string]string `json:"request_tags,omitempty"`
	SourceIdentity     string            `json:"source_identity,omitempty"`
	OriginalSessionExp string            `json:"original_session_exp,omitempty"`
}

// maxJWTPayload bounds the claims set (JSON bytes before base64url). AWS
// documents a limit ("The requested token payload size exceeds the
// maximum allowed size. Reduce the number of request tags", botocore
// model, JWTPayloadSizeExceededException) without its value; stsd allows
// 16 KiB, which keeps the whole token under the 20,000 characters
// AssumeRoleWithWebIdentity accepts (its WebIdentityToken maximum) with
// either algorithm.
const maxJWTPayload = 16 << 10

// subjectARN is the principal a token names: the role for a role session
// (sts-contract: "For a role session, this is the ARN of the role"), the
// user or the root otherwise.
func subjectARN(c *authn.Caller) string {
	if c.Kind == authn.KindAssumedRole && c.Session != nil {
		return c.Session.RoleARN()
	}
	return c.ARN
}

// principalTags are the tags of the caller as aws:PrincipalTag sees them:
// the role's tags from the live snapshot, overridden by session tags of
// the same key (keys compare without case), or the IAM user's tags.
func principalTags(c *authn.Caller, snap *iam.Snapshot) map[string]string {
	var base []iam.Tag
	switch {
	case c.Kind == authn.KindAssumedRole && c.Session != nil:
		if rv, ok := snap.RoleByName(c.Account, c.Session.RoleName); ok && rv.Role.RoleID == c.Session.RoleID {
			base = rv.Role.Tags
		}
	case c.Kind == authn.KindUser && c.User != nil && c.User.User != nil:
		base = c.User.User.Tags
	}
	out := map[string]string{}
	keyOf := map[string]string{} // lower-case key → key as stored
	for _, t := range base {
		out[t.Key], keyOf[strings.ToLower(t.Key)] = t.Value, t.Key
	}
	if c.Kind == authn.KindAssumedRole && c.Session != nil {
		for _, t := range c.Session.Tags {
			if old, ok := keyOf[strings.ToLower(t.Key)]; ok {
				delete(out, old)
			}
			out[t.Key], keyOf[strings.ToLower(t.Key)] = t.Value, t.Key
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// newJTI is a random UUID (version 4) for the jti claim.
func newJTI() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdigits[x>>4], hexdigits[x&0x0f])
	}
	return string(out)
}

// buildWebIdentityClaims assembles the claims set of a token issued at
// now to the caller.
func buildWebIdentityClaims(iss string, c *authn.Caller, snap *iam.Snapshot, in *webIdentityTokenInput, region string, now time.Time) ([]byte, time.Time) {
	iat := now.UTC().Truncate(time.Second)
	exp := iat.Add(time.Duration(in.DurationSeconds) * time.Second)
	sub := subjectARN(c)
	cl := webIdentityClaims{
		Issuer: iss, Subject: sub, IssuedAt: iat.Unix(), ExpiresAt: exp.Unix(), ID: newJTI(),
		AWS: awsNamespaced{Account: c.Account, SourceRegion: region, PrincipalID: sub, PrincipalTags: principalTags(c, snap)},
	}
	if len(in.Audience) == 1 {
		cl.Audience = in.Audience[0]
	} else {
		cl.Audience = in.Audience
	}
	if len(in.Tags) > 0 {
		cl.AWS.RequestTags = map[string]string{}
		for _, t := range in.Tags {
			cl.AWS.RequestTags[t.Key] = t.Value
		}
	}
	if s := c.Session; s != nil {
		cl.AWS.SourceIdentity = s.SourceIdentity
		cl.AWS.OriginalSessionExp = s.Expiry.UTC().Format(time.RFC3339)
	}
	payload, _ := json.Marshal(cl)
	return payload, exp
}
