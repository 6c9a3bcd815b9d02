package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	clientauthz "github.com/stsd/stsd/client/authz"
	"github.com/stsd/stsd/internal/iam"
)

// The Go middleware end to end: a real node, the service's own IAM user
// created through the IAM API and allowed stsd:AuthorizeRequest, a client
// session from a real AssumeRoleWithWebIdentity signing with
// aws-sdk-go-v2, and a service protected by client/authz.
func TestDecisionAPIMiddleware(t *testing.T) {
	n := startAuthzNode(t, authzNodeOptions{})
	ctx := context.Background()
	iamc := n.iamClient()
	if _, err := iamc.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("pets-service")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("pets-service"), PolicyName: aws.String("authorize"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"stsd:AuthorizeRequest","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := iamc.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("pets-service")})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(wctx, func(s *iam.Snapshot) bool {
		u, ok := s.UserByName(account, "pets-service")
		_, kok := s.AccessKey(*key.AccessKey.AccessKeyId)
		return ok && kok && len(u.Inline) == 1
	}); err != nil {
		t.Fatal(err)
	}

	mw, err := clientauthz.New(clientauthz.Config{
		Endpoint: n.app.AuthzURL,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")),
		Service: "execute-api", Now: n.clock.Now,
		API: clientauthz.ExecuteAPI{Account: account, API: faAPI, Stage: faStage},
	})
	if err != nil {
		t.Fatal(err)
	}
	service := httptest.NewServer(mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := clientauthz.PrincipalFrom(r.Context())
		body, _ := io.ReadAll(r.Body)
		if !ok {
			http.Error(w, "no principal", 500)
			return
		}
		_, _ = io.WriteString(w, p.ARN+" "+p.Type+" "+string(body))
	})))
	defer service.Close()

	creds := n.faSession(n.faRole("app"), "s1", 900, "")
	send := func(method, path string, body []byte, c aws.Credentials) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, service.URL+path, bytes.NewReader(body))
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), "execute-api", faRegion, n.clock.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/app/s1"

	status, _, body := send("GET", "/pets/1", nil, creds)
	if status != 200 || body != sessionARN+" AssumedRole " {
		t.Errorf("allowed GET: %d %s", status, body)
	}
	status, _, body = send("POST", "/pets", []byte(`{"name":"rex"}`), creds)
	if status != 200 || body != sessionARN+` AssumedRole {"name":"rex"}` {
		t.Errorf("allowed POST with a body: %d %s", status, body)
	}
	status, hdr, body := send("DELETE", "/pets/1", nil, creds)
	want := `{"message":"User: ` + sessionARN + ` is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/DELETE/pets/1"}`
	if status != 403 || body != want || hdr.Get(clientauthz.HeaderAuthorizationMessage) == "" {
		t.Errorf("denied: %d %s", status, body)
	}
	if _, err := n.app.Keyring.OpenMessage(ctx, hdr.Get(clientauthz.HeaderAuthorizationMessage)); err != nil {
		t.Errorf("encoded message: %v", err)
	}
	bad := creds
	bad.SecretAccessKey = strings.Repeat("z", 40)
	status, _, body = send("GET", "/pets/1", nil, bad)
	if status != 403 || body != `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}` {
		t.Errorf("tampered: %d %s", status, body)
	}
	// A body other than the one signed.
	req, _ := http.NewRequest("POST", service.URL+"/pets", strings.NewReader(`{"name":"cat"}`))
	sum := sha256.Sum256([]byte(`{"name":"rex"}`))
	_ = v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "execute-api", faRegion, n.clock.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("swapped body: %d", resp.StatusCode)
	}
	// Signed for another service.
	req, _ = http.NewRequest("GET", service.URL+"/pets", nil)
	_ = v4.NewSigner().SignHTTP(ctx, creds, req, faEmptyHash, "s3", faRegion, n.clock.Now())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || string(b) != `{"message":"Credential should be scoped to correct service: 'execute-api'. "}` {
		t.Errorf("wrong service: %d %s", resp.StatusCode, b)
	}
	// Expired session.
	n.clock.Set(n.clock.Now().Add(16 * time.Minute))
	status, _, body = send("GET", "/pets/1", nil, creds)
	if status != 403 || body != `{"message":"The security token included in the request is expired"}` {
		t.Errorf("expired: %d %s", status, body)
	}
}
