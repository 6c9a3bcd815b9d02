package sts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/issuer"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// The audience node B's provider accepts, and the policy that lets the
// deployer role ask for tokens for it.
const (
	audienceB      = "https://stsd-b.example"
	deployerPolicy = `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{
	   "ForAllValues:StringEquals":{"sts:IdentityTokenAudience":["https://stsd-b.example","https://other.example"]},
	   "NumericLessThanEquals":{"sts:DurationSeconds":3600}}},
	 {"Effect":"Allow","Action":"sts:TagGetWebIdentityToken","Resource":"*","Condition":{
	   "ForAllValues:StringEquals":{"aws:TagKeys":["job","big"]}}}]}`
)

// federation is stsd A (the issuer, with a fake IdP for its CI sessions)
// and stsd B (its own store and clock) trusting A as an OIDC provider.
type federation struct {
	a, b        *fedNode
	deployer    string // role ARN on A
	landing     string // role ARN on B
	providerARN string // A as a provider of B
}

func newFederation(t *testing.T) *federation {
	t.Helper()
	f := &federation{}
	idp := fakeidp.New(t, fakeidp.Options{})
	f.a = startFedNode(t, fedOptions{clock: newTestClock(), issuerURL: true, idp: idp})
	trustIdP := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}]}`, iam.ProviderARN(account, idp.Issuer()))
	f.deployer = f.a.role("deployer", trustIdP, []iam.Tag{{Key: "team", Value: "platform"}}, map[string]string{"tokens": deployerPolicy})

	f.b = startFedNode(t, fedOptions{clock: newTestClock()})
	p, err := f.b.app.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: account, URL: f.a.issuer, ClientIDs: []string{audienceB},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.providerARN = p.ARN()
	host := iam.TrimScheme(f.a.issuer)
	trustA := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{%q:%q,%q:%q}}}]}`,
		f.providerARN, host+":sub", f.deployer, host+":aud", audienceB)
	f.landing = f.b.role("from-stsd-a", trustA, nil, nil)
	return f
}

// token asks A for a token with the deployer's credentials.
func (f *federation) token(t *testing.T, creds aws.CredentialsProvider, alg string, duration int32, tags ...ststypes.Tag) (*stssdk.GetWebIdentityTokenOutput, error) {
	t.Helper()
	return f.a.sts(creds).GetWebIdentityToken(context.Background(), &stssdk.GetWebIdentityTokenInput{
		Audience: []string{audienceB}, SigningAlgorithm: aws.String(alg), DurationSeconds: aws.Int32(duration), Tags: tags,
	})
}

// exchange presents token to B.
func (f *federation) exchange(token string) (*stssdk.AssumeRoleWithWebIdentityOutput, error) {
	return f.b.sts(nil).AssumeRoleWithWebIdentity(context.Background(), &stssdk.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(f.landing), RoleSessionName: aws.String("from-a"), WebIdentityToken: aws.String(token),
	})
}

func (f *federation) enable(t *testing.T) {
	t.Helper()
	out, err := f.a.iam().EnableOutboundWebIdentityFederation(context.Background(), &iamsdk.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.IssuerIdentifier); got != f.a.issuer {
		t.Fatalf("IssuerIdentifier %q, want %q", got, f.a.issuer)
	}
}

// advance moves both nodes' clocks.
func (f *federation) advance(d time.Duration) {
	f.a.clock.Advance(d)
	f.b.clock.Advance(d)
}

// TestGetWebIdentityTokenFederatesToAnotherStsd: a CI session on stsd A
// gets a token, and stsd B, which registered A as an OIDC provider,
// exchanges it with AssumeRoleWithWebIdentity through aws-sdk-go-v2.
func TestGetWebIdentityTokenFederatesToAnotherStsd(t *testing.T) {
	f := newFederation(t)
	ci := f.a.session(f.deployer, 3600)

	_, err := f.token(t, ci, "ES384", 300)
	wantAPIError(t, err, "OutboundWebIdentityFederationDisabledException", 403, "OutboundWebIdentityFederation is disabled.")
	f.enable(t)
	info, err := f.a.iam().GetOutboundWebIdentityFederationInfo(context.Background(), &iamsdk.GetOutboundWebIdentityFederationInfoInput{})
	if err != nil || aws.ToString(info.IssuerIdentifier) != f.a.issuer || !info.JwtVendingEnabled {
		t.Fatalf("info %+v, %v", info, err)
	}

	for _, alg := range issuer.Algorithms {
		out, err := f.token(t, ci, alg, 900, ststypes.Tag{Key: aws.String("job"), Value: aws.String("42")})
		if err != nil {
			t.Fatal(err)
		}
		token := aws.ToString(out.WebIdentityToken)
		header, claims := jwtParts(t, token)
		if header["alg"] != alg || header["typ"] != "JWT" || header["kid"] != f.a.app.Issuer.SigningKeyID(alg) {
			t.Fatalf("header %v", header)
		}
		now := f.a.clock.Now()
		if want := now.Add(900 * time.Second); !out.Expiration.Equal(want) {
			t.Fatalf("Expiration %v, want %v", out.Expiration, want)
		}
		ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
		want := map[string]any{
			"iss": f.a.issuer, "sub": f.deployer, "aud": audienceB,
			"iat": float64(now.Unix()), "exp": float64(now.Unix() + 900),
		}
		for k, v := range want {
			if claims[k] != v {
				t.Fatalf("claim %s = %v, want %v (%v)", k, claims[k], v, claims)
			}
		}
		if jti, _ := claims["jti"].(string); len(jti) != 36 {
			t.Fatalf("jti %q", jti)
		}
		nsWant := fmt.Sprintf(`{"aws_account":%q,"original_session_exp":%q,"principal_id":%q,`+
			`"principal_tags":{"team":"platform"},"request_tags":{"job":"42"},"source_region":"us-east-1"}`,
			account, now.Add(time.Hour).UTC().Format(time.RFC3339), f.deployer)
		if got, _ := json.Marshal(ns); string(got) != nsWant {
			t.Fatalf("namespace claims\n got %s\nwant %s", got, nsWant)
		}

		ex, err := f.exchange(token)
		if err != nil {
			t.Fatalf("%s: B refused A's token: %v", alg, err)
		}
		if aws.ToString(ex.SubjectFromWebIdentityToken) != f.deployer || aws.ToString(ex.Provider) != f.providerARN ||
			aws.ToString(ex.Audience) != audienceB {
			t.Fatalf("exchange %+v", ex)
		}
	}

	// Discovery and JWKS, unauthenticated, on A's main listener.
	status, h, body := f.a.get("/.well-known/openid-configuration")
	var doc map[string]any
	if status != 200 || h.Get("Content-Type") != "application/json" || json.Unmarshal(body, &doc) != nil ||
		doc["issuer"] != f.a.issuer || doc["jwks_uri"] != f.a.issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery %d %s", status, body)
	}
	if status, _, body := f.a.get("/.well-known/jwks.json"); status != 200 || strings.Contains(string(body), `"d"`) {
		t.Fatalf("jwks %d %s", status, body)
	}

	// A token for an audience B does not accept is refused by B.
	other, err := f.a.sts(ci).GetWebIdentityToken(context.Background(), &stssdk.GetWebIdentityTokenInput{
		Audience: []string{"https://other.example"}, SigningAlgorithm: aws.String("RS256"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.exchange(aws.ToString(other.WebIdentityToken))
	wantAPIError(t, err, "InvalidIdentityToken", 400, "Incorrect token audience")

	// Disabling stops new tokens; a token issued before stays good.
	before, err := f.token(t, ci, "RS256", 300)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.iam().DisableOutboundWebIdentityFederation(context.Background(), &iamsdk.DisableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.token(t, ci, "RS256", 300)
	wantAPIError(t, err, "OutboundWebIdentityFederationDisabledException", 403, "OutboundWebIdentityFederation is disabled.")
	if _, err := f.exchange(aws.ToString(before.WebIdentityToken)); err != nil {
		t.Fatalf("a token issued before disabling: %v", err)
	}

	// Neither the tokens nor any private key reach the audit log or logs.
	// The audit log is written by a background writer: wait for the
	// action's event first.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(f.a.audit.String(), `"eventName":"GetWebIdentityToken"`) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	for _, out := range []string{f.a.audit.String(), f.a.logs.String()} {
		if strings.Contains(out, aws.ToString(before.WebIdentityToken)) || strings.Contains(out, `"d":`) || strings.Contains(out, "PRIVATE KEY") {
			t.Fatal("a token or private key in the audit log or logs")
		}
	}
	if !strings.Contains(f.a.audit.String(), `"eventName":"GetWebIdentityToken"`) {
		t.Fatal("no GetWebIdentityToken audit event")
	}
}

// TestGetWebIdentityTokenKeyRotation drives rotation with the nodes'
// clocks: the next key is published an hour before it signs, B keeps
// accepting A's tokens across the switch, a token of the retired key
// verifies while the key is published, and fails once it is not.
func TestGetWebIdentityTokenKeyRotation(t *testing.T) {
	f := newFederation(t)
	f.enable(t)
	ctx := context.Background()
	is := f.a.app.Issuer
	exchangeNew := func(want string) {
		t.Helper()
		out, err := f.token(t, f.a.session(f.deployer, 3600), "ES384", 3600)
		if err != nil {
			t.Fatal(err)
		}
		if h, _ := jwtParts(t, aws.ToString(out.WebIdentityToken)); h["kid"] != want {
			t.Fatalf("signed with %v, want %s", h["kid"], want)
		}
		if _, err := f.exchange(aws.ToString(out.WebIdentityToken)); err != nil {
			t.Fatalf("B refused a token of %s: %v", want, err)
		}
	}
	first := is.SigningKeyID("ES384")
	exchangeNew(first)

	f.advance(23 * time.Hour)
	if err := is.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	var next string
	for _, kid := range is.Published() {
		if strings.HasPrefix(kid, "ES384") && kid != first {
			next = kid
		}
	}
	if next == "" {
		t.Fatalf("no pre-published key: %v", is.Published())
	}
	if _, _, body := f.a.get("/.well-known/jwks.json"); !strings.Contains(string(body), next) || !strings.Contains(string(body), first) {
		t.Fatalf("JWKS during pre-publication: %s", body)
	}
	exchangeNew(first) // the new key is published, not yet signing

	f.advance(time.Hour - time.Second)
	old, err := f.token(t, f.a.session(f.deployer, 3600), "ES384", 3600)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(time.Second)
	exchangeNew(next) // B learns the new key on its first token
	if _, err := f.exchange(aws.ToString(old.WebIdentityToken)); err != nil {
		t.Fatalf("a token of the retired key while it is published: %v", err)
	}

	// A moves past Retain: the retired key leaves the JWKS and the store.
	// B's clock lags by 15 minutes, so for B the old token has not expired
	// yet: only the unpublished key can refuse it.
	f.a.clock.Advance(issuer.Retain)
	f.b.clock.Advance(issuer.Retain - 15*time.Minute)
	if err := is.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, body := f.a.get("/.well-known/jwks.json"); strings.Contains(string(body), first) {
		t.Fatalf("retired key still published: %s", body)
	}
	if slices.Contains(is.Published(), first) {
		t.Fatal("retired key still in memory")
	}
	// B refreshes its cached key set in the background once it is stale
	// (max-age 300 s); from then on the token is refused. B's clock ticks
	// a second a try (a background fetch that failed under load is retried
	// 30 s later on B's clock), well within the token's last 10 minutes.
	deadline := time.Now().Add(30 * time.Second)
	for range 500 {
		_, err = f.exchange(aws.ToString(old.WebIdentityToken))
		if err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
		f.b.clock.Advance(time.Second)
	}
	wantAPIError(t, err, "InvalidIdentityToken", 400, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
}

// TestIssuerSharedByNodes: a second node of A (same store and master key)
// publishes the same JWKS and signs tokens B accepts.
func TestIssuerSharedByNodes(t *testing.T) {
	st := memstore.New()
	idp := fakeidp.New(t, fakeidp.Options{})
	clock := newTestClock()
	a1 := startFedNode(t, fedOptions{clock: clock, store: st, issuerURL: true, idp: idp})
	a2 := startFedNode(t, fedOptions{clock: clock, store: st, sameIssuerAs: a1, idp: idp})
	_, _, j1 := a1.get("/.well-known/jwks.json")
	_, _, j2 := a2.get("/.well-known/jwks.json")
	if string(j1) != string(j2) || len(j1) < 100 {
		t.Fatalf("JWKS differ:\n%s\n%s", j1, j2)
	}
	if _, _, d2 := a2.get("/.well-known/openid-configuration"); !strings.Contains(string(d2), `"issuer":"`+a1.issuer+`"`) {
		t.Fatalf("a2 discovery %s", d2)
	}
}

// TestGetWebIdentityTokenRejections: every refusal with AWS's code, status
// and message.
func TestGetWebIdentityTokenRejections(t *testing.T) {
	f := newFederation(t)
	f.enable(t)
	ctx := context.Background()
	ci := f.a.session(f.deployer, 3600)
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/deployer/build-7"
	call := func(in *stssdk.GetWebIdentityTokenInput) error {
		_, err := f.a.sts(ci).GetWebIdentityToken(ctx, in)
		return err
	}
	tags := func(n, keyLen, valueLen int) []ststypes.Tag {
		var out []ststypes.Tag
		for i := range n {
			k := fmt.Sprintf("%03d", i) + strings.Repeat("k", keyLen-3)
			out = append(out, ststypes.Tag{Key: aws.String(k), Value: aws.String(strings.Repeat("v", valueLen))})
		}
		return out
	}
	es := aws.String("ES384")
	for _, tc := range []struct {
		name    string
		in      *stssdk.GetWebIdentityTokenInput
		code    string
		status  int
		message string
	}{
		{"duration below 60", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es, DurationSeconds: aws.Int32(59)},
			"ValidationError", 400, "1 validation error detected: Value '59' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"},
		{"duration above 3600", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es, DurationSeconds: aws.Int32(3601)},
			"ValidationError", 400, "1 validation error detected: Value '3601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600"},
		{"unknown algorithm", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: aws.String("PS256")},
			"ValidationError", 400, "1 validation error detected: Value 'PS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"},
		{"algorithm length", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: aws.String("RS2566")},
			"ValidationError", 400, "1 validation error detected: Value 'RS2566' at 'signingAlgorithm' failed to satisfy constraint: Member must have length less than or equal to 5"},
		{"eleven audiences", &stssdk.GetWebIdentityTokenInput{Audience: slices.Repeat([]string{audienceB}, 11), SigningAlgorithm: es},
			"ValidationError", 400, "1 validation error detected: Value at 'audience' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{"empty audience", &stssdk.GetWebIdentityTokenInput{Audience: []string{""}, SigningAlgorithm: es},
			"ValidationError", 400, "1 validation error detected: Value '' at 'audience.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"audience over 1000", &stssdk.GetWebIdentityTokenInput{Audience: []string{strings.Repeat("a", 1001)}, SigningAlgorithm: es},
			"ValidationError", 400, "1 validation error detected: Value '" + strings.Repeat("a", 1001) + "' at 'audience.1.member' failed to satisfy constraint: Member must have length less than or equal to 1000"},
		{"duplicate tag keys", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es,
			Tags: []ststypes.Tag{{Key: aws.String("job"), Value: aws.String("1")}, {Key: aws.String("JOB"), Value: aws.String("2")}}},
			"InvalidParameterValue", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"audience not allowed", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB, "https://evil.example"}, SigningAlgorithm: es},
			"AccessDenied", 403, "User: " + sessionARN + " is not authorized to perform: sts:GetWebIdentityToken because no identity-based policy allows the sts:GetWebIdentityToken action"},
		{"tag key not allowed", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es,
			Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("x")}}},
			"AccessDenied", 403, "User: " + sessionARN + " is not authorized to perform: sts:TagGetWebIdentityToken because no identity-based policy allows the sts:TagGetWebIdentityToken action"},
		{"outlives the session", &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es, DurationSeconds: aws.Int32(3600)},
			"SessionDurationEscalationException", 403, "The requested token duration would extend the session beyond its original expiration time."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code == "SessionDurationEscalationException" {
				f.a.clock.Advance(time.Minute)
				defer f.a.clock.Advance(-time.Minute)
			}
			wantAPIError(t, call(tc.in), tc.code, tc.status, tc.message)
		})
	}

	// The claims set over 16 KiB: AWS's own exception for it.
	big := &stssdk.GetWebIdentityTokenInput{Audience: []string{audienceB}, SigningAlgorithm: es, Tags: tags(50, 128, 256)}
	bigPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetWebIdentityToken","sts:TagGetWebIdentityToken"],"Resource":"*"}]}`
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":%q},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
		iam.ProviderARN(account, f.a.idp.Issuer()))
	wide := f.a.session(f.a.role("wide", trust, nil, map[string]string{"all": bigPolicy}), 3600)
	_, err := f.a.sts(wide).GetWebIdentityToken(ctx, big)
	wantAPIError(t, err, "JWTPayloadSizeExceededException", 400,
		"The requested token payload size exceeds the maximum allowed size. Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size.")

	// IAM's switch: twice on, twice off.
	_, err = f.a.iam().EnableOutboundWebIdentityFederation(ctx, &iamsdk.EnableOutboundWebIdentityFederationInput{})
	wantAPIError(t, err, "FeatureEnabled", 409, "Outbound identity federation is already enabled for account "+account)
	if _, err := f.a.iam().DisableOutboundWebIdentityFederation(ctx, &iamsdk.DisableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.a.iam().DisableOutboundWebIdentityFederation(ctx, &iamsdk.DisableOutboundWebIdentityFederationInput{})
	wantAPIError(t, err, "FeatureDisabled", 404, "Outbound identity federation is disabled for account "+account)
	_, err = f.a.iam().GetOutboundWebIdentityFederationInfo(ctx, &iamsdk.GetOutboundWebIdentityFederationInfoInput{})
	wantAPIError(t, err, "FeatureDisabled", 404, "Outbound identity federation is disabled for account "+account)

	// A node without an issuer URL cannot turn the feature on.
	plain := startFedNode(t, fedOptions{clock: newTestClock()})
	_, err = plain.iam().EnableOutboundWebIdentityFederation(ctx, &iamsdk.EnableOutboundWebIdentityFederationInput{})
	wantAPIError(t, err, "InvalidInput", 400, "Outbound identity federation needs an issuer URL: start stsd with --issuer-url (config key issuer_url).")
	if status, _, _ := plain.get("/.well-known/jwks.json"); status == http.StatusOK {
		t.Fatal("a node without an issuer URL serves a JWKS")
	}
}

// TestGetWebIdentityTokenCallers: IAM users and the root get tokens naming
// themselves; GetSessionToken credentials may not call it (they may call
// no STS action but AssumeRole and GetCallerIdentity).
func TestGetWebIdentityTokenCallers(t *testing.T) {
	f := newFederation(t)
	f.enable(t)
	ctx := context.Background()
	admin := f.a.iam()
	if _, err := admin.CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String("robot"),
		Tags: []iamtypes.Tag{{Key: aws.String("tier"), Value: aws.String("gold")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("robot"), PolicyName: aws.String("tokens"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	k, err := admin.CreateAccessKey(ctx, &iamsdk.CreateAccessKeyInput{UserName: aws.String("robot")})
	if err != nil {
		t.Fatal(err)
	}
	robot := credentials.NewStaticCredentialsProvider(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	root := credentials.NewStaticCredentialsProvider(f.a.app.Root.AccessKeyID, f.a.app.Root.Secret.Reveal(), "")
	userARN := "arn:aws:iam::" + account + ":user/robot"
	for _, tc := range []struct {
		creds aws.CredentialsProvider
		sub   string
		ns    string
	}{
		{robot, userARN, fmt.Sprintf(`{"aws_account":%q,"principal_id":%q,"principal_tags":{"tier":"gold"},"source_region":"us-east-1"}`, account, userARN)},
		{root, "arn:aws:iam::" + account + ":root", fmt.Sprintf(`{"aws_account":%q,"principal_id":"arn:aws:iam::%s:root","source_region":"us-east-1"}`, account, account)},
	} {
		out, err := f.token(t, tc.creds, "RS256", 300)
		if err != nil {
			t.Fatal(err)
		}
		_, claims := jwtParts(t, aws.ToString(out.WebIdentityToken))
		ns, _ := json.Marshal(claims["https://sts.amazonaws.com/"])
		if claims["sub"] != tc.sub || string(ns) != tc.ns {
			t.Fatalf("sub %v, namespace %s", claims["sub"], ns)
		}
	}
	st, err := f.a.sts(robot).GetSessionToken(ctx, &stssdk.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := st.Credentials
	_, err = f.token(t, credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken), "RS256", 300)
	wantAPIError(t, err, "AccessDenied", 403, "User: "+userARN+" is not authorized to perform: sts:GetWebIdentityToken with an explicit deny in an identity-based policy")
}

// The AWS CLI asks stsd A for a token (`aws sts get-web-identity-token`),
// stsd B exchanges it; an algorithm outside the enum is the CLI's
// ValidationError; the IAM calls that describe the feature print A's issuer.
func TestGetWebIdentityTokenAWSCLI(t *testing.T) {
	f := newFederation(t)
	ci := f.a.session(f.deployer, 3600)
	f.enable(t)
	// --cli-input-json: AWS CLI v1 fetches an https:// parameter value as
	// a URL (cli_follow_urlparam), and the audience is one.
	stdout, stderr, err := runAWSCLI(t, f.a.app.URL, ci, "sts", "get-web-identity-token", "--cli-input-json",
		`{"Audience":["`+audienceB+`"],"SigningAlgorithm":"RS256","DurationSeconds":300}`)
	if err != nil {
		t.Fatalf("get-web-identity-token: %v\n%s", err, stderr)
	}
	var out struct{ WebIdentityToken, Expiration string }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.WebIdentityToken == "" || out.Expiration == "" {
		t.Fatalf("output %q: %v", stdout, err)
	}
	if _, err := f.exchange(out.WebIdentityToken); err != nil {
		t.Fatalf("B refused the CLI's token: %v", err)
	}
	_, stderr, err = runAWSCLI(t, f.a.app.URL, ci, "sts", "get-web-identity-token", "--cli-input-json",
		`{"Audience":["`+audienceB+`"],"SigningAlgorithm":"HS256"}`)
	if err == nil || !strings.Contains(stderr, "An error occurred (ValidationError) when calling the GetWebIdentityToken operation") {
		t.Fatalf("HS256: %v %s", err, stderr)
	}
	r := f.a.app.Root
	root := credentials.NewStaticCredentialsProvider(r.AccessKeyID, r.Secret.Reveal(), "")
	stdout, stderr, err = runAWSCLI(t, f.a.app.URL, root, "iam", "get-outbound-web-identity-federation-info")
	if err != nil || !strings.Contains(stdout, f.a.issuer) {
		t.Fatalf("get-outbound-web-identity-federation-info: %v %s %s", err, stdout, stderr)
	}
}
