package iamapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// A request that fails authentication is audited without its parameters:
// anyone could otherwise write a whole request body into the audit log.
// Once the caller is known, the action's parameters are recorded.
func TestContractAuditParametersOnlyForAuthenticatedCallers(t *testing.T) {
	n := newNode(t)
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("x", 40000) + `"}]}`
	params := url.Values{"Action": {"CreatePolicy"}, "PolicyName": {"p"}, "PolicyDocument": {big}}
	r := n.post(params, credentials.NewStaticCredentialsProvider(rootKeyID, "wrong"+rootSecret[5:], ""))
	wantRawError(t, r, "SignatureDoesNotMatch", http.StatusForbidden,
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	r = n.post(url.Values{"Action": {"ListRoles"}, "PathPrefix": {"/a/"}}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("ListRoles: %d %s", r.Status, r.Body)
	}
	events := n.auditEvents(2)
	if len(events) != 2 || events[0].EventName != "CreatePolicy" || events[1].EventName != "ListRoles" {
		t.Fatalf("audit events: %+v", events)
	}
	if len(events[0].RequestParam) != 0 {
		t.Errorf("the unauthenticated CreatePolicy recorded %d parameters", len(events[0].RequestParam))
	}
	if got := events[1].RequestParam; len(got) != 1 || got["PathPrefix"] != "/a/" {
		t.Errorf("ListRoles recorded %v, want PathPrefix only", got)
	}
}
