package sts

import (
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/creds"
)

// roleChainMaxDuration is the one-hour cap on a role session assumed with
// a role session's credentials ("Role chaining limits your AWS CLI or AWS
// API role session to a maximum of one hour", STS API Reference,
// AssumeRole, DurationSeconds).
const roleChainMaxDuration = 3600

// sessionFacts are the tags, transitive keys and source identity the new
// session gets: the request's, plus what the calling session hands on.
type sessionFacts struct {
	tags           []creds.Tag
	transitive     []string
	sourceIdentity string
}

// msgTooManyTags is stsd's text for a request whose tags and the calling
// session's transitive tags together exceed 50 (the session-tag limit,
// IAM User Guide, "Passing session tags in AWS STS"); AWS's text for this
// was not found.
const msgTooManyTags = "The session tags, with the transitive tags of the calling session, exceed the limit of 50."

// chainFacts applies role chaining (IAM User Guide, "Chaining roles with
// session tags"; "Monitor and control actions taken with assumed roles"):
//
//   - the calling session's transitive tags pass to the new session and
//     stay transitive; a request tag with the key of one of them (keys
//     compare without case) fails, InvalidParameterValue
//     msgTransitiveConflict. Tags that are not transitive, and role tags,
//     do not pass;
//   - a source identity, once set, persists; a request passing another
//     fails, ValidationError msgSourceIdentitySet; passing the same one
//     again is allowed;
//   - a role session may ask at most an hour (msgChainDuration).
//
// Callers with long-term credentials, and GetSessionToken sessions (which
// carry no tags or source identity and are not role sessions), hand on
// nothing.
func chainFacts(c *authn.Caller, in *assumeRoleInput) (*sessionFacts, *awserr.Error) {
	f := &sessionFacts{tags: in.Tags, transitive: in.TransitiveTagKeys, sourceIdentity: in.SourceIdentity}
	s := c.Session
	if s == nil {
		return f, nil
	}
	if c.Kind == authn.KindAssumedRole && in.DurationSeconds > roleChainMaxDuration {
		return nil, awserr.ValidationError(msgChainDuration).WithReason("role_chaining_duration", nil)
	}
	if s.SourceIdentity != "" {
		if in.SourceIdentity != "" && in.SourceIdentity != s.SourceIdentity {
			return nil, awserr.ValidationError(msgSourceIdentitySet).WithReason("source_identity_already_set", nil)
		}
		f.sourceIdentity = s.SourceIdentity
	}
	inherited := transitiveTags(s)
	if len(inherited) == 0 {
		return f, nil
	}
	keys := make(map[string]bool, len(inherited))
	for _, t := range inherited {
		keys[strings.ToLower(t.Key)] = true
	}
	for _, t := range in.Tags {
		if keys[strings.ToLower(t.Key)] {
			return nil, invalidParameterValue(msgTransitiveConflict).WithReason("transitive_tag_conflict", nil)
		}
	}
	if len(inherited)+len(in.Tags) > creds.MaxSessionTags {
		return nil, invalidParameterValue(msgTooManyTags).WithReason("too_many_session_tags", nil)
	}
	f.tags = append(append([]creds.Tag{}, inherited...), in.Tags...)
	f.transitive = make([]string, 0, len(inherited)+len(in.TransitiveTagKeys))
	for _, t := range inherited {
		f.transitive = append(f.transitive, t.Key)
	}
	f.transitive = append(f.transitive, in.TransitiveTagKeys...)
	return f, nil
}

// transitiveTags are the session's tags whose keys it marked transitive
// (keys compare without case).
func transitiveTags(s *creds.Session) []creds.Tag {
	if len(s.TransitiveTagKeys) == 0 {
		return nil
	}
	marked := make(map[string]bool, len(s.TransitiveTagKeys))
	for _, k := range s.TransitiveTagKeys {
		marked[strings.ToLower(k)] = true
	}
	var out []creds.Tag
	for _, t := range s.Tags {
		if marked[strings.ToLower(t.Key)] {
			out = append(out, t)
		}
	}
	return out
}
