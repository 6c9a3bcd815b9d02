package authz

import (
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// baseContext builds the condition keys shared by every check of a
// request: derived from the caller's template (the keys that describe the
// caller, see template), the keys the requesting service supplied
// (filtered: none can name a key stsd fills), and the facts of this
// request.
func baseContext(req *Request, tmpl *policy.Context, f *keyFilter) *policy.Context {
	c := tmpl.Derive()
	f.add(c, req.Keys)
	env := req.Env
	now := env.Time.UTC()
	c.Set("aws:CurrentTime", now.Format(time.RFC3339))
	c.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	c.Set("aws:SecureTransport", strconv.FormatBool(env.SecureTransport))
	setOrDelete(c, "aws:SourceIp", env.SourceIP)
	setOrDelete(c, "aws:UserAgent", env.UserAgent)
	setOrDelete(c, "aws:RequestedRegion", env.RequestedRegion)
	acct := req.ResourceAccount
	if acct == "" {
		acct = req.Caller.Account
	}
	c.Set("aws:ResourceAccount", acct)
	return c
}

func setOrDelete(c *policy.Context, key, value string) {
	if value == "" {
		c.Delete(key)
		return
	}
	c.Set(key, value)
}

// keyFilter decides which supplied condition keys a request honours:
// those Supplied allows, except the keys of web identity providers — the
// prefixes of the session's own web-identity keys and of its federated
// provider, and those of every OIDC provider registered in the caller's
// account. A provider's host path can look like a service prefix
// ("keycloak", "idp:8443"), which Supplied alone cannot tell apart; only
// a session's sealed token carries such keys.
type keyFilter struct {
	prefixes []string // "<provider host path>:", compared without case
}

// newKeyFilter returns the filter for the caller; it reads the snapshot
// only when the request supplies keys at all.
func newKeyFilter(snap *iam.Snapshot, req *Request) keyFilter {
	var f keyFilter
	if !suppliesKeys(req) {
		return f
	}
	for _, p := range snap.Providers(req.Caller.Account) {
		f.prefixes = append(f.prefixes, p.HostPath+":")
	}
	if s := req.Caller.Session; s != nil {
		for k := range s.WebIdentity {
			if i := strings.LastIndexByte(k, ':'); i > 0 {
				f.prefixes = append(f.prefixes, k[:i+1])
			}
		}
		if s.FederatedProvider != "" {
			if _, host, ok := iam.ParseProviderARN(s.FederatedProvider); ok {
				f.prefixes = append(f.prefixes, host+":")
			} else {
				f.prefixes = append(f.prefixes, s.FederatedProvider+":")
			}
		}
	}
	return f
}

func suppliesKeys(req *Request) bool {
	if len(req.Keys) > 0 {
		return true
	}
	for i := range req.Checks {
		if len(req.Checks[i].Keys) > 0 {
			return true
		}
	}
	return false
}

// allows reports whether the supplied key name is honoured.
func (f *keyFilter) allows(name string) bool {
	if !Supplied(name) {
		return false
	}
	for _, p := range f.prefixes {
		if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
			return false
		}
	}
	return true
}

// add adds the supplied keys the filter honours. Honoured keys never
// collide with a key stsd fills itself, so adding them to a context that
// already holds stsd's keys (a check's own keys) cannot replace any.
func (f *keyFilter) add(c *policy.Context, keys []Key) {
	for _, k := range keys {
		if !f.allows(k.Name) {
			continue
		}
		if k.Multi {
			c.SetList(k.Name, k.Values...)
		} else {
			c.Set(k.Name, k.Values...)
		}
	}
}

// Supplied reports whether a requesting service may supply the condition
// key name. Of the aws: keys only the request and resource keys are
// honoured (aws:RequestTag/*, aws:TagKeys, aws:ResourceTag/*); every other
// global key describes the caller or the request and is stsd's to fill.
// Service keys ("s3:prefix", "execute-api:…", "iam:PolicyARN") are
// honoured; a key whose prefix is not a service prefix (letters, digits
// and '-' only) is not — that excludes the web-identity keys a session
// carries ("token.actions.githubusercontent.com:sub"), which only the
// session can supply. Key names are case-insensitive, as in IAM.
func Supplied(name string) bool {
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok || prefix == "" || rest == "" {
		return false
	}
	if strings.EqualFold(prefix, "aws") {
		lower := strings.ToLower(rest)
		return lower == "tagkeys" ||
			(strings.HasPrefix(lower, "requesttag/") && len(rest) > len("requesttag/")) ||
			(strings.HasPrefix(lower, "resourcetag/") && len(rest) > len("resourcetag/"))
	}
	for i := 0; i < len(prefix); i++ {
		ch := prefix[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}

// temporaryContext sets the keys every request signed with temporary
// credentials carries: aws:TokenIssueTime, and aws:MultiFactorAuthPresent
// "false" (temporary credentials made without MFA carry "false"; long-term
// keys carry none; stsd has no MFA devices). Nothing for long-term keys.
func temporaryContext(ctx *policy.Context, s *creds.Session) {
	if s == nil {
		return
	}
	ctx.Set("aws:MultiFactorAuthPresent", "false")
	ctx.Set("aws:TokenIssueTime", s.IssuedAt.UTC().Format(time.RFC3339))
}

// principalContext sets the keys that describe the caller (IAM User
// Guide, "AWS global condition context keys", principal properties). tags
// are the user's tags, or the role's for a role session, from the live
// snapshot; a session tag overrides a role tag of the same key (keys
// compare without case).
func principalContext(ctx *policy.Context, c *authn.Caller, tags []iam.Tag) {
	ctx.Set("aws:PrincipalAccount", c.Account)
	ctx.Set("aws:userid", c.UserID)
	switch c.Kind {
	case authn.KindRoot:
		ctx.Set("aws:PrincipalArn", c.ARN)
		ctx.Set("aws:PrincipalType", "Account")
		temporaryContext(ctx, c.Session)
	case authn.KindUser:
		ctx.Set("aws:PrincipalArn", c.ARN)
		ctx.Set("aws:PrincipalType", "User")
		ctx.Set("aws:username", c.User.User.Name)
		for _, t := range tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		temporaryContext(ctx, c.Session)
	case authn.KindFederatedUser:
		// IAM User Guide, global condition keys: a federated user's
		// aws:PrincipalArn is arn:aws:sts::<acct>:federated-user/<name>,
		// aws:userid <acct>:<name>, aws:PrincipalType FederatedUser; no
		// aws:username. Its principal tags are the federating user's tags
		// and the session tags, a session tag overriding a user tag of the
		// same key (STS API Reference, GetFederationToken, Tags).
		ctx.Set("aws:PrincipalArn", c.ARN)
		ctx.Set("aws:PrincipalType", "FederatedUser")
		for _, t := range tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		for _, t := range c.Session.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		temporaryContext(ctx, c.Session)
	case authn.KindAssumedRole:
		sess := c.Session
		ctx.Set("aws:PrincipalType", "AssumedRole")
		// Temporary credentials made without MFA carry "false"; long-term
		// keys carry no aws:MultiFactorAuthPresent at all (IAM User Guide,
		// global condition keys). stsd has no MFA devices.
		ctx.Set("aws:MultiFactorAuthPresent", "false")
		ctx.Set("aws:PrincipalArn", sess.RoleARN()) // the role, not the session (IAM's rule)
		ctx.Set("aws:TokenIssueTime", sess.IssuedAt.UTC().Format(time.RFC3339))
		if sess.SourceIdentity != "" {
			ctx.Set("aws:SourceIdentity", sess.SourceIdentity)
		}
		if sess.FederatedProvider != "" {
			ctx.Set("aws:FederatedProvider", sess.FederatedProvider)
		}
		for _, t := range tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		for _, t := range sess.Tags {
			ctx.Set("aws:PrincipalTag/"+t.Key, t.Value)
		}
		for k, vs := range sess.WebIdentity {
			ctx.SetList(k, vs...)
		}
	}
}
