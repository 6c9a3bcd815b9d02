package sts

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
	"github.com/stsd/stsd/internal/policy"
)

// providerClaimKeys are the claims the Service Authorization Reference lists
// as condition keys for particular providers (sts-contract §6.2), keyed by a
// test on the provider's host/path.
var providerClaimKeys = []struct {
	matches func(hostPath string) bool
	claims  []string
}{
	{isGitHub, []string{"actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref",
		"repository", "repository_id", "repository_owner_id", "workflow"}},
	{func(h string) bool { return h == "gitlab.com" }, []string{"namespace_id", "pipeline_source", "project_id",
		"ref_protected", "runner_environment", "user_access_level", "user_email", "user_id", "user_login"}},
	{isBuildkite, []string{"build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug",
		"pipeline_id", "pipeline_slug"}},
}

func isGitHub(h string) bool {
	return h == "token.actions.githubusercontent.com" || strings.HasPrefix(h, "token.actions.githubusercontent.com/") ||
		strings.HasPrefix(h, "token.actions.") && strings.HasSuffix(h, ".ghe.com") ||
		strings.HasPrefix(h, "github.com/enterprises/")
}

func isBuildkite(h string) bool {
	return h == "agent.buildkite.com" ||
		strings.HasPrefix(h, "agent.") && (strings.HasSuffix(h, ".buildkite.dev") || strings.HasSuffix(h, ".buildkite.site"))
}

// trustInput is what the trust-policy context is built from.
type trustInput struct {
	call            *awsquery.Call
	role            *iam.Role
	provider        *oidc.Provider
	hostPath        string // condition-key prefix: the provider URL without scheme
	id              *oidc.Identity
	in              *webIdentityInput
	session         *sessionClaims
	authorizedByIdp bool
	now             time.Time
}

// trustContext builds the request context of an AssumeRoleWithWebIdentity
// trust evaluation (sts-contract §6.1, §6.2).
func trustContext(t *trustInput) *policy.Context {
	c := policy.NewContext()
	p := t.hostPath + ":"
	c.Set(p+"aud", t.id.Audience)
	c.SetList(p+"oaud", t.id.OriginalAudience...)
	c.Set(p+"sub", t.id.Subject)
	if len(t.id.AMR) > 0 {
		c.SetList(p+"amr", t.id.AMR...)
	}
	if t.id.AZP != "" {
		c.Set(p+"azp", t.id.AZP)
	}
	for _, pk := range providerClaimKeys {
		if !pk.matches(t.hostPath) {
			continue
		}
		for _, name := range pk.claims {
			if v, ok := claimString(t.id.Claims[name]); ok {
				c.Set(p+name, v)
			}
		}
	}
	requestKeys(c, t, t.provider.ARN)
	return c
}

// requestKeys sets the keys of every AssumeRoleWithWebIdentity trust
// evaluation, whatever the provider: the federated provider (an OIDC
// provider's ARN, or an OAuth provider's id), the session's name,
// duration, tags and source identity, the role's tags and the global keys.
func requestKeys(c *policy.Context, t *trustInput, federatedProvider string) {
	c.Set("aws:FederatedProvider", federatedProvider)
	c.Set("aws:userid", federatedProvider)
	c.Set("aws:PrincipalAccount", t.role.Account)
	c.Set("aws:PrincipalType", "User")
	c.Set("sts:RoleSessionName", t.in.RoleSessionName)
	c.Set("sts:DurationSeconds", strconv.Itoa(t.in.DurationSeconds))
	c.Set("sts:RoleAuthorizedByIdp", strconv.FormatBool(t.authorizedByIdp))
	c.Set("aws:SourceIp", t.call.SourceIP)
	c.Set("aws:CurrentTime", t.now.UTC().Format(time.RFC3339))
	c.Set("aws:EpochTime", strconv.FormatInt(t.now.Unix(), 10))
	c.Set("aws:SecureTransport", strconv.FormatBool(t.call.SecureTransport))
	if t.call.UserAgent != "" {
		c.Set("aws:UserAgent", t.call.UserAgent)
	}
	for _, tag := range t.role.Tags {
		c.Set("iam:ResourceTag/"+tag.Key, tag.Value)
		c.Set("aws:ResourceTag/"+tag.Key, tag.Value)
	}
	if s := t.session; s != nil {
		if len(s.Tags) > 0 {
			keys := make([]string, len(s.Tags))
			for i, tag := range s.Tags {
				c.Set("aws:RequestTag/"+tag.Key, tag.Value)
				keys[i] = tag.Key
			}
			c.SetList("aws:TagKeys", keys...)
		}
		if len(s.TransitiveTagKeys) > 0 {
			c.SetList("sts:TransitiveTagKeys", s.TransitiveTagKeys...)
		}
		if s.SourceIdentity != "" {
			c.Set("sts:SourceIdentity", s.SourceIdentity)
		}
	}
}

// persistentWebIdentityKeys are the web-identity keys that stay available to
// requests made with the session: aud, sub and amr (sts-contract §6.3).
func persistentWebIdentityKeys(hostPath string, id *oidc.Identity) map[string][]string {
	p := hostPath + ":"
	m := map[string][]string{p + "aud": {id.Audience}, p + "sub": {id.Subject}}
	if len(id.AMR) > 0 {
		m[p+"amr"] = id.AMR
	}
	return m
}

// claimString renders a scalar claim as a condition value.
func claimString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}
