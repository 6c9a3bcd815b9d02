package iamapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

// Every write is in the node's snapshot when the call returns, deletes and
// renames included: the dispatcher waits for the revision of the call's
// last write, whatever the action. Nothing here waits between a call and
// reading the snapshot.
func TestContractWritesVisibleInTheSnapshotOnReturn(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	snap := func() *iam.Snapshot { return n.app.Cache.Current() }
	check := func(what string, ok bool) {
		t.Helper()
		if !ok {
			t.Fatalf("%s: not in the snapshot when the call returned", what)
		}
	}

	n.apiUser(t, "alice")
	_, ok := snap().UserByName(account, "alice")
	check("CreateUser", ok)
	key, err := c.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(key.AccessKey.AccessKeyId)
	_, ok = snap().AccessKey(id)
	check("CreateAccessKey", ok)

	// A rename writes the new name, moves the access keys, deletes the old.
	if _, err := c.UpdateUser(ctx, &iamsdk.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia")}); err != nil {
		t.Fatal(err)
	}
	_, oldName := snap().UserByName(account, "alice")
	_, newName := snap().UserByName(account, "alicia")
	k, _ := snap().AccessKey(id)
	check("UpdateUser (rename)", !oldName && newName && k != nil && k.UserName == "alicia")

	if _, err := c.DeleteAccessKey(ctx, &iamsdk.DeleteAccessKeyInput{UserName: aws.String("alicia"), AccessKeyId: &id}); err != nil {
		t.Fatal(err)
	}
	_, ok = snap().AccessKey(id)
	check("DeleteAccessKey", !ok)
	if _, err := c.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: aws.String("alicia")}); err != nil {
		t.Fatal(err)
	}
	_, ok = snap().UserByName(account, "alicia")
	check("DeleteUser", !ok)

	if _, err := c.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("ops")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateGroup(ctx, &iamsdk.UpdateGroupInput{GroupName: aws.String("ops"), NewGroupName: aws.String("sre")}); err != nil {
		t.Fatal(err)
	}
	_, oldName = snap().GroupByName(account, "ops")
	_, newName = snap().GroupByName(account, "sre")
	check("UpdateGroup (rename)", !oldName && newName)
	if _, err := c.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: aws.String("sre")}); err != nil {
		t.Fatal(err)
	}
	_, ok = snap().GroupByName(account, "sre")
	check("DeleteGroup", !ok)

	arn := aws.ToString(n.polCreate(t, "", "reader", allowAllIAM).Arn)
	if _, err := c.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: &arn}); err != nil {
		t.Fatal(err)
	}
	_, ok = snap().ManagedPolicy(arn)
	check("DeletePolicy", !ok)

	provider := pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://idp.example.com"), ClientIDList: []string{"sts.amazonaws.com"}})
	if _, err := c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &provider}); err != nil {
		t.Fatal(err)
	}
	_, ok = snap().ProviderByARN(provider)
	check("DeleteOpenIDConnectProvider", !ok)
}
