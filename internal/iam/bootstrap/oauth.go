package bootstrap

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iam"
)

// OAuthProvider is an oauth_providers entry: an OAuth 2.0 authorization
// server whose access tokens AssumeRoleWithWebIdentity accepts with
// ProviderId=<provider_id>, checked by token introspection (RFC 7662).
// The client secret is not part of the file: client_secret_env names the
// environment variable and client_secret_file the absolute path from which
// every node reads it.
type OAuthProvider struct {
	ProviderID       string `yaml:"provider_id"`
	IntrospectionURL string `yaml:"introspection_url"`
	ClientID         string `yaml:"client_id"`
	ClientSecretEnv  string `yaml:"client_secret_env"`
	ClientSecretFile string `yaml:"client_secret_file"`
	// Tags are the provider's tags (labels, as an OIDC provider's; they
	// do not become session tags).
	Tags Tags `yaml:"tags"`
}

// oauthProviderARN names an OAuth provider in plans and changes; it has
// no IAM ARN, so the name is stsd's own.
func oauthProviderARN(account, id string) string {
	return "stsd:oauth-provider:" + account + ":" + id
}

func (v *validator) oauthProvider(i int, p *OAuthProvider, seen map[string]int) {
	const kind = "oauth_providers"
	if p.ProviderID == "" {
		v.c.add(at(kind, i), "provider_id is required")
	} else if err := iam.ValidateOAuthProviderID(p.ProviderID); err != nil {
		v.c.addErr(at(kind, i, "provider_id"), err)
	} else if j, dup := seen[p.ProviderID]; dup {
		v.c.add(at(kind, i, "provider_id"), fmt.Sprintf("duplicate provider id %s (also oauth_providers[%d])", p.ProviderID, j))
	} else {
		seen[p.ProviderID] = i
	}
	if p.IntrospectionURL == "" {
		v.c.add(at(kind, i), "introspection_url is required")
	} else {
		v.c.addErr(at(kind, i, "introspection_url"), iam.ValidateIntrospectionURL(p.IntrospectionURL, v.opts.URL))
	}
	if p.ClientID == "" {
		v.c.add(at(kind, i), "client_id is required")
	} else {
		v.c.addErr(at(kind, i, "client_id"), iam.ValidateOAuthClientID(p.ClientID))
	}
	v.c.addErr(at(kind, i), iam.ValidateSecretSource(p.ClientSecretEnv, p.ClientSecretFile))
	v.c.addErr(at(kind, i, "tags"), iam.ValidateTags(p.Tags))
}

// desiredOAuthProvider is the entry as the store would hold it.
func desiredOAuthProvider(account string, p *OAuthProvider) *iam.OAuthProvider {
	return &iam.OAuthProvider{
		Account: account, ProviderID: p.ProviderID, IntrospectionURL: p.IntrospectionURL, ClientID: p.ClientID,
		ClientSecretEnv: p.ClientSecretEnv, ClientSecretFile: p.ClientSecretFile, Tags: slices.Clone(p.Tags),
	}
}

// setOAuthProvider gives x the members a file manages, as want has them.
func setOAuthProvider(x, want *iam.OAuthProvider) {
	x.IntrospectionURL, x.ClientID = want.IntrospectionURL, want.ClientID
	x.ClientSecretEnv, x.ClientSecretFile = want.ClientSecretEnv, want.ClientSecretFile
	x.Tags = slices.Clone(want.Tags)
}

// applyOAuthProvider creates or updates one provider (Apply).
func applyOAuthProvider(ctx context.Context, repo *iam.Repo, account string, p *OAuthProvider) (Change, error) {
	want := desiredOAuthProvider(account, p)
	arn := oauthProviderARN(account, p.ProviderID)
	existing, err := repo.GetOAuthProvider(ctx, account, p.ProviderID)
	if iam.KindOf(err) == iam.KindNotFound {
		created, err := repo.CreateOAuthProvider(ctx, *want)
		if err != nil {
			return Change{}, err
		}
		return Change{Kind: KindOAuthProvider, ARN: arn, Action: Created, Revision: created.Revision}, nil
	}
	if err != nil {
		return Change{}, err
	}
	updated, err := repo.UpdateOAuthProvider(ctx, account, p.ProviderID, func(x *iam.OAuthProvider) error {
		setOAuthProvider(x, want)
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return outcome(KindOAuthProvider, arn, existing.Revision, updated.Revision), nil
}

// planOAuthProvider is the step that makes the store hold p (nil: it does).
func planOAuthProvider(cur map[string]*iam.OAuthProvider, account string, p *OAuthProvider) *Step {
	want := desiredOAuthProvider(account, p)
	arn := oauthProviderARN(account, p.ProviderID)
	old, ok := cur[p.ProviderID]
	if !ok {
		return &Step{Op: OpCreate, Kind: KindOAuthProvider, Name: p.ProviderID, ARN: arn, oauthProvider: want}
	}
	var fc fields
	fc.str("introspection_url", old.IntrospectionURL, want.IntrospectionURL)
	fc.str("client_id", old.ClientID, want.ClientID)
	fc.str("client_secret_env", old.ClientSecretEnv, want.ClientSecretEnv)
	fc.str("client_secret_file", old.ClientSecretFile, want.ClientSecretFile)
	fc.tags("tags", old.Tags, want.Tags)
	if len(fc) == 0 {
		return nil
	}
	return &Step{Op: OpUpdate, Kind: KindOAuthProvider, Name: p.ProviderID, ARN: arn, Fields: fc, Revision: old.Revision, oauthProvider: want}
}

func oauthProviderDeletion(p *iam.OAuthProvider) Step {
	return Step{Op: OpDelete, Kind: KindOAuthProvider, Name: p.ProviderID, ARN: oauthProviderARN(p.Account, p.ProviderID),
		Revision: p.Revision, stored: p}
}

// createOAuthProvider and updateOAuthProvider are a Step's writes.
func (s *Step) createOAuthProvider(ctx context.Context, repo *iam.Repo) (int64, error) {
	p, err := repo.CreateOAuthProvider(ctx, *s.oauthProvider)
	if err != nil {
		return 0, err
	}
	return p.Revision, nil
}

func (s *Step) updateOAuthProvider(ctx context.Context, repo *iam.Repo) (int64, error) {
	want := s.oauthProvider
	p, err := repo.UpdateOAuthProvider(ctx, want.Account, want.ProviderID, func(x *iam.OAuthProvider) error {
		if err := s.unchanged(x.Revision); err != nil {
			return err
		}
		setOAuthProvider(x, want)
		return nil
	})
	if err != nil {
		return 0, stale(err)
	}
	return p.Revision, nil
}

// exportOAuthProviders reads the account's providers as file entries,
// sorted by id: the secret's source, never the secret.
func exportOAuthProviders(ctx context.Context, repo *iam.Repo, account string) ([]OAuthProvider, error) {
	list, err := repo.ListOAuthProviders(ctx, account)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b *iam.OAuthProvider) int { return cmp.Compare(a.ProviderID, b.ProviderID) })
	out := make([]OAuthProvider, 0, len(list))
	for _, p := range list {
		out = append(out, OAuthProvider{
			ProviderID: p.ProviderID, IntrospectionURL: p.IntrospectionURL, ClientID: p.ClientID,
			ClientSecretEnv: p.ClientSecretEnv, ClientSecretFile: p.ClientSecretFile, Tags: Tags(p.Tags),
		})
	}
	return out, nil
}

func oauthProviderNode(p *OAuthProvider) *yaml.Node {
	n := mapNode()
	put(n, "provider_id", str(p.ProviderID))
	put(n, "introspection_url", str(p.IntrospectionURL))
	put(n, "client_id", str(p.ClientID))
	putStr(n, "client_secret_env", p.ClientSecretEnv)
	putStr(n, "client_secret_file", p.ClientSecretFile)
	putTags(n, p.Tags)
	return n
}
