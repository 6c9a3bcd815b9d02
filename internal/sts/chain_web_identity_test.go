package sts_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/iam"
)

// Session tags and the source identity from a web identity token follow
// the same rules down a role chain as AssumeRole's: transitive tags pass
// and cannot be overridden, the source identity persists, and both are
// visible to the next trust policy.
func TestWebIdentityTagsChain(t *testing.T) {
	n := newNode(t)
	provider := iam.ProviderARN(account, n.idp.Issuer())
	web := n.roleTrusting("", "web", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity"]}]}`, provider),
		nil, map[string]string{"all": allowAll})
	next := n.roleTrusting("", "next", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":%q},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceIdentity":"alice","aws:PrincipalTag/team":"blue","sts:SourceIdentity":"alice","aws:FederatedProvider":%q}}},
		{"Effect":"Allow","Principal":{"AWS":%q},"Action":["sts:TagSession","sts:SetSourceIdentity"],"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"],"sts:TransitiveTagKeys":["team"]}}}]}`, web, provider, web),
		nil, nil)
	now := time.Now().Unix()
	tok := n.idp.Mint(map[string]any{"iss": n.idp.Issuer(), "sub": "alice", "aud": audience, "iat": now, "exp": now + 600,
		"https://aws.amazon.com/tags":            map[string]any{"principal_tags": map[string]any{"team": []any{"blue"}, "cost": []any{"7"}}, "transitive_tag_keys": []any{"team"}},
		"https://aws.amazon.com/source_identity": "alice"})
	out, err := n.sts(nil).AssumeRoleWithWebIdentity(context.Background(), &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(web), RoleSessionName: aws.String("w1"), WebIdentityToken: aws.String(tok)})
	if err != nil {
		t.Fatal(err)
	}
	s1 := staticCreds(out.Credentials)
	bad := arIn(next, "n1")
	bad.Tags = tags("TEAM", "red")
	_, err = n.assumeRole(s1, bad)
	wantAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest,
		"One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
	out2, err := n.assumeRole(s1, arIn(next, "n1"))
	if err != nil {
		t.Fatal(err)
	}
	s := n.sessionCaller(staticCreds(out2.Credentials)).Session
	if len(s.Tags) != 1 || s.Tags[0].Key != "team" || s.Tags[0].Value != "blue" || s.SourceIdentity != "alice" || *out2.SourceIdentity != "alice" {
		t.Errorf("chained session: tags %v, source identity %q", s.Tags, s.SourceIdentity)
	}
	if s.FederatedProvider != "" || len(s.WebIdentity) != 0 {
		t.Errorf("the chained session is not a web identity session: %q %v", s.FederatedProvider, s.WebIdentity)
	}
}
