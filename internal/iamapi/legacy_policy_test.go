package iamapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

// legacyDeny is a Deny an older stsd accepted and stored: its Resource is
// no ARN, which IAM's grammar (and stsd's now) rejects. Loaded from the
// store, it no longer parses.
const legacyDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*secret*"}]}`

// A stored identity policy that no longer parses stands in as a deny of
// everything: skipping it would drop its Deny statements. The user keeps
// its other policies, yet can do nothing, and the cache logs why.
func TestContractStoredPolicyThatNoLongerParsesFailsClosed(t *testing.T) {
	n := newNode(t)
	logs := n.logs
	ctx := context.Background()
	if _, err := iam.ParseIdentityPolicy(legacyDeny); err == nil {
		t.Fatal("the legacy document parses; this test proves nothing")
	}
	put := func(key string, v any) {
		t.Helper()
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := n.app.Repo.Store().Put(ctx, key, raw)
		if err != nil {
			t.Fatal(err)
		}
		n.waitRev(t, rev)
	}
	now := time.Now().UTC().Truncate(time.Second)
	put(iam.UserKey(account, "inline"), iam.User{Account: account, Name: "inline", Path: "/", UserID: "AIDAINLINEINLINE0001", CreateDate: now,
		InlinePolicies: map[string]string{"admin": allowAllIAM, "legacy": legacyDeny}})
	put(iam.PolicyKey(account, "Legacy"), iam.ManagedPolicy{Account: account, Name: "Legacy", Path: "/", PolicyID: "ANPALEGACYLEGACY0001",
		Versions: []iam.PolicyVersion{{VersionID: "v1", Document: legacyDeny, CreateDate: now}}, DefaultVersionID: "v1", NextVersion: 2,
		CreateDate: now, UpdateDate: now})
	put(iam.UserKey(account, "attached"), iam.User{Account: account, Name: "attached", Path: "/", UserID: "AIDAATTACHEDATTA0001", CreateDate: now,
		InlinePolicies:    map[string]string{"admin": allowAllIAM},
		ManagedPolicyARNs: []string{"arn:aws:iam::" + account + ":policy/Legacy"}})

	for _, name := range []string{"inline", "attached"} {
		c := n.userClient(t, name)
		_, err := c.ListRoles(ctx, &iamsdk.ListRolesInput{})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:iam::"+account+":user/"+name+" is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::"+account+":role/ with an explicit deny in an identity-based policy")
		_, err = c.GetUser(ctx, &iamsdk.GetUserInput{UserName: aws.String(name)})
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
			"User: arn:aws:iam::"+account+":user/"+name+" is not authorized to perform: iam:GetUser on resource: arn:aws:iam::"+account+":user/"+name+" with an explicit deny in an identity-based policy")
	}
	for _, want := range []string{"iam cache: user arn:aws:iam::" + account + ":user/inline denies everything",
		"iam cache: policy arn:aws:iam::" + account + ":policy/Legacy denies everything where attached"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no log line %q in\n%s", want, logs.String())
		}
	}
}
