package sts_test

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

// One audit event per call, with who called, what was asked (never a
// secret, token or MFA code) and the decision; no secret handed out
// appears in the audit log or the server's logs.
func TestAuditOfIssuingActions(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	alice := n.user("alice", map[string]string{"p": allowAction("sts:GetFederationToken", "*")})
	role := n.roleTrusting("", "r", trustAWS(quote(userARN("alice")), []string{"sts:AssumeRole", "sts:TagSession"}, ""), nil, nil)
	denied := n.roleTrusting("", "denied", trustAWS(quote(account), []string{"sts:AssumeRole"}, ""), nil, nil)
	var secrets []string
	ar, err := n.assumeRole(alice, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s1"), Tags: tags("team", "blue"), ExternalId: aws.String("ext-1")})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken)
	_, err = n.assumeRole(alice, &stssdk.AssumeRoleInput{RoleArn: aws.String(denied), RoleSessionName: aws.String("s2"), SerialNumber: aws.String("GAHT12345678"), TokenCode: aws.String("654321")})
	if err == nil {
		t.Fatal("MFA accepted")
	}
	_, err = n.assumeRole(alice, arIn(denied, "s3"))
	if err == nil {
		t.Fatal("untrusted role assumed")
	}
	gst, err := n.sts(alice).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, *gst.Credentials.SecretAccessKey, *gst.Credentials.SessionToken)
	gft, err := n.sts(alice).GetFederationToken(ctx, &stssdk.GetFederationTokenInput{Name: aws.String("bob"), Policy: aws.String(allowS3Read)})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, *gft.Credentials.SecretAccessKey, *gft.Credentials.SessionToken)
	aliceKey, _ := alice.Retrieve(ctx)
	secrets = append(secrets, aliceKey.SecretAccessKey)
	logs := n.logs.String()
	raw := n.auditLog()

	type event struct {
		EventName    string `json:"eventName"`
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
		UserIdentity struct {
			Type     string `json:"type"`
			ARN      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"userIdentity"`
		RequestParameters map[string]any `json:"requestParameters"`
		ResponseElements  map[string]any `json:"responseElements"`
		Decision          struct {
			Reason           string `json:"reason"`
			Effect           string `json:"effect"`
			MatchedStatement string `json:"matchedStatement"`
		} `json:"decision"`
	}
	var events []event
	sc := bufio.NewScanner(strings.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line: %v", err)
		}
		if e.EventName == "AssumeRole" || e.EventName == "GetSessionToken" || e.EventName == "GetFederationToken" {
			events = append(events, e)
		}
	}
	if len(events) != 5 {
		t.Fatalf("%d events, want 5", len(events))
	}
	ok, mfa, untrusted, g, f := events[0], events[1], events[2], events[3], events[4]
	if ok.ErrorCode != "" || ok.UserIdentity.Type != "IAMUser" || ok.UserIdentity.UserName != "alice" ||
		ok.RequestParameters["roleArn"] != role || ok.RequestParameters["externalId"] != "ext-1" || ok.RequestParameters["tags"] == nil ||
		ok.Decision.Effect != "allowed" || !strings.Contains(ok.Decision.MatchedStatement, "trust:r") {
		t.Errorf("AssumeRole: %+v", ok)
	}
	if u, _ := ok.ResponseElements["assumedRoleUser"].(map[string]any); u["arn"] != "arn:aws:sts::"+account+":assumed-role/r/s1" {
		t.Errorf("AssumeRole responseElements: %v", ok.ResponseElements)
	}
	if mfa.ErrorCode != "AccessDenied" || mfa.Decision.Reason != "mfa_device_unknown" || mfa.RequestParameters["serialNumber"] != "GAHT12345678" || mfa.RequestParameters["tokenCode"] != nil {
		t.Errorf("MFA: %+v", mfa)
	}
	if untrusted.ErrorCode != "AccessDenied" || untrusted.Decision.Reason != "not_authorized_implicitDeny" {
		t.Errorf("untrusted: %+v", untrusted)
	}
	if g.ErrorCode != "" || g.ResponseElements["credentials"] == nil || f.ErrorCode != "" || f.RequestParameters["name"] != "bob" {
		t.Errorf("GetSessionToken %+v\nGetFederationToken %+v", g, f)
	}
	if fu, _ := f.ResponseElements["federatedUser"].(map[string]any); fu["arn"] != "arn:aws:sts::"+account+":federated-user/bob" {
		t.Errorf("GetFederationToken responseElements: %v", f.ResponseElements)
	}
	for _, s := range secrets {
		if strings.Contains(raw, s) || strings.Contains(logs, s) {
			t.Errorf("a secret or session token reached the audit log or the logs")
		}
	}
	if strings.Contains(raw, "654321") {
		t.Error("the MFA code reached the audit log")
	}
}
