package sts

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/creds"
)

// Claims through which an identity provider passes session data
// (sts-contract §5.8, §7.1).
const (
	claimTags             = "https://aws.amazon.com/tags"
	claimTagsFlatPrefix   = "https://aws.amazon.com/tags/principal_tags/"
	claimTransitiveFlat   = "https://aws.amazon.com/tags/transitive_tag_keys"
	claimSourceIdentity   = "https://aws.amazon.com/source_identity"
	claimRoles            = "https://aws.amazon.com/roles"
	maxTagKeyLength       = 128
	maxTagValueLength     = 256
	minSourceIdentityLen  = 2
	maxSourceIdentityLen  = 64
	reasonInvalidTagClaim = "invalid_session_tag_claim"
)

// sessionClaims is what the token asks for beyond the role itself.
type sessionClaims struct {
	Tags              []creds.Tag
	TransitiveTagKeys []string
	SourceIdentity    string
}

func invalidParameterValue(message string) *awserr.Error {
	return awserr.New("InvalidParameterValue", http.StatusBadRequest, message)
}

// badTagClaim: the tag claims do not have the documented shape. AWS's text
// for this was not captured; the token is reported as not valid.
func badTagClaim(detail string) *awserr.Error {
	return invalidIdentityToken(msgTokenNotValidated).WithReason(reasonInvalidTagClaim, errors.New(detail))
}

// readSessionClaims extracts session tags (nested or flattened form),
// transitive tag keys and the source identity, and checks IAM's rules.
func readSessionClaims(claims map[string]any) (*sessionClaims, *awserr.Error) {
	out := &sessionClaims{}
	var transitive []any
	if raw, ok := claims[claimTags]; ok && raw != nil {
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, badTagClaim(claimTags + " is not an object")
		}
		if pt, ok := obj["principal_tags"]; ok && pt != nil {
			tags, ok := pt.(map[string]any)
			if !ok {
				return nil, badTagClaim("principal_tags is not an object")
			}
			for k, v := range tags {
				arr, ok := v.([]any)
				if !ok || len(arr) != 1 {
					return nil, badTagClaim("each session tag must have a single value in a one-element array")
				}
				s, ok := arr[0].(string)
				if !ok {
					return nil, badTagClaim("session tag values must be strings")
				}
				out.Tags = append(out.Tags, creds.Tag{Key: k, Value: s})
			}
		}
		if tk, ok := obj["transitive_tag_keys"]; ok && tk != nil {
			if transitive, ok = tk.([]any); !ok {
				return nil, badTagClaim("transitive_tag_keys is not an array")
			}
		}
	}
	for name, v := range claims {
		if key, ok := strings.CutPrefix(name, claimTagsFlatPrefix); ok {
			s, ok := v.(string)
			if !ok {
				return nil, badTagClaim("flattened session tag values must be strings")
			}
			out.Tags = append(out.Tags, creds.Tag{Key: key, Value: s})
		}
	}
	if tk, ok := claims[claimTransitiveFlat]; ok && tk != nil {
		arr, ok := tk.([]any)
		if !ok {
			return nil, badTagClaim("transitive_tag_keys is not an array")
		}
		transitive = append(transitive, arr...)
	}
	for _, k := range transitive {
		s, ok := k.(string)
		if !ok {
			return nil, badTagClaim("transitive tag keys must be strings")
		}
		out.TransitiveTagKeys = append(out.TransitiveTagKeys, s)
	}
	if err := checkTags(out); err != nil {
		return nil, err
	}
	if raw, ok := claims[claimSourceIdentity]; ok && raw != nil {
		s, ok := raw.(string)
		if !ok || !validSourceIdentity(s) {
			return nil, badTagClaim("source identity must be 2..64 characters of [\\w+=,.@-] not starting with aws:")
		}
		out.SourceIdentity = s
	}
	return out, nil
}

// checkTags applies the session-tag rules of sts-contract §7.2.
func checkTags(c *sessionClaims) *awserr.Error {
	if len(c.Tags) > creds.MaxSessionTags || len(c.TransitiveTagKeys) > creds.MaxSessionTags {
		return badTagClaim("more than 50 session tags or transitive tag keys")
	}
	for _, t := range c.Tags {
		if !validTagText(t.Key, 1, maxTagKeyLength) || !validTagText(t.Value, 0, maxTagValueLength) ||
			hasAWSPrefix(t.Key) || hasAWSPrefix(t.Value) {
			return badTagClaim("a session tag key or value breaks IAM's tag rules")
		}
	}
	return checkTagRules(c.Tags, c.TransitiveTagKeys)
}

// validTagText: [\p{L}\p{Z}\p{N}_.:/=+\-@] with a length range.
func validTagText(s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	if n < min || n > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.In(r, unicode.Z) && !unicode.IsNumber(r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

func hasAWSPrefix(s string) bool { return len(s) >= 4 && strings.EqualFold(s[:4], "aws:") }

func validSourceIdentity(s string) bool {
	return len(s) >= minSourceIdentityLen && len(s) <= maxSourceIdentityLen && isSessionName(s) && !hasAWSPrefix(s)
}

// checkRolesClaim applies §5.8: when the token carries the roles claim, the
// requested role ARN must be one of its entries (exact, case-sensitive);
// otherwise — also when the claim holds no valid ARN — the token is refused.
// It returns whether the IdP authorized the role (sts:RoleAuthorizedByIdp).
func checkRolesClaim(claims map[string]any, roleArn string) (bool, *awserr.Error) {
	raw, ok := claims[claimRoles]
	if !ok || raw == nil {
		return false, nil
	}
	var entries []string
	switch v := raw.(type) {
	case string:
		entries = strings.Split(v, ";")
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				entries = append(entries, s)
			}
		}
	}
	for _, e := range entries {
		if strings.TrimSpace(e) == roleArn {
			return true, nil
		}
	}
	return false, invalidIdentityToken(msgRoleNotInClaim).WithReason("role_not_in_roles_claim", nil)
}
