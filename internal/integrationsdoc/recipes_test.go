package integrationsdoc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iam/bootstrap"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

// account is the account the recipes' ARNs name.
const account = "123456789012"

const docsDir = "../../docs/integrations"

// denial is a token a recipe's trust policy (or provider) must refuse:
// the page's claims changed by mutate, and the exact answer.
type denial struct {
	name    string
	mutate  func(claims map[string]any)
	code    string
	status  int
	message string
}

const notAuthorized = "Not authorized to perform sts:AssumeRoleWithWebIdentity"

func set(kv ...any) func(map[string]any) {
	return func(c map[string]any) {
		for i := 0; i < len(kv); i += 2 {
			c[kv[i].(string)] = kv[i+1]
		}
	}
}

func denied(name string, mutate func(map[string]any)) denial {
	return denial{name, mutate, "AccessDenied", http.StatusForbidden, notAuthorized}
}

func wrongAudience(name string, mutate func(map[string]any)) denial {
	return denial{name, mutate, "InvalidIdentityToken", http.StatusBadRequest, "Incorrect token audience"}
}

// recipe is one page (and case, for pages with several issuers).
type recipe struct {
	page, suffix, role string
	denials            []denial
}

var recipes = []recipe{
	{"github-actions.md", "", "github-deploy", []denial{
		denied("another branch", set("sub", "repo:octo-org/octo-repo:ref:refs/heads/dev", "ref", "refs/heads/dev")),
		denied("another workflow on main", set("job_workflow_ref", "octo-org/octo-repo/.github/workflows/other.yml@refs/heads/main")),
		denied("another repository", set("sub", "repo:octo-org/other:ref:refs/heads/main", "repository", "octo-org/other")),
		wrongAudience("another audience", set("aud", "https://github.com/octo-org")),
	}},
	{"gitlab-ci.md", "", "gitlab-deploy", []denial{
		denied("another branch", set("sub", "project_path:my-group/my-project:ref_type:branch:ref:feature", "ref", "feature")),
		denied("main unprotected", set("ref_protected", "false")),
		denied("another project", set("sub", "project_path:my-group/other:ref_type:branch:ref:main")),
	}},
	{"kubernetes.md", "", "payments-api", []denial{
		denied("another service account", set("sub", "system:serviceaccount:payments:default")),
		denied("another namespace", set("sub", "system:serviceaccount:default:api")),
		wrongAudience("the API server's audience", set("aud", []any{"https://kubernetes.default.svc.cluster.local"})),
	}},
	{"keycloak.md", "", "keycloak-ci", []denial{
		denied("another user", set("sub", "0c8d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b")),
		wrongAudience("another client", set("azp", "other-client")),
	}},
	{"dex.md", "", "dex-jane", []denial{
		denied("another user", set("sub", "CgcxMjM0NTY3EgZnaXRodWI")),
		wrongAudience("another client", set("aud", "other")),
	}},
	{"entra-id.md", "v2", "entra-deploy", []denial{
		denied("a token for another API", set("aud", "00000003-0000-0000-c000-000000000000")),
		denied("another service principal", set("sub", "11111111-2222-4333-8444-555555555555")),
		wrongAudience("another calling app", set("azp", "99999999-1111-4222-8333-444455556666")),
	}},
	{"entra-id.md", "v1", "entra-deploy-v1", []denial{
		denied("another service principal", set("sub", "11111111-2222-4333-8444-555555555555")),
		wrongAudience("a token for another API", set("aud", "https://graph.microsoft.com")),
	}},
	{"auth0.md", "", "auth0-m2m", []denial{
		denied("a token for another API", set("aud", "https://api.example.com")),
		denied("a user", set("sub", "auth0|64b7f0c2e1d3a4b5c6d7e8f9")),
	}},
	{"google.md", "", "google-deployer", []denial{
		denied("another subject", set("sub", "998877665544332211000")),
		denied("another requested audience", set("aud", "https://other.example.com")),
		wrongAudience("another service account", set("azp", "998877665544332211000", "sub", "998877665544332211000")),
	}},
}

// Every page of docs/integrations is a recipe here.
func TestEveryPageIsTested(t *testing.T) {
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "README.md" || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		if !slices.ContainsFunc(recipes, func(r recipe) bool { return r.page == e.Name() }) {
			t.Errorf("docs/integrations/%s has no recipe test", e.Name())
		}
	}
}

func TestRecipes(t *testing.T) {
	node := stsdnode.Start(t, stsdnode.Options{Account: account})
	ctx := context.Background()
	root := node.App.Root
	iamClient := iamsdk.New(iamsdk.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(node.URL),
		Credentials: credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.Secret.Reveal(), ""),
	})
	stsClient := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(node.URL), RetryMaxAttempts: 1})
	keys := jwks(t, node)

	for _, r := range recipes {
		t.Run(strings.TrimSuffix(r.page, ".md")+suffixName(r.suffix), func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(docsDir, r.page))
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := Blocks(string(text))
			if err != nil {
				t.Fatalf("%s: %v", r.page, err)
			}
			block := func(kind string) string {
				key := kind
				if r.suffix != "" {
					key += " " + r.suffix
				}
				b, ok := blocks[key]
				if !ok {
					t.Fatalf("%s has no ```%s block", r.page, key)
				}
				return b
			}
			if !strings.Contains(string(text), "--role-name "+r.role+" ") {
				t.Fatalf("%s does not create the role %s", r.page, r.role)
			}
			claims := map[string]any{}
			if err := json.Unmarshal([]byte(block("json claims")), &claims); err != nil {
				t.Fatalf("claims: %v", err)
			}
			issuer, _ := claims["iss"].(string)
			providerARN := iam.ProviderARN(account, issuer)

			applyBootstrap(t, node, block("yaml bootstrap"), keys)
			_, err = iamClient.CreateRole(ctx, &iamsdk.CreateRoleInput{
				RoleName: aws.String(r.role), AssumeRolePolicyDocument: aws.String(block("json trust-policy")),
			})
			if err != nil {
				t.Fatalf("CreateRole with the page's trust policy: %v", err)
			}
			waitFor(t, node, func(s *iam.Snapshot) bool {
				_, ok := s.RoleByName(account, r.role)
				return ok
			})

			roleARN := "arn:aws:iam::" + account + ":role/" + r.role
			out, err := stsClient.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(roleARN), RoleSessionName: aws.String("recipe"), WebIdentityToken: aws.String(mint(node, claims)),
			})
			if err != nil {
				t.Fatalf("the page's token is refused: %v", err)
			}
			wantAudience := audience(claims)
			if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::"+account+":assumed-role/"+r.role+"/recipe" ||
				aws.ToString(out.SubjectFromWebIdentityToken) != claims["sub"] || aws.ToString(out.Audience) != wantAudience ||
				aws.ToString(out.Provider) != providerARN {
				t.Fatalf("answer: Arn %s, Subject %s, Audience %s (want %s), Provider %s (want %s)", got,
					aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), wantAudience, aws.ToString(out.Provider), providerARN)
			}

			for _, d := range r.denials {
				mutated := map[string]any{}
				for k, v := range claims {
					mutated[k] = v
				}
				d.mutate(mutated)
				_, err := stsClient.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
					RoleArn: aws.String(roleARN), RoleSessionName: aws.String("recipe"), WebIdentityToken: aws.String(mint(node, mutated)),
				})
				var api smithy.APIError
				var resp *awshttp.ResponseError
				if !errors.As(err, &api) || !errors.As(err, &resp) || api.ErrorCode() != d.code ||
					resp.HTTPStatusCode() != d.status || api.ErrorMessage() != d.message {
					t.Errorf("%s: got %v, want %s %d %q", d.name, err, d.code, d.status, d.message)
				}
			}
		})
	}
}

func suffixName(s string) string {
	if s == "" {
		return ""
	}
	return "/" + s
}

// audience is the audience STS reports: azp when present, else aud (a
// one-element array counts as its element).
func audience(claims map[string]any) string {
	if azp, ok := claims["azp"].(string); ok {
		return azp
	}
	switch aud := claims["aud"].(type) {
	case string:
		return aud
	case []any:
		if len(aud) == 1 {
			s, _ := aud[0].(string)
			return s
		}
	}
	return ""
}

// mint signs the claims with the node's fake IdP, valid from now for an
// hour (the page's iat, nbf and exp are examples).
func mint(node *stsdnode.Node, claims map[string]any) string {
	now := time.Now().Unix()
	c := map[string]any{}
	for k, v := range claims {
		c[k] = v
	}
	c["iat"], c["exp"] = now, now+3600
	if _, ok := c["nbf"]; ok {
		c["nbf"] = now
	}
	return node.IdP.Mint(c)
}

// jwks is the fake IdP's key set as JSON.
func jwks(t *testing.T, node *stsdnode.Node) []byte {
	t.Helper()
	var keys []map[string]any
	for _, k := range node.IdP.PublishedKeys() {
		keys = append(keys, k.JWK())
	}
	data, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var providerURLLine = regexp.MustCompile(`(?m)^(\s*)- url: (.*)$`)

// applyBootstrap applies a page's bootstrap block with stsd's loader. The
// real issuers cannot be reached from a test, so each provider gets the
// fake IdP's keys: a page's jwks_file is written with them, and a provider
// without one is given one.
func applyBootstrap(t *testing.T, node *stsdnode.Node, block string, keys []byte) {
	t.Helper()
	dir := t.TempDir()
	text := block
	if m := regexp.MustCompile(`(?m)^\s*jwks_file: (\S+)$`).FindStringSubmatch(block); m != nil {
		if err := os.WriteFile(filepath.Join(dir, m[1]), keys, 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		if strings.Contains(block, "jwks_url:") || strings.Contains(block, "static_jwks:") {
			t.Fatal("the bootstrap block names keys the test cannot replace")
		}
		if err := os.WriteFile(filepath.Join(dir, "test-jwks.json"), keys, 0o600); err != nil {
			t.Fatal(err)
		}
		text = providerURLLine.ReplaceAllString(block, "$1- url: $2\n$1  jwks_file: test-jwks.json")
	}
	f, err := bootstrap.Parse([]byte(text), "bootstrap block", dir, bootstrap.Options{})
	if err != nil {
		t.Fatalf("the page's bootstrap block: %v", err)
	}
	if _, err := bootstrap.Apply(context.Background(), node.App.Repo, account, f); err != nil {
		t.Fatalf("applying the page's bootstrap block: %v", err)
	}
	waitFor(t, node, func(s *iam.Snapshot) bool {
		for _, p := range f.OIDCProviders {
			if _, ok := s.ProviderByURL(account, p.URL); !ok {
				return false
			}
		}
		return true
	})
}

func waitFor(t *testing.T, node *stsdnode.Node, ok func(*iam.Snapshot) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := node.App.Cache.WaitFor(ctx, ok); err != nil {
		t.Fatalf("the node never saw the change: %v", err)
	}
}
