package downstream_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/stsd/stsd/internal/downstream"
)

func TestAuthorizeAllowedAndDenied(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy})
	creds := n.session(roleARN, "s1", 900, map[string]any{
		"https://aws.amazon.com/tags":            map[string]any{"principal_tags": map[string]any{"team": []string{"blue"}}},
		"https://aws.amazon.com/source_identity": "alice",
	})
	role, _ := n.app.Cache.Current().RoleByName(account, "app")
	client := n.clientRequest(creds, "GET", "/pets/1?x=1&y=a%20b", nil, nil)

	t.Run("allowed", func(t *testing.T) {
		d := n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets/1")}}).decision(t)
		if !d.Authenticated || !d.Allowed || d.Error != nil || d.EncodedMessage != "" || len(d.Decisions) != 1 {
			t.Fatalf("answer %+v", d)
		}
		p := d.Principal
		if p.ARN != "arn:aws:sts::111122223333:assumed-role/app/s1" || p.Account != account || p.UserID != role.Role.RoleID+":s1" ||
			p.Type != "AssumedRole" || p.SourceIdentity != "alice" || len(p.Tags) != 1 || p.Tags["team"] != "blue" {
			t.Errorf("principal %+v", p)
		}
		got := d.Decisions[0]
		if got.Action != "execute-api:Invoke" || got.Resource != "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets/1" ||
			got.Decision != "allowed" || len(got.MatchedStatements) != 1 || got.MatchedStatements[0]["effect"] != "ALLOW" ||
			got.MatchedStatements[0]["policy"] != "invoke" || len(got.FailedConditions) != 0 {
			t.Errorf("decision %+v", got)
		}
	})
	t.Run("denied: every check decided, the first denial explained", func(t *testing.T) {
		d := n.authorize(svc, map[string]any{"request": embed(client),
			"checks": []any{invoke("GET", "pets/1"), invoke("DELETE", "pets/1")}}).decision(t)
		if !d.Authenticated || d.Allowed || len(d.Decisions) != 2 || d.Decisions[0].Decision != "allowed" ||
			d.Decisions[1].Decision != "implicitDeny" || len(d.Decisions[1].MatchedStatements) != 0 {
			t.Fatalf("answer %+v", d)
		}
		want := "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/DELETE/pets/1"
		if d.Error == nil || d.Error.Code != "AccessDenied" || d.Error.Message != want {
			t.Errorf("error %+v", d.Error)
		}
		plain, err := n.app.Keyring.OpenMessage(context.Background(), d.EncodedMessage)
		if err != nil {
			t.Fatal(err)
		}
		var msg map[string]any
		if err := json.Unmarshal(plain, &msg); err != nil || msg["allowed"] != false ||
			msg["context"].(map[string]any)["resource"] != "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/DELETE/pets/1" {
			t.Errorf("decoded %s (%v)", plain, err)
		}
	})
	t.Run("resource policy: explicit deny", func(t *testing.T) {
		rp := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Sid": "NoPets", "Effect": "Deny", "Principal": map[string]any{"AWS": roleARN}, "Action": "execute-api:Invoke", "Resource": "*"}}}
		d := n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets/1")}, "resourcePolicy": rp}).decision(t)
		if d.Allowed || d.Decisions[0].Decision != "explicitDeny" || d.Decisions[0].MatchedStatements[0]["statementId"] != "NoPets" ||
			d.Decisions[0].MatchedStatements[0]["layer"] != "resource" {
			t.Fatalf("answer %+v", d)
		}
		want := "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets/1 with an explicit deny in a resource-based policy"
		if d.Error == nil || d.Error.Message != want {
			t.Errorf("error %+v", d.Error)
		}
	})
	t.Run("header names in any letter case", func(t *testing.T) {
		e := embed(client)
		h := map[string]any{}
		for k, v := range e["headers"].(map[string]any) {
			h[strings.ToLower(k)] = v
		}
		e["headers"] = h
		d := n.authorize(svc, map[string]any{"request": e, "checks": []any{invoke("GET", "pets/1")}}).decision(t)
		if !d.Allowed {
			t.Fatalf("answer %+v", d)
		}
	})
	t.Run("origin-form URL with a Host header", func(t *testing.T) {
		e := embed(client)
		e["url"] = "/pets/1?x=1&y=a%20b"
		e["headers"].(map[string]any)["Host"] = clientHost
		d := n.authorize(svc, map[string]any{"request": e, "checks": []any{invoke("GET", "pets/1")}}).decision(t)
		if !d.Allowed {
			t.Fatalf("answer %+v", d)
		}
	})
	t.Run("presigned", func(t *testing.T) {
		p := n.presigned(creds, "GET", "/pets", 300)
		d := n.authorize(svc, map[string]any{"request": embed(p), "checks": []any{invoke("GET", "pets")}}).decision(t)
		if !d.Allowed {
			t.Fatalf("answer %+v", d)
		}
	})
	t.Run("the root may call", func(t *testing.T) {
		d := n.authorize(n.rootCreds(), map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets/1")}}).decision(t)
		if !d.Allowed {
			t.Fatalf("answer %+v", d)
		}
	})
}

// A role without permissions, and a resource policy naming it: the grant
// comes from the resource policy, given as an object or as a string.
func TestAuthorizeResourcePolicyGrant(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	roleARN := n.role("bare", nil)
	creds := n.session(roleARN, "s1", 900, nil)
	client := n.clientRequest(creds, "GET", "/pets", nil, nil)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN + `"},"Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:a1b2c3/*"}]}`
	without := n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets")}}).decision(t)
	if without.Allowed || without.Decisions[0].Decision != "implicitDeny" {
		t.Fatalf("without the resource policy: %+v", without)
	}
	for name, rp := range map[string]any{"object": json.RawMessage(doc), "string": doc} {
		d := n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets")}, "resourcePolicy": rp}).decision(t)
		if !d.Allowed || d.Decisions[0].MatchedStatements[0]["layer"] != "resource" {
			t.Errorf("%s: %+v", name, d)
		}
	}
}

// Request and service keys the service supplies decide conditions; keys
// stsd fills itself are ignored and named in the answer.
func TestAuthorizeContext(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	tagged := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue","pets:kind":"dog"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}},
	 {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/frozen":"yes"}}}]}`
	creds := n.session(n.role("app", map[string]string{"tagged": tagged}), "s1", 900, nil)
	client := n.clientRequest(creds, "POST", "/pets", nil, nil)
	ctx := map[string]any{"aws:RequestTag/team": "blue", "PETS:Kind": "dog", "aws:TagKeys": []string{"team"},
		"aws:PrincipalArn": "arn:aws:iam::111122223333:root", "aws:SourceIp": "10.0.0.1", "accounts.google.com:sub": "x"}
	d := n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("POST", "pets")}, "context": ctx}).decision(t)
	if !d.Allowed {
		t.Fatalf("answer %+v", d)
	}
	if got := strings.Join(d.IgnoredContextKeys, ","); got != "accounts.google.com:sub,aws:PrincipalArn,aws:SourceIp" {
		t.Errorf("ignoredContextKeys = %q", got)
	}
	ctx["aws:RequestTag/team"] = "red"
	d = n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("POST", "pets")}, "context": ctx}).decision(t)
	if d.Allowed || d.Decisions[0].Decision != "implicitDeny" || len(d.Decisions[0].FailedConditions) == 0 ||
		d.Decisions[0].FailedConditions[0]["key"] != "aws:RequestTag/team" {
		t.Fatalf("red team: %+v", d)
	}
	ctx["aws:RequestTag/team"] = "blue"
	// A per-check key applies to its check only.
	frozen := invoke("POST", "pets")
	frozen["context"] = map[string]any{"aws:ResourceTag/frozen": "yes"}
	d = n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("POST", "pets"), frozen}, "context": ctx}).decision(t)
	if d.Allowed || d.Decisions[0].Decision != "allowed" || d.Decisions[1].Decision != "explicitDeny" {
		t.Fatalf("per-check keys: %+v", d)
	}
}

// The end client's request fails to authenticate: a 200 that says so, no
// principal, no decisions.
func TestAuthorizeUnauthenticated(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	roleARN := n.role("app", map[string]string{"invoke": allowPolicy})
	creds := n.session(roleARN, "s1", 900, nil)
	body := []byte(`{"name":"rex"}`)
	const mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	check := func(t *testing.T, req map[string]any, extra map[string]any, code, message string) {
		t.Helper()
		b := map[string]any{"request": req, "checks": []any{invoke("POST", "pets")}}
		for k, v := range extra {
			b[k] = v
		}
		d := n.authorize(svc, b).decision(t)
		if d.Authenticated || d.Allowed || d.Principal != nil || len(d.Decisions) != 0 || d.EncodedMessage != "" ||
			d.Error == nil || d.Error.Code != code || d.Error.Message != message {
			t.Errorf("answer %+v, error %+v\nwant %s %q", d, d.Error, code, message)
		}
	}
	post := n.clientRequest(creds, "POST", "/pets", body, nil)
	t.Run("body: base64 and payloadHash verify, a wrong one does not", func(t *testing.T) {
		for name, value := range map[string]string{
			"body": base64.StdEncoding.EncodeToString(body), "payloadHash": sha256Hex(body),
		} {
			e := embed(post)
			e[name] = value
			d := n.authorize(svc, map[string]any{"request": e, "checks": []any{invoke("POST", "pets")}}).decision(t)
			if !d.Allowed {
				t.Errorf("%s: %+v", name, d)
			}
		}
		e := embed(post)
		e["body"] = base64.StdEncoding.EncodeToString([]byte(`{"name":"cat"}`))
		check(t, e, nil, "SignatureDoesNotMatch", mismatch)
		e = embed(post)
		e["payloadHash"] = sha256Hex([]byte("other"))
		check(t, e, nil, "SignatureDoesNotMatch", mismatch)
		check(t, embed(post), nil, "SignatureDoesNotMatch", mismatch) // neither: an empty body
	})
	t.Run("claimed hash differs from payloadHash", func(t *testing.T) {
		claimed := n.clientRequest(creds, "POST", "/pets", body, http.Header{"X-Amz-Content-Sha256": {sha256Hex(body)}})
		e := embed(claimed)
		e["payloadHash"] = sha256Hex([]byte("other"))
		check(t, e, nil, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
		e["payloadHash"] = sha256Hex(body)
		d := n.authorize(svc, map[string]any{"request": e, "checks": []any{invoke("POST", "pets")}}).decision(t)
		if !d.Allowed {
			t.Errorf("matching claim: %+v", d)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		e := embed(n.clientRequest(creds, "POST", "/pets", nil, nil))
		e["url"] = "https://" + clientHost + "/pets?admin=1"
		check(t, e, nil, "SignatureDoesNotMatch", mismatch)
	})
	t.Run("unsigned", func(t *testing.T) {
		check(t, map[string]any{"method": "GET", "url": "https://" + clientHost + "/pets"}, nil,
			"MissingAuthenticationToken", "Request is missing Authentication Token")
	})
	t.Run("service pinned", func(t *testing.T) {
		check(t, embed(n.clientRequest(creds, "POST", "/pets", nil, nil)), map[string]any{"service": "my-api"},
			"SignatureDoesNotMatch", "Credential should be scoped to correct service: 'my-api'. ")
	})
	t.Run("a request signed for stsd itself", func(t *testing.T) {
		for _, service := range []string{"sts", "iam", "stsd"} {
			r, _ := http.NewRequest("POST", "https://"+clientHost+"/", nil)
			signed := n.sign(creds, r, service)
			check(t, embed(signed), nil, "SignatureDoesNotMatch",
				"Credential should be scoped to the service that received the request, not '"+service+"'. ")
		}
	})
	t.Run("bad key", func(t *testing.T) {
		bad := creds
		bad.SessionToken = "garbage"
		check(t, embed(n.clientRequest(bad, "POST", "/pets", nil, nil)), nil,
			"InvalidClientTokenId", "The security token included in the request is invalid")
	})
	t.Run("expired session", func(t *testing.T) {
		n.clock.Advance(16 * time.Minute)
		defer n.clock.Advance(-16 * time.Minute)
		check(t, embed(n.clientRequest(creds, "POST", "/pets", nil, nil)), nil,
			"ExpiredToken", "The security token included in the request is expired")
	})
}

// Errors of the call itself: the calling service's signature, its
// permission, the method and the size.
func TestAuthorizeCallRefused(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	other := n.serviceUser("other", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"stsd:DeriveSigningKey","Resource":"*"}]}`)
	creds := n.session(n.role("app", map[string]string{"invoke": allowPolicy}), "s1", 900, nil)
	valid, _ := json.Marshal(map[string]any{"request": embed(n.clientRequest(creds, "GET", "/pets", nil, nil)), "checks": []any{invoke("GET", "pets")}})

	n.call("/v1/authorize", aws.Credentials{}, "", valid).wantError(t, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	n.call("/v1/authorize", svc, "execute-api", valid).wantError(t, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'stsd'. ")
	bad := svc
	bad.SecretAccessKey = strings.Repeat("x", 40)
	n.call("/v1/authorize", bad, "stsd", valid).wantError(t, 403, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	a := n.call("/v1/authorize", other, "stsd", valid)
	a.wantError(t, 403, "AccessDenied", "User: arn:aws:iam::111122223333:user/other is not authorized to perform: stsd:AuthorizeRequest on resource: *")
	if a.header.Get(downstream.HeaderAuthorizationMessage) == "" {
		t.Error("no encoded message with the call's denial")
	}
	// A session may call too, if its role allows it; this one does not.
	n.call("/v1/authorize", creds, "stsd", valid).wantError(t, 403, "AccessDenied",
		"User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: stsd:AuthorizeRequest on resource: *")

	req, _ := http.NewRequest(http.MethodGet, n.app.AuthzURL+"/v1/authorize", nil)
	a = n.send(req)
	a.wantError(t, 405, "MethodNotAllowed", "The decision API accepts POST only.")
	if a.header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q", a.header.Get("Allow"))
	}
	big := bytes.Repeat([]byte(" "), downstream.MaxBodyBytes+1)
	n.call("/v1/authorize", svc, "stsd", big).wantError(t, 413, "RequestEntityTooLarge", "Request body must be no larger than 262144 bytes")
	req, _ = http.NewRequest(http.MethodPost, n.app.AuthzURL+"/v1/authorize", struct{ *bytes.Reader }{bytes.NewReader(big)})
	n.send(req).wantError(t, 413, "RequestEntityTooLarge", "Request body must be no larger than 262144 bytes") // chunked, no length
}

// Hostile and malformed bodies from an authenticated, allowed service:
// every one a 400 with the exact code and message, never a 5xx.
func TestAuthorizeBadBodies(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	const req = `{"method":"GET","url":"https://api.example.test/pets"}`
	const chk = `[{"action":"execute-api:Invoke","resource":"*"}]`
	deep := strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40)
	var many []string
	for range downstream.MaxChecks + 1 {
		many = append(many, `{"action":"a:B","resource":"*"}`)
	}
	cases := []struct{ name, body, code, message string }{
		{"not JSON", `{`, "SerializationException", "The request body is not valid JSON at offset 1: unexpected end of input: expected a field name in double quotes."},
		{"empty", ``, "SerializationException", "The request body is not valid JSON at offset 0: unexpected end of input: expected a value."},
		{"array", `[]`, "SerializationException", "The request body must be a JSON object."},
		{"duplicate member", `{"request":` + req + `,"checks":` + chk + `,"checks":[]}`, "SerializationException", "The request body is not valid JSON at offset 124: duplicate field \"checks\"."},
		{"duplicate escaped", `{"request":` + req + `,"checks":` + chk + `,"\u0063hecks":[]}`, "SerializationException", "The request body is not valid JSON at offset 124: duplicate field \"checks\"."},
		{"invalid UTF-8", "{\"request\":\"\xff\"}", "SerializationException", "The request body is not valid JSON at offset 12: invalid UTF-8 in string."},
		{"too deep", `{"context":` + deep + `}`, "SerializationException", "The request body is not valid JSON at offset 28: JSON nested deeper than 18 levels."},
		{"trailing data", `{"request":` + req + `} x`, "SerializationException", "The request body is not valid JSON at offset 67: unexpected character 'x' after the end of the JSON document."},
		{"member name case", `{"Request":` + req + `,"checks":` + chk + `}`, "ValidationError", `Unknown field "Request" in the request body.`},
		{"unknown member", `{"request":` + req + `,"checks":` + chk + `,"principal":{}}`, "ValidationError", `Unknown field "principal" in the request body.`},
		{"no request", `{"checks":` + chk + `}`, "ValidationError", `'request' is required: the request the service received, as {"method","url","headers"}.`},
		{"request not object", `{"request":"GET /","checks":` + chk + `}`, "ValidationError", `'request' must be an object: {"method","url","headers"}.`},
		{"unknown request member", `{"request":{"method":"GET","url":"/","Headers":{}},"checks":` + chk + `}`, "ValidationError", `Unknown field "Headers" in 'request'.`},
		{"lower-case method", `{"request":{"method":"get","url":"https://h/"},"checks":` + chk + `}`, "ValidationError", "'request.method' must be an upper-case HTTP method (letters, digits, '-' or '_')."},
		{"method not a string", `{"request":{"method":1,"url":"https://h/"},"checks":` + chk + `}`, "ValidationError", "'request.method' must be a string."},
		{"no url", `{"request":{"method":"GET"},"checks":` + chk + `}`, "ValidationError", "'request.url' is required: the URL the client requested, absolute or as the request-target (/path?query)."},
		{"url with a space", `{"request":{"method":"GET","url":"https://h/a b"},"checks":` + chk + `}`, "ValidationError", "'request.url' must be an http or https URL, or a request-target starting with '/': printable ASCII, no spaces, no fragment."},
		{"url with a fragment", `{"request":{"method":"GET","url":"https://h/a#b"},"checks":` + chk + `}`, "ValidationError", "'request.url' must be an http or https URL, or a request-target starting with '/': printable ASCII, no spaces, no fragment."},
		{"ftp url", `{"request":{"method":"GET","url":"ftp://h/a"},"checks":` + chk + `}`, "ValidationError", "'request.url' must be an http or https URL, or a request-target starting with '/': printable ASCII, no spaces, no fragment."},
		{"userinfo", `{"request":{"method":"GET","url":"https://u@h/a"},"checks":` + chk + `}`, "ValidationError", "The host of 'request.url' is not valid."},
		{"origin-form without Host", `{"request":{"method":"GET","url":"/a"},"checks":` + chk + `}`, "ValidationError", "'request.headers' must include Host when 'request.url' is not absolute."},
		{"Host differs", `{"request":{"method":"GET","url":"https://h/a","headers":{"host":"g"}},"checks":` + chk + `}`, "ValidationError", "'request.headers.Host' differs from the host of 'request.url'."},
		{"header twice in two cases", `{"request":{"method":"GET","url":"https://h/","headers":{"Authorization":"a","authorization":"b"}},"checks":` + chk + `}`, "ValidationError", `'request.headers' has "Authorization" more than once (in different letter cases); send repeated headers as a list.`},
		{"header value with a newline", `{"request":{"method":"GET","url":"https://h/","headers":{"X-A":"a\nb"}},"checks":` + chk + `}`, "ValidationError", "'request.headers.X-A' has a value that is not a valid HTTP header value."},
		{"header name with a space", `{"request":{"method":"GET","url":"https://h/","headers":{"X A":"a"}},"checks":` + chk + `}`, "ValidationError", `'request.headers' has a name that is not an HTTP header name: "X A".`},
		{"header value a number", `{"request":{"method":"GET","url":"https://h/","headers":{"X-A":1}},"checks":` + chk + `}`, "ValidationError", "'request.headers.X-A' must be a string or a list of strings."},
		{"empty header list", `{"request":{"method":"GET","url":"https://h/","headers":{"X-A":[]}},"checks":` + chk + `}`, "ValidationError", "'request.headers.X-A' must have 1 to 100 values."},
		{"body and payloadHash", `{"request":{"method":"GET","url":"https://h/","body":"","payloadHash":"` + emptyHash + `"},"checks":` + chk + `}`, "ValidationError", "'request.body' and 'request.payloadHash' cannot both be given."},
		{"body not base64", `{"request":{"method":"GET","url":"https://h/","body":"a\nb="},"checks":` + chk + `}`, "ValidationError", "'request.body' must be standard base64 (with padding, no line breaks)."},
		{"payloadHash upper-case", `{"request":{"method":"GET","url":"https://h/","payloadHash":"` + strings.ToUpper(emptyHash) + `"},"checks":` + chk + `}`, "ValidationError", "'request.payloadHash' must be the body's SHA-256 as 64 lower-case hex digits."},
		{"sourceIp", `{"request":{"method":"GET","url":"https://h/","sourceIp":"10.0.0.1/8"},"checks":` + chk + `}`, "ValidationError", "'request.sourceIp' must be an IPv4 or IPv6 address."},
		{"no checks", `{"request":` + req + `}`, "ValidationError", `'checks' is required: a list of 1 to 100 {"action","resource"}.`},
		{"empty checks", `{"request":` + req + `,"checks":[]}`, "ValidationError", `'checks' must be a list of 1 to 100 {"action","resource"}.`},
		{"too many checks", `{"request":` + req + `,"checks":[` + strings.Join(many, ",") + `]}`, "ValidationError", `'checks' must be a list of 1 to 100 {"action","resource"}.`},
		{"wildcard action", `{"request":` + req + `,"checks":[{"action":"execute-api:*","resource":"*"}]}`, "ValidationError", "'checks[0].action' must be service:Action: a service prefix of letters, digits and '-', then letters, digits, '-' or '_' (no wildcards)."},
		{"no action", `{"request":` + req + `,"checks":[{"resource":"*"}]}`, "ValidationError", "'checks[0].action' is required."},
		{"resource not an ARN", `{"request":` + req + `,"checks":[{"action":"a:B","resource":"pets"}]}`, "ValidationError", "'checks[0].resource' must be an ARN (arn:partition:service:region:account:resource) of at most 2048 bytes without control characters, or \"*\"."},
		{"no resource", `{"request":` + req + `,"checks":[{"action":"a:B"}]}`, "ValidationError", "'checks[0].resource' is required: an ARN, or \"*\" for an action without a resource."},
		{"check member case", `{"request":` + req + `,"checks":[{"Action":"a:B","resource":"*"}]}`, "ValidationError", `Unknown field "Action" in 'checks[0]'.`},
		{"context key twice", `{"request":` + req + `,"checks":` + chk + `,"context":{"s3:prefix":"a","S3:Prefix":"b"}}`, "ValidationError", `'context' has the key "S3:Prefix" more than once (condition keys ignore letter case).`},
		{"context value a number", `{"request":` + req + `,"checks":` + chk + `,"context":{"s3:max-keys":10}}`, "ValidationError", `'context' values must be strings or lists of strings: "s3:max-keys".`},
		{"context name", `{"request":` + req + `,"checks":` + chk + `,"context":{"prefix":"a"}}`, "ValidationError", `'context' has a name that is not a condition key (prefix:name, at most 512 bytes): "prefix".`},
		{"check context", `{"request":` + req + `,"checks":[{"action":"a:B","resource":"*","context":[]}]}`, "ValidationError", "'checks[0].context' must be an object of condition keys to a string or a list of strings."},
		{"bad resource policy", `{"request":` + req + `,"checks":` + chk + `,"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:B","Resource":"*"}]}}`, "MalformedPolicyDocument", "Missing required field Principal"},
		{"resource policy a number", `{"request":` + req + `,"checks":` + chk + `,"resourcePolicy":1}`, "ValidationError", "'resourcePolicy' must be a policy document: a JSON object, or a string holding one."},
		{"service sts", `{"request":` + req + `,"checks":` + chk + `,"service":"sts"}`, "ValidationError", "'service' cannot be 'sts', 'iam' or 'stsd': requests signed for stsd are not service requests."},
		{"service upper-case", `{"request":` + req + `,"checks":` + chk + `,"service":"S3"}`, "ValidationError", "'service' must be 1 to 64 lower-case letters, digits or '-'."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n.call("/v1/authorize", svc, "stsd", []byte(c.body)).wantError(t, 400, c.code, c.message)
		})
	}
}

// One audit event per call, naming the end client; no secret, token,
// signature or Authorization header in the audit log or the logs.
func TestAuthorizeAudit(t *testing.T) {
	n := startNode(t)
	svc := n.serviceUser("svc", authorizePolicy)
	creds := n.session(n.role("app", map[string]string{"invoke": allowPolicy}), "s1", 900, nil)
	client := n.clientRequest(creds, "GET", "/pets", nil, nil)
	n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("GET", "pets")}})
	n.authorize(svc, map[string]any{"request": embed(client), "checks": []any{invoke("DELETE", "pets")}})
	bad := creds
	bad.SecretAccessKey = strings.Repeat("y", 40)
	n.authorize(svc, map[string]any{"request": embed(n.clientRequest(bad, "GET", "/pets", nil, nil)), "checks": []any{invoke("GET", "pets")}})
	n.call("/v1/authorize", svc, "stsd", []byte(`{}`))
	n.call("/v1/authorize", aws.Credentials{}, "", []byte(`{}`))
	n.stop()
	var events []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(n.audit.String()), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if ev["eventName"] == downstream.AuthorizeEvent {
			events = append(events, ev)
		}
	}
	wantCodes := []any{nil, "AccessDenied", "SignatureDoesNotMatch", "ValidationError", "MissingAuthenticationToken"}
	if len(events) != len(wantCodes) {
		t.Fatalf("%d Authorize events, want %d:\n%s", len(events), len(wantCodes), n.audit.String())
	}
	for i, ev := range events {
		if ev["errorCode"] != wantCodes[i] {
			t.Errorf("event %d errorCode = %v, want %v", i, ev["errorCode"], wantCodes[i])
		}
	}
	if id, _ := events[0]["userIdentity"].(map[string]any); id["arn"] != "arn:aws:sts::111122223333:assumed-role/app/s1" {
		t.Errorf("userIdentity %v", events[0]["userIdentity"])
	}
	// The events about a client's request name the service that asked.
	for i := range 3 {
		params, _ := events[i]["requestParameters"].(map[string]any)
		if by, _ := params["requestedBy"].(map[string]any); by["arn"] != "arn:aws:iam::111122223333:user/svc" {
			t.Errorf("event %d requestedBy = %v, want the service user", i, params["requestedBy"])
		}
	}
	if id, _ := events[3]["userIdentity"].(map[string]any); id["arn"] != "arn:aws:iam::111122223333:user/svc" {
		t.Errorf("the service's refused call: userIdentity %v", events[3]["userIdentity"])
	}
	all := n.audit.String() + n.logs.String()
	auth := client.Header.Get("Authorization")
	for name, s := range map[string]string{
		"session token": creds.SessionToken, "secret": creds.SecretAccessKey, "service secret": svc.SecretAccessKey,
		"signature": auth[strings.LastIndex(auth, "=")+1:], "Authorization header": "AWS4-HMAC-SHA256 Credential",
	} {
		if strings.Contains(all, s) {
			t.Errorf("the %s is in the audit log or the logs", name)
		}
	}
}
