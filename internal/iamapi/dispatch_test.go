package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Every IAM call is signed: unsigned and wrongly signed requests fail as
// in AWS, and an unknown action names the IAM version.
func TestContractDispatchAuthentication(t *testing.T) {
	n := newNode(t)
	_, err := n.client(credentials.NewStaticCredentialsProvider("AKIAUNKNOWNUNKNOWN22", rootSecret, "")).
		ListRoles(context.Background(), nil)
	wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid")

	_, err = n.client(credentials.NewStaticCredentialsProvider(rootKeyID, "wrong"+rootSecret[5:], "")).
		ListRoles(context.Background(), nil)
	wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden,
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

	r := n.post(url.Values{"Action": {"FlyToTheMoon"}}, nil)
	wantRawError(t, r, "InvalidAction", http.StatusBadRequest, "Could not find operation FlyToTheMoon for version 2010-05-08")
}
