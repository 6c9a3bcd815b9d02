package iamapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const akInvalidToken = "The security token included in the request is invalid"

// A key made by CreateAccessKey signs IAM and STS calls as its user; once
// inactive it is refused (InvalidClientTokenId), once active again it
// works, once deleted it is refused for good. No log line, audit event or
// stored value ever holds a secret access key the API handed out.
func TestContractAccessKeysEndToEnd(t *testing.T) {
	n := newNode(t)
	logs := n.logs
	root, ctx := n.root(), context.Background()
	user := n.repoUser(t, "/", "carol", map[string]string{"list": `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:ListAccessKeys","Resource":"*"}]}`})
	var secrets []string
	create := func() *types.AccessKey {
		out, err := root.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("carol")})
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, aws.ToString(out.AccessKey.SecretAccessKey))
		return out.AccessKey
	}
	key := create()
	id := aws.ToString(key.AccessKeyId)
	p := credentials.NewStaticCredentialsProvider(id, aws.ToString(key.SecretAccessKey), "")
	asCarol, stsCarol := n.client(p), n.stsClient(p)

	works := func(stage string) {
		t.Helper()
		list, err := asCarol.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
		if err != nil || len(list.AccessKeyMetadata) == 0 || aws.ToString(list.AccessKeyMetadata[0].UserName) != "carol" {
			t.Fatalf("%s: IAM call signed with carol's key: %+v %v", stage, list, err)
		}
		who, err := stsCarol.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: GetCallerIdentity: %v", stage, err)
		}
		if aws.ToString(who.Arn) != "arn:aws:iam::"+account+":user/carol" || aws.ToString(who.UserId) != user.UserID || aws.ToString(who.Account) != account {
			t.Fatalf("%s: caller identity %s %s %s", stage, aws.ToString(who.Arn), aws.ToString(who.UserId), aws.ToString(who.Account))
		}
	}
	refused := func(stage string) {
		t.Helper()
		_, err := asCarol.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{})
		wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, akInvalidToken)
		_, err = stsCarol.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, akInvalidToken)
	}
	setStatus := func(s types.StatusType) {
		t.Helper()
		if _, err := root.UpdateAccessKey(ctx, &iamsdk.UpdateAccessKeyInput{UserName: aws.String("carol"), AccessKeyId: &id, Status: s}); err != nil {
			t.Fatal(err)
		}
	}

	works("new key")
	setStatus(types.StatusTypeInactive)
	refused("inactive")
	setStatus(types.StatusTypeActive)
	works("reactivated")
	other := create() // a second key is independent of the first
	if _, err := root.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("carol"), AccessKeyId: &id}); err != nil {
		t.Fatal(err)
	}
	refused("deleted")
	p2 := credentials.NewStaticCredentialsProvider(aws.ToString(other.AccessKeyId), aws.ToString(other.SecretAccessKey), "")
	if _, err := n.stsClient(p2).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("the other key after the first was deleted: %v", err)
	}

	// The audit log records each call, CreateAccessKey included, without
	// the secret.
	// The log is written in batches: wait until the last call's event is
	// there (at least 8 events is not enough, the earlier ones may be all).
	created := 0
	for deadline := time.Now().Add(5 * time.Second); created < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		created = 0
		for _, e := range n.readAudit() {
			if e.EventName == "CreateAccessKey" && e.ErrorCode == "" {
				created++
			}
		}
	}
	if created != 2 {
		t.Fatalf("%d successful CreateAccessKey audit events, want 2", created)
	}
	audit := n.audit.String()
	kvs, _, err := n.app.Repo.Store().List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var stored bytes.Buffer
	for _, kv := range kvs {
		stored.WriteString(kv.Key)
		stored.Write(kv.Value)
	}
	if !strings.Contains(logs.String(), "stsd serving") || len(audit) == 0 || stored.Len() == 0 {
		t.Fatal("nothing to search: the log, audit or store capture is broken")
	}
	for _, s := range secrets {
		for what, text := range map[string]string{"log": logs.String(), "audit log": audit, "store": stored.String()} {
			if strings.Contains(text, s) || strings.Contains(text, strings.ReplaceAll(s, "/", `\/`)) {
				t.Errorf("the %s holds a secret access key", what)
			}
		}
	}
}
