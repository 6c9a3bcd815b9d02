package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// signedCall is one Query-protocol call signed with credentials, in the
// header form (POST, Authorization header) or presigned (GET, every
// signature parameter and the session token in the query string).
type signedCall struct {
	service, action string
	params          url.Values
	creds           aws.Credentials
	presigned       bool
}

// send signs and sends the call and returns the answer.
func (n *node) send(c signedCall) (int, http.Header, string) {
	n.t.Helper()
	q := url.Values{"Action": {c.action}, "Version": {map[string]string{"sts": "2011-06-15", "iam": "2010-05-08"}[c.service]}}
	for k, vs := range c.params {
		q[k] = vs
	}
	ctx := context.Background()
	signer := v4.NewSigner()
	if c.presigned {
		empty := sha256.Sum256(nil)
		req, err := http.NewRequest(http.MethodGet, n.app.URL+"/?"+q.Encode(), nil)
		if err != nil {
			n.t.Fatal(err)
		}
		u, _, err := signer.PresignHTTP(ctx, c.creds, req, hexString(empty[:]), c.service, "us-east-1", time.Now())
		if err != nil {
			n.t.Fatal(err)
		}
		if req, err = http.NewRequest(http.MethodGet, u, nil); err != nil {
			n.t.Fatal(err)
		}
		return n.do(req)
	}
	body := q.Encode()
	req, err := http.NewRequest(http.MethodPost, n.app.URL+"/", strings.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	if err := signer.SignHTTP(ctx, c.creds, req, hexString(sum[:]), c.service, "us-east-1", time.Now()); err != nil {
		n.t.Fatal(err)
	}
	return n.do(req)
}

// The full-flow secret sweep over signed calls: every API (STS and IAM),
// header-signed and presigned, successes and failures of every kind. No
// secret key, session token, web identity token or signature reaches a
// log line, an operator notice, an audit event, a response header or an
// error body; the audit event of a presigned call records the action's
// parameters only.
func TestNoSecretInSignedOrPresignedCalls(t *testing.T) {
	const rootKey, rootSecret = "AKIAROOTROOTROOT0000", "rootsecretrootsecretrootsecretrootsecre1"
	n := startNode(t, nodeOptions{env: map[string]string{"STSD_ROOT_ACCESS_KEY_ID": rootKey, "STSD_ROOT_SECRET_ACCESS_KEY": rootSecret}})
	roleARN := n.role("app", n.trustFor(), 3600)
	ctx := context.Background()
	secrets := []string{rootSecret}
	var answers []string // every answer that must not carry a secret
	root := aws.Credentials{AccessKeyID: rootKey, SecretAccessKey: rootSecret}

	tok := n.token("u", nil)
	secrets = append(secrets, tok, tok[strings.LastIndexByte(tok, '.')+1:])
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(tok)})
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey,
		SessionToken: *out.Credentials.SessionToken}
	secrets = append(secrets, session.SecretAccessKey, session.SessionToken)

	// An IAM user's access key: its secret is in CreateAccessKey's answer
	// (once, by design) and nowhere else.
	if status, _, body := n.send(signedCall{service: "iam", action: "CreateUser", params: url.Values{"UserName": {"dev"}}, creds: root}); status != http.StatusOK {
		t.Fatalf("CreateUser: %d %s", status, body)
	}
	status, _, body := n.send(signedCall{service: "iam", action: "CreateAccessKey", params: url.Values{"UserName": {"dev"}}, creds: root, presigned: true})
	var created struct {
		Key struct {
			ID     string `xml:"AccessKeyId"`
			Secret string `xml:"SecretAccessKey"`
		} `xml:"CreateAccessKeyResult>AccessKey"`
	}
	if err := xml.Unmarshal([]byte(body), &created); status != http.StatusOK || err != nil || created.Key.Secret == "" {
		t.Fatalf("CreateAccessKey: %d %v %s", status, err, body)
	}
	user := aws.Credentials{AccessKeyID: created.Key.ID, SecretAccessKey: created.Key.Secret}
	secrets = append(secrets, user.SecretAccessKey)
	time.Sleep(100 * time.Millisecond)

	wrong := func(c aws.Credentials) aws.Credentials { c.SecretAccessKey = wrongSecret(c.SecretAccessKey); return c }
	tampered := session
	tampered.SessionToken = tamper(session.SessionToken)
	calls := []struct {
		call signedCall
		want int
	}{
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: session}, http.StatusOK},
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: user}, http.StatusOK},
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: root}, http.StatusOK},
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: wrong(session)}, http.StatusForbidden},
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: wrong(user)}, http.StatusForbidden},
		{signedCall{service: "sts", action: "GetCallerIdentity", creds: tampered}, http.StatusForbidden},
		{signedCall{service: "sts", action: "NoSuchAction", creds: session}, http.StatusBadRequest},
		{signedCall{service: "iam", action: "ListRoles", creds: root}, http.StatusOK},
		{signedCall{service: "iam", action: "ListRoles", creds: session}, http.StatusForbidden},
		{signedCall{service: "iam", action: "ListRoles", creds: user}, http.StatusForbidden},
		{signedCall{service: "iam", action: "GetRole", params: url.Values{"RoleName": {"missing"}}, creds: root}, http.StatusNotFound},
		{signedCall{service: "iam", action: "GetRole", params: url.Values{"RoleName": {"bad name!"}}, creds: root}, http.StatusBadRequest},
		{signedCall{service: "iam", action: "ListRoles", creds: wrong(root)}, http.StatusForbidden},
		{signedCall{service: "iam", action: "ListRoles", creds: tampered}, http.StatusForbidden},
		{signedCall{service: "iam", action: "GetUser", params: url.Values{"UserName": {"dev"}}, creds: user}, http.StatusForbidden},
	}
	for _, presigned := range []bool{false, true} {
		for _, c := range calls {
			c.call.presigned = presigned
			status, header, body := n.send(c.call)
			if status != c.want {
				t.Errorf("%s %s presigned=%v: got %d, want %d\n%s", c.call.service, c.call.action, presigned, status, c.want, body)
			}
			h, _ := json.Marshal(header)
			answers = append(answers, string(h), body)
		}
	}
	// AssumeRoleWithWebIdentity is unsigned, but a GET carries the web
	// identity token in the URL: accepted and rejected, it stays out of
	// every log, and the rejections' answers.
	for i, bad := range []string{"", tamper(n.token("u", nil)), n.token("u", map[string]any{"aud": "other"})} {
		tok := n.token("u", nil)
		if bad != "" {
			tok = bad
		}
		secrets = append(secrets, tok)
		q := arwwi(roleARN, "get"+string(rune('0'+i)), tok)
		q.Set("Version", "2011-06-15")
		req, err := http.NewRequest(http.MethodGet, n.app.URL+"/?"+q.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		status, header, body := n.do(req)
		if bad == "" {
			var got struct {
				Secret string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SecretAccessKey"`
				Token  string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SessionToken"`
			}
			if err := xml.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil || got.Token == "" {
				t.Fatalf("GET AssumeRoleWithWebIdentity: %d %v %s", status, err, body)
			}
			secrets = append(secrets, got.Secret, got.Token)
			continue
		}
		if status != http.StatusBadRequest {
			t.Errorf("GET AssumeRoleWithWebIdentity with a bad token: %d %s", status, body)
		}
		h, _ := json.Marshal(header)
		answers = append(answers, string(h), body)
	}
	n.stop() // flush the audit log

	audit := n.auditLog()
	outputs := map[string]string{"logs": n.logs.String() /* notices included */, "audit": audit,
		"answers": strings.Join(answers, "\n")}
	if !strings.Contains(audit, `"eventName":"ListRoles"`) || !strings.Contains(outputs["logs"], "request failed") {
		t.Fatalf("the flow produced no audit events or logs; the search below would prove nothing")
	}
	for _, line := range strings.Split(strings.TrimSpace(audit), "\n") {
		var e struct {
			EventName string            `json:"eventName"`
			Params    map[string]string `json:"requestParameters"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			continue // STS events have typed parameters
		}
		for k := range e.Params {
			if strings.HasPrefix(strings.ToLower(k), "x-amz-") || k == "Action" || k == "Version" {
				t.Errorf("audit event %s records the request parameter %s", e.EventName, k)
			}
		}
	}
	for name, text := range outputs {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contain a secret (%d characters starting %q)", name, len(s), s[:4])
			}
		}
		if strings.Contains(text, "X-Amz-Signature") || strings.Contains(text, "X-Amz-Security-Token") {
			t.Errorf("%s contain a presigned request's signature parameters", name)
		}
	}
}
