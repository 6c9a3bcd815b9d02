package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type auditLine struct {
	EventName    string `json:"eventName"`
	RequestID    string `json:"requestID"`
	ErrorCode    string `json:"errorCode"`
	UserIdentity struct {
		Type             string `json:"type"`
		UserName         string `json:"userName"`
		IdentityProvider string `json:"identityProvider"`
	} `json:"userIdentity"`
	RequestParameters map[string]any `json:"requestParameters"`
	ResponseElements  map[string]any `json:"responseElements"`
	Decision          struct {
		Reason           string `json:"reason"`
		Effect           string `json:"effect"`
		MatchedStatement string `json:"matchedStatement"`
		FailedCondition  string `json:"failedCondition"`
	} `json:"decision"`
}

// One audit event per call, CloudTrail-shaped, with stsd's decision: the
// trust statement that allowed, or the condition that failed and the
// internal reason code (which the client never sees).
func TestAuditEventsExplainDecisions(t *testing.T) {
	n := startNode(t, nodeOptions{})
	providerARN := n.provider()
	strict := n.role("strict", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"MainOnly","Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:"repo:org/app:ref:refs/heads/main"}}}]}`,
		n.provider(), n.hostPath()+":sub"), 3600)
	n.assume(strict, "ok", n.token("repo:org/app:ref:refs/heads/main", nil), 900)
	n.post(arwwi(strict, "denied", n.token("repo:org/app:ref:refs/heads/dev", nil)), nil)
	n.post(arwwi(strict, "badsig", tamper(n.token("u", nil))), nil)
	n.stop()

	var events []auditLine
	sc := bufio.NewScanner(strings.NewReader(n.auditLog()))
	for sc.Scan() {
		var e auditLine
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line is not JSON: %v", err)
		}
		events = append(events, e)
	}
	if len(events) != 3 {
		t.Fatalf("got %d audit events, want one per call (3)", len(events))
	}
	ok, denied, badsig := events[0], events[1], events[2]
	if ok.ErrorCode != "" || ok.Decision.Effect != "allowed" || !strings.Contains(ok.Decision.MatchedStatement, "statement 0 (Sid MainOnly)") ||
		ok.UserIdentity.Type != "WebIdentityUser" || ok.UserIdentity.UserName != "repo:org/app:ref:refs/heads/main" ||
		ok.UserIdentity.IdentityProvider != providerARN || ok.ResponseElements["credentials"] == nil {
		t.Errorf("allowed call: %+v", ok)
	}
	if denied.ErrorCode != "AccessDenied" || denied.Decision.Reason != "trust_policy_implicitDeny" ||
		!strings.Contains(denied.Decision.FailedCondition, "StringEquals") || !strings.Contains(denied.Decision.FailedCondition, ":sub") {
		t.Errorf("denied call: %+v", denied)
	}
	if badsig.ErrorCode != "InvalidIdentityToken" || badsig.Decision.Reason != "bad_signature" {
		t.Errorf("bad signature: %+v", badsig)
	}
	for _, e := range events {
		if e.RequestParameters["roleArn"] != strict || e.RequestParameters["webIdentityToken"] != nil {
			t.Errorf("requestParameters must name the role and never carry the token: %v", e.RequestParameters)
		}
	}
}
