package oidcprovider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/zitadel/oidc/v3/pkg/client/tokenexchange"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/stsdnode"
)

const (
	account    = "111122223333"
	rootKeyID  = "AKIAROOTROOTROOT0000"
	rootSecret = "rootsecretrootsecretrootsecretrootsecret"
)

// The OP's clients: deployer is the audience stsd's provider registers;
// reporting is another client of the same OP, which stsd must refuse.
var (
	deployer  = Client{ID: "stsd-deployer", Secret: "deployer-secret-0123456789", Subject: "svc-deployer"}
	reporting = Client{ID: "reporting", Secret: "reporting-secret-0123456789", Subject: "svc-reporting"}
)

// startStsd starts an stsd node (stsdnode: a memory store, http issuers
// on loopback, no provider registered: the test registers the OP) whose
// root keys are rootKeyID and rootSecret; it stops when the test ends.
func startStsd(t *testing.T) *app.App {
	t.Helper()
	env := map[string]string{"STSD_ROOT_ACCESS_KEY_ID": rootKeyID, "STSD_ROOT_SECRET_ACCESS_KEY": rootSecret}
	return stsdnode.Start(t, stsdnode.Options{Account: account, NoProvider: true, Store: memstore.New(), Env: env}).App
}

// idToken obtains an ID token from the OP for c without a browser: the
// client credentials grant gives an access token, which the token exchange
// grant (RFC 8693) exchanges for an ID token. Both requests authenticate
// the client with client_secret_basic and find the token endpoint through
// the OP's discovery document.
func idToken(ctx context.Context, t *testing.T, o *OP, c Client) string {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	te, err := tokenexchange.NewTokenExchangerClientCredentials(ctx, o.Issuer, c.ID, c.Secret, tokenexchange.WithHTTPClient(hc))
	if err != nil {
		t.Fatalf("token exchanger: %v", err)
	}
	cc := clientcredentials.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: te.TokenEndpoint(),
		Scopes: []string{oidc.ScopeOpenID}, AuthStyle: oauth2.AuthStyleInHeader}
	access, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client credentials grant: %v", err)
	}
	resp, err := tokenexchange.ExchangeToken(ctx, te, access.AccessToken, oidc.AccessTokenType, "", "", nil, nil, nil, oidc.IDTokenType)
	if err != nil {
		t.Fatalf("token exchange: %v", err)
	}
	if resp.IssuedTokenType != oidc.IDTokenType || resp.TokenType != "N_A" {
		t.Fatalf("token exchange issued %q (token_type %q), want an ID token", resp.IssuedTokenType, resp.TokenType)
	}
	return resp.AccessToken
}

// claims decodes a JWT's payload (no verification: stsd verifies).
func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS compact serialization: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// wantAPIError asserts err is the AWS error code with the HTTP status and
// exact message.
func wantAPIError(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want the API error %s", err, code)
	}
	var re *awshttp.ResponseError
	got := 0
	if errors.As(err, &re) {
		got = re.HTTPStatusCode()
	}
	if ae.ErrorCode() != code || got != status || ae.ErrorMessage() != message {
		t.Fatalf("got %s (%d) %q\nwant %s (%d) %q", ae.ErrorCode(), got, ae.ErrorMessage(), code, status, message)
	}
}

// An ID token issued by a real OpenID Provider — zitadel/oidc's op
// package, over its client credentials and token exchange grants — is
// exchanged for a role session: the provider is registered through the
// IAM API, stsd discovers the OP over HTTP (discovery document, then its
// JWKS), the role's trust policy checks aud and sub, and the session's
// credentials sign GetCallerIdentity. A token the same OP issued to
// another client is refused for its audience.
func TestRealOpenIDProvider(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := Start(deployer, reporting)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	node := startStsd(t)
	hc := sdkhttp.Client(10 * time.Second)
	t.Cleanup(hc.CloseIdleConnections)
	root := credentials.NewStaticCredentialsProvider(rootKeyID, rootSecret, "")
	iamc := iamsdk.New(iamsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(node.URL), Credentials: root, HTTPClient: hc, RetryMaxAttempts: 1})
	stsc := func(p aws.CredentialsProvider) *sts.Client {
		return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(node.URL), Credentials: p, HTTPClient: hc, RetryMaxAttempts: 1})
	}

	// The OP's tokens: iss is the issuer, azp and aud the client, sub the
	// client's service account.
	token := idToken(ctx, t, o, deployer)
	c := claims(t, token)
	if c["iss"] != o.Issuer || c["sub"] != deployer.Subject || c["azp"] != deployer.ID || fmt.Sprint(c["aud"]) != "["+deployer.ID+"]" {
		t.Fatalf("ID token claims = %v", c)
	}

	// Register the OP with stsd through the IAM API, and a role trusting
	// its deployer tokens.
	host := strings.TrimPrefix(o.Issuer, "http://")
	provider, err := iamc.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{
		Url: aws.String(o.Issuer), ClientIDList: []string{deployer.ID}})
	if err != nil {
		t.Fatal(err)
	}
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q,%q:%q}}}]}`,
		aws.ToString(provider.OpenIDConnectProviderArn), host+":aud", deployer.ID, host+":sub", deployer.Subject)
	if _, err := iamc.CreateRole(ctx, &iamsdk.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	roleARN := "arn:aws:iam::" + account + ":role/deployer"
	// So far only idToken's client has read the discovery document.
	discovered := o.Requests("/.well-known/openid-configuration")
	if o.Requests("/keys") != 0 {
		t.Fatalf("before the exchange: the keys were fetched %d times", o.Requests("/keys"))
	}

	out, err := stsc(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("deploy-1"), WebIdentityToken: aws.String(token)})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != deployer.Subject || aws.ToString(out.Audience) != deployer.ID ||
		aws.ToString(out.Provider) != aws.ToString(provider.OpenIDConnectProviderArn) ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+account+":assumed-role/deployer/deploy-1" {
		t.Fatalf("AssumeRoleWithWebIdentity = subject %q audience %q provider %q user %+v", aws.ToString(out.SubjectFromWebIdentityToken),
			aws.ToString(out.Audience), aws.ToString(out.Provider), out.AssumedRoleUser)
	}
	// stsd found the keys through discovery, over HTTP.
	if o.Requests("/.well-known/openid-configuration") <= discovered || o.Requests("/keys") < 1 {
		t.Fatalf("stsd did not discover the OP: discovery %d, keys %d", o.Requests("/.well-known/openid-configuration"), o.Requests("/keys"))
	}

	// The session signs requests.
	cr := out.Credentials
	session := credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	id, err := stsc(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(id.Account) != account ||
		aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Fatalf("GetCallerIdentity = %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId))
	}

	// A token of the same OP for another client: its audience (azp) is not
	// one of the provider's client IDs.
	other := idToken(ctx, t, o, reporting)
	if oc := claims(t, other); oc["azp"] != reporting.ID || oc["iss"] != o.Issuer {
		t.Fatalf("other client's claims = %v", oc)
	}
	_, err = stsc(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("deploy-2"), WebIdentityToken: aws.String(other)})
	wantAPIError(t, err, "InvalidIdentityToken", http.StatusBadRequest, "Incorrect token audience")

	// The OP refuses a client with a wrong secret (its own error), so the
	// tokens above came from authenticated clients.
	bad := clientcredentials.Config{ClientID: deployer.ID, ClientSecret: "wrong", TokenURL: o.Issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	var re *oauth2.RetrieveError
	if _, err := bad.Token(context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: 10 * time.Second})); !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Fatalf("client credentials with a wrong secret: %v", err)
	}
}
