package sts_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
)

const (
	allowDecode = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]}`
	allowS3Read = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	denyDecode  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}`
	allowAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	denyDelete  = `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`

	msgInvalid = "The message passed to DecodeAuthorizationMessage was invalid."
)

// sessionCaller is the authenticated caller a session's credentials are.
func (n *node) sessionCaller(p aws.CredentialsProvider) *authn.Caller {
	n.t.Helper()
	c, err := p.Retrieve(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	s, err := n.app.Keyring.Open(context.Background(), c.SessionToken)
	if err != nil {
		n.t.Fatal(err)
	}
	return &authn.Caller{Kind: authn.KindAssumedRole, Account: s.AccountID, ARN: s.AssumedRoleARN(),
		UserID: s.AssumedRoleID(), AccessKeyID: s.AccessKeyID, Session: s}
}

// userCaller is the IAM user name as an authenticated caller.
func (n *node) userCaller(name string) *authn.Caller {
	n.t.Helper()
	u, ok := n.app.Cache.Current().UserByName(account, name)
	if !ok {
		n.t.Fatalf("no user %s", name)
	}
	return &authn.Caller{Kind: authn.KindUser, Account: account, ARN: u.ARN, UserID: u.User.UserID, User: u}
}

// denial decides action on resource for caller with the node's engine
// and returns the encoded message of the denial.
func (n *node) denial(caller *authn.Caller, action, resource string) string {
	n.t.Helper()
	res := n.app.Engine.Decide(authz.Request{Caller: caller, Checks: []authz.Check{{Action: action, Resource: resource}}})
	if res.Allowed {
		n.t.Fatalf("%s on %s was allowed", action, resource)
	}
	enc, err := authz.Encode(n.app.Keyring, caller, &res)
	if err != nil || enc == "" {
		n.t.Fatalf("encode: %q %v", enc, err)
	}
	return enc
}

func (n *node) decode(p aws.CredentialsProvider, encoded string) (authz.DecodedMessage, error) {
	out, err := n.sts(p).DecodeAuthorizationMessage(context.Background(), &stssdk.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	var m authz.DecodedMessage
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &m); err != nil {
		n.t.Fatalf("DecodedMessage is not JSON: %v\n%s", err, aws.ToString(out.DecodedMessage))
	}
	return m, nil
}

func conditionValue(m authz.DecodedMessage, key string) string {
	for _, c := range m.Context.Conditions.Items {
		if c.Key == key && len(c.Values.Items) > 0 {
			return c.Values.Items[0].Value
		}
	}
	return ""
}

// A role session whose policies allow sts:DecodeAuthorizationMessage
// decodes a role session's implicit denial and an IAM user's explicit
// denial: AWS's shape, the principal, action, resource and condition keys.
func TestDecodeAuthorizationMessageAllowed(t *testing.T) {
	n := newNode(t)
	decoder := n.session(n.role("decoder", map[string]string{"decode": allowDecode}), "dec")
	app := n.session(n.role("app", map[string]string{"read": allowS3Read}), "app-session")
	n.user("alice", map[string]string{"all": allowAll, "nodelete": denyDelete})

	t.Run("role session, implicit deny", func(t *testing.T) {
		caller := n.sessionCaller(app)
		m, err := n.decode(decoder, n.denial(caller, "s3:PutObject", "arn:aws:s3:::reports/q1.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Allowed || m.ExplicitDeny || len(m.MatchedStatements.Items) != 0 {
			t.Errorf("decision = %+v", m)
		}
		if m.Context.Principal.ARN != "arn:aws:sts::"+account+":assumed-role/app/app-session" || m.Context.Principal.ID != caller.UserID ||
			m.Context.Action != "s3:PutObject" || m.Context.Resource != "arn:aws:s3:::reports/q1.csv" {
			t.Errorf("context = %+v", m.Context)
		}
		if got := conditionValue(m, "aws:PrincipalArn"); got != "arn:aws:iam::"+account+":role/app" {
			t.Errorf("aws:PrincipalArn = %q", got)
		}
		if got := conditionValue(m, "aws:TokenIssueTime"); got == "" {
			t.Error("aws:TokenIssueTime missing from the context")
		}
	})
	t.Run("IAM user, explicit deny", func(t *testing.T) {
		m, err := n.decode(decoder, n.denial(n.userCaller("alice"), "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Allowed || !m.ExplicitDeny || len(m.MatchedStatements.Items) != 1 {
			t.Fatalf("decision = %+v", m)
		}
		st := m.MatchedStatements.Items[0]
		if st.StatementID != "NoDelete" || st.Effect != "DENY" || st.Actions.Items[0].Value != "s3:DeleteObject" {
			t.Errorf("matched statement = %+v", st)
		}
		if m.Context.Principal.Name != "alice" || m.Context.Principal.ARN != "arn:aws:iam::"+account+":user/alice" {
			t.Errorf("principal = %+v", m.Context.Principal)
		}
	})
	t.Run("root", func(t *testing.T) {
		m, err := n.decode(n.rootCreds(), n.denial(n.sessionCaller(app), "s3:PutObject", ""))
		if err != nil {
			t.Fatal(err)
		}
		if m.Context.Resource != "*" || m.Context.Action != "s3:PutObject" {
			t.Errorf("context = %+v", m.Context)
		}
	})
	t.Run("the IAM user itself, allowed by Action *", func(t *testing.T) {
		// alice's own policies allow everything: she decodes her denial.
		_, err := n.decode(n.userCreds("alice"), n.denial(n.userCaller("alice"), "s3:DeleteObject", "*"))
		if err != nil {
			t.Fatal(err)
		}
	})
}

// userCreds are the credentials made for a user by user(); kept per node.
func (n *node) userCreds(name string) aws.CredentialsProvider {
	n.t.Helper()
	p, ok := userKeys.Load(n.app.URL + "/" + name)
	if !ok {
		n.t.Fatalf("no key for %s", name)
	}
	return p.(aws.CredentialsProvider)
}

// Callers whose policies do not allow sts:DecodeAuthorizationMessage get
// AWS's AccessDenied 403 — implicitly (no statement) and explicitly (a
// Deny) — and learn nothing about the message.
func TestDecodeAuthorizationMessageDenied(t *testing.T) {
	n := newNode(t)
	app := n.session(n.role("app", map[string]string{"read": allowS3Read}), "s1")
	denied := n.session(n.role("denied", map[string]string{"all": allowAll, "deny": denyDecode}), "s2")
	n.user("bob", map[string]string{"read": allowS3Read})
	msg := n.denial(n.sessionCaller(app), "s3:PutObject", "arn:aws:s3:::reports/x")

	_, err := n.decode(app, msg)
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/app/s1 is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
	_, err = n.decode(denied, msg)
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/denied/s2 is not authorized to perform: sts:DecodeAuthorizationMessage with an explicit deny in an identity-based policy")
	_, err = n.decode(n.userCreds("bob"), msg)
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/bob is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
	// A garbage message is refused as AccessDenied too: authorization
	// comes before the message is opened.
	_, err = n.decode(app, "garbage")
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/app/s1 is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
	// A session policy that does not allow the action: the role allows
	// everything, the session's inline policy only s3:GetObject.
	out, err := n.assume(n.role("wide", map[string]string{"all": allowAll}), "s3", allowS3Read)
	if err != nil {
		t.Fatal(err)
	}
	narrowed := credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	_, err = n.decode(narrowed, msg)
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:sts::"+account+":assumed-role/wide/s3 is not authorized to perform: sts:DecodeAuthorizationMessage because no session policy allows the sts:DecodeAuthorizationMessage action")
	// Unsigned: the action is signed.
	_, err = n.decode(nil, msg)
	if err == nil {
		t.Fatal("an unsigned DecodeAuthorizationMessage succeeded")
	}
}

// Messages that do not open — tampered, sealed by another keyring, not a
// message at all, a session token — and messages sealed for another
// account answer InvalidAuthorizationMessageException 400; the member
// constraints answer ValidationError 400.
func TestDecodeAuthorizationMessageRejections(t *testing.T) {
	n := newNode(t)
	other := newNode(t)
	app := n.session(n.role("app", map[string]string{"read": allowS3Read}), "s1")
	good := n.denial(n.sessionCaller(app), "s3:PutObject", "arn:aws:s3:::reports/x")
	root := n.rootCreds()
	if _, err := n.decode(root, good); err != nil {
		t.Fatal(err)
	}
	appCreds, _ := app.Retrieve(context.Background())

	raw, err := base64.RawURLEncoding.DecodeString(good)
	if err != nil {
		t.Fatalf("messages are base64url without padding: %v", err)
	}
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	otherApp := other.session(other.role("app", map[string]string{"read": allowS3Read}), "s1")
	foreignAccount := &authn.Caller{Kind: authn.KindUser, Account: "444455556666", ARN: "arn:aws:iam::444455556666:user/mallory", UserID: "AIDAMALLORYMALLORY00",
		User: &iam.UserView{ARN: "arn:aws:iam::444455556666:user/mallory", User: &iam.User{Account: "444455556666", Name: "mallory", UserID: "AIDAMALLORYMALLORY00"}}}
	res := n.app.Engine.Decide(authz.Request{Caller: foreignAccount, Checks: []authz.Check{{Action: "s3:GetObject"}}})
	forAnotherAccount, err := authz.Encode(n.app.Keyring, foreignAccount, &res)
	if err != nil {
		t.Fatal(err)
	}
	noPrincipal, err := n.app.Keyring.SealMessage([]byte(`{"allowed":false,"context":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	notJSON, err := n.app.Keyring.SealMessage([]byte(`not json`))
	if err != nil {
		t.Fatal(err)
	}
	invalid := map[string]string{
		"tampered version byte":       flip(0),
		"tampered key id":             flip(2),
		"tampered ciphertext":         flip(len(raw) / 2),
		"tampered tag":                flip(len(raw) - 1),
		"truncated":                   good[:len(good)-4],
		"another keyring's message":   other.denial(other.sessionCaller(otherApp), "s3:PutObject", "*"),
		"sealed for another account":  forAnotherAccount,
		"sealed without a principal":  noPrincipal,
		"sealed, not JSON":            notJSON,
		"garbage":                     "garbage!",
		"line break":                  good[:10] + "\n" + good[10:],
		"padded base64":               base64.URLEncoding.EncodeToString(raw),
		"standard base64":             strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+/",
		"a session token":             appCreds.SessionToken,
		"one character":               "A",
		"non-ASCII":                   "décodé",
		"at the model's length limit": strings.Repeat("A", 10240),
		"over the model's limit":      strings.Repeat("A", 10241),
	}
	for name, enc := range invalid {
		t.Run(name, func(t *testing.T) {
			_, err := n.decode(root, enc)
			wantAPIError(t, err, "InvalidAuthorizationMessageException", http.StatusBadRequest, msgInvalid)
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, err := n.decode(root, "")
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value '' at 'encodedMessage' failed to satisfy constraint: Member must have length greater than or equal to 1")
	})
	t.Run("oversized", func(t *testing.T) {
		// In the URL (the body is empty) the member check answers; in a
		// form body the server's 64 KiB cap answers first.
		status, body := n.postQuery(url.Values{"Action": {"DecodeAuthorizationMessage"}, "Version": {"2011-06-15"},
			"EncodedMessage": {strings.Repeat("A", 65537)}}, root)
		want := "<Code>ValidationError</Code>\n    <Message>1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length less than or equal to 65536</Message>"
		if status != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Fatalf("got %d\n%.2000s", status, body)
		}
		_, err := n.decode(root, strings.Repeat("A", 65537))
		wantAPIError(t, err, "RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "Request body must be no larger than 65536 bytes")
	})
	t.Run("missing", func(t *testing.T) {
		status, body := n.postSigned(url.Values{"Action": {"DecodeAuthorizationMessage"}, "Version": {"2011-06-15"}}, root)
		want := "<Code>ValidationError</Code>\n    <Message>1 validation error detected: Value null at 'encodedMessage' failed to satisfy constraint: Member must not be null</Message>"
		if status != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Fatalf("got %d\n%s", status, body)
		}
	})
	t.Run("the good message still decodes", func(t *testing.T) {
		if _, err := n.decode(root, good); err != nil {
			t.Fatal(err)
		}
	})
}

// stsd decodes every message it hands out: a realistic denial — a role
// session denied by eight statements — encodes to thousands of
// characters, and one matching forty statements to more than the model's
// 10,240, which stsd still accepts.
func TestDecodeAuthorizationMessageRealisticSize(t *testing.T) {
	n := newNode(t)
	var stmts []string
	for i := range 8 {
		stmts = append(stmts, `{"Sid":"Deny`+string(rune('A'+i))+`","Effect":"Deny","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::reports/*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"finance"}}}`)
	}
	deny := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	app := n.session(n.role("app", map[string]string{"all": allowAll, "deny": deny, "decode": allowDecode}), "a-rather-long-session-name-for-size")
	enc := n.denial(n.sessionCaller(app), "s3:PutObject", "arn:aws:s3:::reports/2026/quarterly/finance/q1-consolidated.csv")
	m, err := n.decode(app, enc)
	if err != nil {
		t.Fatal(err)
	}
	if !m.ExplicitDeny || len(m.MatchedStatements.Items) != 8 {
		t.Errorf("decoded %+v", m)
	}
	t.Logf("eight statements: %d characters", len(enc))

	for i := range 32 {
		stmts = append(stmts, `{"Sid":"More`+itoa(i)+`","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`)
	}
	big := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	app2 := n.session(n.role("big", map[string]string{"all": allowAll, "deny": big, "decode": allowDecode}), "s2")
	enc = n.denial(n.sessionCaller(app2), "s3:PutObject", "arn:aws:s3:::reports/x")
	if len(enc) <= 10240 {
		t.Fatalf("forty statements encode to %d characters; the test wants more than 10240", len(enc))
	}
	// A raw signed POST, not the SDK: under -race, aws-sdk-go-v2 reading
	// this ~30 KB response fails about once in thirty runs with "use of
	// closed network connection" on its own socket, while raw reads of
	// the same response pass hundreds of times (an open item, reported).
	status, body := n.postSigned(url.Values{"Action": {"DecodeAuthorizationMessage"}, "Version": {"2011-06-15"}, "EncodedMessage": {enc}}, app2)
	var out struct {
		Decoded string `xml:"DecodeAuthorizationMessageResult>DecodedMessage"`
	}
	if status != http.StatusOK || xml.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("%d\n%.300s", status, body)
	}
	m = authz.DecodedMessage{}
	if err := json.Unmarshal([]byte(out.Decoded), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.MatchedStatements.Items) != 40 {
		t.Errorf("decoded %d matched statements", len(m.MatchedStatements.Items))
	}
	t.Logf("forty statements: %d characters", len(enc))
}

// The audit event records the encoded message's length and nothing of the
// message or the decoded document; no log line carries either.
func TestDecodeAuthorizationMessageAudit(t *testing.T) {
	n := newNode(t)
	app := n.session(n.role("app", map[string]string{"read": allowS3Read}), "s1")
	enc := n.denial(n.sessionCaller(app), "s3:PutObject", "arn:aws:s3:::reports/secret-plan.csv")
	if _, err := n.decode(n.rootCreds(), enc); err != nil {
		t.Fatal(err)
	}
	_, _ = n.decode(n.rootCreds(), enc[:len(enc)-2])
	logs := n.logs.String()
	audit := n.auditLog()
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(audit), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if e["eventName"] == "DecodeAuthorizationMessage" {
			events = append(events, e)
		}
	}
	if len(events) != 2 {
		t.Fatalf("%d DecodeAuthorizationMessage events\n%s", len(events), audit)
	}
	params, _ := json.Marshal(events[0]["requestParameters"])
	if string(params) != `{"encodedMessageLength":`+itoa(len(enc))+`}` {
		t.Errorf("requestParameters = %s", params)
	}
	if _, ok := events[0]["responseElements"]; ok {
		t.Errorf("responseElements recorded: %v", events[0]["responseElements"])
	}
	if events[1]["errorCode"] != "InvalidAuthorizationMessageException" {
		t.Errorf("second event = %v", events[1])
	}
	for where, text := range map[string]string{"audit log": audit, "logs": logs} {
		for _, secret := range []string{enc[:40], enc[len(enc)-40 : len(enc)-2], "secret-plan.csv", "s3:PutObject"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains %q", where, secret)
			}
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
