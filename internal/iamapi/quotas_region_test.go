package iamapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/iam"
)

// IAM is a global service signed for us-east-1: a request signed for any
// other region is SignatureDoesNotMatch with AWS's text, whoever signs it.
// STS keeps accepting any region.
func TestContractIAMRequestsMustBeSignedForUSEast1(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.apiUser(t, "dev")
	for _, creds := range []aws.CredentialsProvider{rootCreds(), n.accessKey(t, "dev")} {
		for _, region := range []string{"us-west-2", "eu-central-1", "US-EAST-1", "aws-global"} {
			c := iamsdk.New(iamsdk.Options{Region: region, BaseEndpoint: aws.String(n.app.URL), Credentials: creds,
				HTTPClient: n.http, RetryMaxAttempts: 1})
			_, err := c.ListRoles(ctx, &iamsdk.ListRolesInput{})
			wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden,
				"Credential should be scoped to a valid region, not '"+region+"'. ")
		}
	}
	if _, err := n.root().ListRoles(ctx, &iamsdk.ListRolesInput{}); err != nil {
		t.Fatalf("us-east-1: %v", err)
	}
	s := sts.New(sts.Options{Region: "eu-central-1", BaseEndpoint: aws.String(n.app.URL), Credentials: rootCreds(),
		HTTPClient: n.http, RetryMaxAttempts: 1})
	if _, err := s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("STS signed for eu-central-1: %v", err)
	}
}

// An account holds at most 100 OIDC providers (IAM's
// OpenIdConnectProvidersPerAccount): the 101st is LimitExceeded, while an
// existing URL is still EntityAlreadyExists, and a deletion makes room.
func TestContractProvidersPerAccountQuota(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	root := n.root()
	url := func(i int) string { return fmt.Sprintf("https://idp%03d.example.com", i) }
	for i := range iam.MaxProvidersPerAccount {
		pvCreate(t, root, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url(i)), ClientIDList: []string{"sts.amazonaws.com"}})
	}
	_, err := root.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url(100))})
	wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100")
	_, err = root.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url(7))})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "Provider with url "+url(7)+" already exists.")
	if _, err := root.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String("arn:aws:iam::" + account + ":oidc-provider/idp007.example.com")}); err != nil {
		t.Fatal(err)
	}
	pvCreate(t, root, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url(100))})
}
