package iamapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iam/bootstrap"
	"github.com/stsd/stsd/internal/testutil/fakeidp"
)

// jwksTags splits a key set into the stsd:static-jwks/I-of-N tags the way
// a Terraform configuration does it: base64encode of the file, cut into
// substrings of 256 characters.
func jwksTags(doc []byte) []types.Tag {
	enc := base64.StdEncoding.EncodeToString(doc)
	n := (len(enc) + 255) / 256
	var out []types.Tag
	for i := range n {
		out = append(out, types.Tag{Key: aws.String(fmt.Sprintf("stsd:static-jwks/%d-of-%d", i+1, n)), Value: aws.String(enc[i*256 : min((i+1)*256, len(enc))])})
	}
	return out
}

// tagText renders tags as sorted "key=value" lines for comparison.
func tagText(tags []types.Tag) string {
	lines := make([]string, len(tags))
	for i, t := range tags {
		lines[i] = aws.ToString(t.Key) + "=" + aws.ToString(t.Value)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func tagKeys(tags []types.Tag) []string {
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = aws.ToString(t.Key)
	}
	return keys
}

// settingsRole creates a role trusting the IdP's tokens for sub "ci".
func (n *node) settingsRole(t *testing.T, idp *fakeidp.IdP) {
	t.Helper()
	if _, err := n.root().CreateRole(context.Background(), &iamsdk.CreateRoleInput{RoleName: aws.String("ci"),
		AssumeRolePolicyDocument: aws.String(roleTrustFor(idp, "ci"))}); err != nil {
		t.Fatal(err)
	}
}

// settingsAssume exchanges a token of the IdP (signed with key, or its
// current key when nil) for the role "ci".
func (n *node) settingsAssume(idp *fakeidp.IdP, key *fakeidp.Key) error {
	var opts []fakeidp.MintOption
	if key != nil {
		opts = append(opts, fakeidp.WithKey(key))
	}
	_, err := n.stsClient(aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(iam.RoleARN(account, "/", "ci")), RoleSessionName: aws.String("settings"),
		WebIdentityToken: aws.String(idp.Mint(idp.Claims("ci", roleAudience), opts...))})
	return err
}

// A JWKS URL given as the stsd:jwks-url tag replaces discovery: the keys
// come from that URL, the IdP's discovery document is never read (here it
// fails). The tag reads back through GetOpenIDConnectProvider and
// ListOpenIDConnectProviderTags; removing it returns the provider to
// discovery, and the failing discovery then fails the exchange.
func TestContractProviderJWKSURLTag(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	idp := fakeidp.New(t, fakeidp.Options{})
	idp.SetFault(idp.DiscoveryPath(), fakeidp.Fault{Status: http.StatusInternalServerError})
	out, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(idp.Issuer()),
		ClientIDList: []string{roleAudience}, Tags: roleSDKTags("stsd:jwks-url", idp.JWKSURL(), "team", "ci")})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.OpenIDConnectProviderArn
	want := "stsd:jwks-url=" + idp.JWKSURL() + "\nteam=ci"
	if got := tagText(out.Tags); got != want {
		t.Fatalf("CreateOpenIDConnectProvider tags:\n%s\nwant\n%s", got, want)
	}
	got, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	if err != nil || tagText(got.Tags) != want {
		t.Fatalf("GetOpenIDConnectProvider tags = %v, %v", tagKeys(got.Tags), err)
	}
	stored, err := n.app.Repo.GetProvider(ctx, aws.ToString(arn))
	if err != nil || stored.JWKSURL != idp.JWKSURL() || len(stored.Tags) != 1 || stored.StaticJWKS != "" {
		t.Fatalf("stored = %+v, %v", stored, err)
	}
	n.settingsRole(t, idp)
	if err := n.settingsAssume(idp, nil); err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity with the JWKS URL: %v", err)
	}
	if idp.Requests(idp.DiscoveryPath()) != 0 || idp.Requests(idp.JWKSPath()) == 0 {
		t.Fatalf("requests: discovery %d, keys %d", idp.Requests(idp.DiscoveryPath()), idp.Requests(idp.JWKSPath()))
	}

	if _, err := c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn,
		TagKeys: []string{"stsd:jwks-url"}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListOpenIDConnectProviderTags(ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn})
	if err != nil || tagText(list.Tags) != "team=ci" {
		t.Fatalf("ListOpenIDConnectProviderTags = %v, %v", tagKeys(list.Tags), err)
	}
	wantAPIError(t, n.settingsAssume(idp, nil), "InvalidIdentityToken", http.StatusBadRequest,
		"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
	if idp.Requests(idp.DiscoveryPath()) == 0 {
		t.Fatal("without the JWKS URL the provider did not use discovery")
	}
}

// A static key set given as stsd:static-jwks/I-of-N tags: nothing is
// fetched from the IdP (it is down), the tags read back exactly as sent,
// paginated, and a Terraform update replaces the key set — removing the
// old parts (UntagOpenIDConnectProvider) before adding the new ones
// (TagOpenIDConnectProvider), as the provider's tag update does — after
// which the new key verifies and the old one does not.
func TestContractProviderStaticJWKSTags(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	idp := fakeidp.New(t, fakeidp.Options{})
	old := idp.SigningKey("RS256")
	idp.SetDown(true)
	sent := append(jwksTags(fakeidp.JWKS(old)), roleSDKTags("team", "ci")...)
	if len(sent) < 3 {
		t.Fatalf("want a key set of several parts, got %d tags", len(sent))
	}
	out, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(idp.Issuer()),
		ClientIDList: []string{roleAudience}, Tags: sent})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.OpenIDConnectProviderArn
	read := func() string {
		t.Helper()
		got, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		var pages []types.Tag
		in := &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: arn, MaxItems: aws.Int32(2)}
		for {
			page, err := c.ListOpenIDConnectProviderTags(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, page.Tags...)
			if !page.IsTruncated {
				break
			}
			in.Marker = page.Marker
		}
		if tagText(pages) != tagText(got.Tags) {
			t.Fatalf("ListOpenIDConnectProviderTags pages differ from GetOpenIDConnectProvider:\n%s\n%s", tagText(pages), tagText(got.Tags))
		}
		return tagText(got.Tags)
	}
	if got := read(); got != tagText(sent) {
		t.Fatalf("tags read back:\n%s\nwant\n%s", got, tagText(sent))
	}
	stored, err := n.app.Repo.GetProvider(ctx, aws.ToString(arn))
	if err != nil || stored.StaticJWKS != string(fakeidp.JWKS(old)) || stored.JWKSURL != "" || len(stored.Tags) != 1 {
		t.Fatalf("stored = %+v, %v", stored, err)
	}
	n.settingsRole(t, idp)
	if err := n.settingsAssume(idp, old); err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity with the static key set: %v", err)
	}

	// Rotation to a key set of another size (an EC key: fewer parts).
	newKey := idp.Rotate("ES256")
	next := append(jwksTags(fakeidp.JWKS(newKey)), roleSDKTags("team", "ci")...)
	if len(next) == len(sent) {
		t.Fatal("want a key set of another size")
	}
	var removed []string
	for _, k := range tagKeys(sent) {
		if !strings.Contains(tagText(next), k+"=") {
			removed = append(removed, k)
		}
	}
	if _, err := c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: removed}); err != nil {
		t.Fatalf("UntagOpenIDConnectProvider (the old parts): %v", err)
	}
	if _, err := c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: jwksTags(fakeidp.JWKS(newKey))}); err != nil {
		t.Fatalf("TagOpenIDConnectProvider (the new parts): %v", err)
	}
	if got := read(); got != tagText(next) {
		t.Fatalf("tags after the update:\n%s\nwant\n%s", got, tagText(next))
	}
	if err := n.settingsAssume(idp, newKey); err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity with the new key: %v", err)
	}
	if err := n.settingsAssume(idp, old); err == nil {
		t.Fatal("the old key still verifies")
	}
	if idp.TotalRequests() != 0 {
		t.Fatalf("the IdP was asked %d times", idp.TotalRequests())
	}

	// stsd export writes the settings as the bootstrap file's keys, and
	// the export plans no change.
	if _, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://idp.example.com/realms/ci"),
		ClientIDList: []string{"stsd"}, Tags: roleSDKTags("stsd:jwks-url", "https://idp.example.com/realms/ci/certs")}); err != nil {
		t.Fatal(err)
	}
	f, err := bootstrap.Export(ctx, n.app.Repo, account)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := bootstrap.Encode(&b, f, bootstrap.ExportHeader(account)); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.Contains(text, "    jwks_url: https://idp.example.com/realms/ci/certs\n") || !strings.Contains(text, "    static_jwks:") ||
		strings.Contains(text, "stsd:") {
		t.Fatalf("export:\n%s", text)
	}
	parsed, err := bootstrap.Parse(b.Bytes(), "export.yaml", t.TempDir(), bootstrap.Options{URL: iam.URLOptions{AllowHTTPLoopback: true}})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	plan, err := bootstrap.MakePlan(ctx, n.app.Repo, account, parsed)
	if err != nil || !plan.Empty() {
		t.Fatalf("plan of the export: %v\n%s", err, plan)
	}
}

// Every rejection of the settings tags, with its code, status and message.
func TestContractProviderSettingsTagsRefused(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	good := fakeidp.JWKS(mustKey(t, "RS256"))
	weak := fakeidp.JWKS(mustKey(t, "RS256", fakeidp.WithRSABits(1024)))
	k := mustKey(t, "ES256", fakeidp.WithKID("same"))
	dupKID := fakeidp.JWKS(k, k)
	parts := jwksTags(good)
	cut := func(tags []types.Tag, value string) []types.Tag {
		out := append([]types.Tag(nil), tags...)
		out[0] = types.Tag{Key: out[0].Key, Value: aws.String(value)}
		return out
	}
	const url = "https://k8s.example.com"
	cases := []struct {
		name   string
		tags   []types.Tag
		code   string
		status int
		msg    string
	}{
		{"JWKS URL not https", roleSDKTags("stsd:jwks-url", "ftp://k8s.example.com/keys"), "InvalidInput", 400, "Invalid JWKS URL ftp://k8s.example.com/keys."},
		{"JWKS URL on http beyond loopback", roleSDKTags("stsd:jwks-url", "http://k8s.example.com/keys"), "InvalidInput", 400, "Invalid JWKS URL http://k8s.example.com/keys."},
		{"both settings", append(roleSDKTags("stsd:jwks-url", url+"/keys"), parts...), "InvalidInput", 400, "A provider may have a JWKS URL or a static JWKS, not both."},
		{"unknown stsd: key", roleSDKTags("stsd:jwks", url), "InvalidInput", 400,
			"Tag key stsd:jwks is reserved: the stsd: tags of an OpenID Connect provider are stsd:jwks-url and stsd:static-jwks/I-of-N."},
		{"reserved key in another case", roleSDKTags("STSD:jwks-url", url+"/keys"), "InvalidInput", 400,
			"Tag key STSD:jwks-url is reserved: the stsd: tags of an OpenID Connect provider are stsd:jwks-url and stsd:static-jwks/I-of-N."},
		{"part number with a leading zero", roleSDKTags("stsd:static-jwks/01-of-2", "e30="), "InvalidInput", 400,
			"Tag key stsd:static-jwks/01-of-2 is reserved: the stsd: tags of an OpenID Connect provider are stsd:jwks-url and stsd:static-jwks/I-of-N."},
		{"a part missing", parts[1:], "InvalidInput", 400,
			"The stsd:static-jwks/I-of-N tags must be the parts 1-of-N to N-of-N of one key set; the provider would have " + partList(parts[1:]) + "."},
		{"parts of two key sets", append(roleSDKTags("stsd:static-jwks/1-of-1", "e30="), parts[1:]...), "InvalidInput", 400,
			"The stsd:static-jwks/I-of-N tags must be the parts 1-of-N to N-of-N of one key set; the provider would have 1-of-1, " + partList(parts[1:]) + "."},
		{"a short part before the last", cut(parts, "e30="), "InvalidInput", 400,
			fmt.Sprintf("Every stsd:static-jwks/I-of-N part but the last must be 256 characters long; stsd:static-jwks/1-of-%d has 4.", len(parts))},
		{"not base64", roleSDKTags("stsd:static-jwks/1-of-1", "e30"), "InvalidInput", 400,
			"The stsd:static-jwks/I-of-N parts together must be the key set's JSON in base64 (standard alphabet, with padding)."},
		{"not JSON", jwksTags([]byte(`{"keys": [}`)), "InvalidInput", 400,
			"The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: it is not a JSON object without duplicate members."},
		{"duplicate member", jwksTags([]byte(`{"keys": [], "keys": []}`)), "InvalidInput", 400,
			"The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: it is not a JSON object without duplicate members."},
		{"no keys", jwksTags([]byte(`{"keys": []}`)), "InvalidInput", 400,
			`The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: its "keys" array is empty.`},
		{"a JWK, not a set", jwksTags([]byte(`{"kty": "RSA"}`)), "InvalidInput", 400,
			`The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: it has no "keys" array.`},
		{"a weak RSA key", jwksTags(weak), "InvalidInput", 400,
			"The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: key 0: RSA key of 1024 bits."},
		{"a symmetric key", jwksTags([]byte(`{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}`)), "InvalidInput", 400,
			"The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: key 0: kty oct not supported."},
		{"a kid twice", jwksTags(dupKID), "InvalidInput", 400,
			`The static JWKS of the stsd:static-jwks/I-of-N tags is not a usable key set: keys 0 and 1 have the same kid "same".`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url),
				ClientIDList: []string{"sts.amazonaws.com"}, Tags: tc.tags})
			wantAPIError(t, err, tc.code, tc.status, tc.msg)
		})
	}
	// Nothing was created.
	list, err := c.ListOpenIDConnectProviders(ctx, &iamsdk.ListOpenIDConnectProvidersInput{})
	if err != nil || len(list.OpenIDConnectProviderList) != 0 {
		t.Fatalf("providers = %+v, %v", list, err)
	}

	// On an existing provider: Tag and Untag that would leave a broken
	// setting are refused and change nothing.
	out, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(url),
		ClientIDList: []string{"sts.amazonaws.com"}, Tags: parts})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.OpenIDConnectProviderArn
	_, err = c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, TagKeys: []string{aws.ToString(parts[0].Key)}})
	wantAPIError(t, err, "InvalidInput", 400,
		"The stsd:static-jwks/I-of-N tags must be the parts 1-of-N to N-of-N of one key set; the provider would have "+partList(parts[1:])+".")
	_, err = c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: roleSDKTags("stsd:jwks-url", url+"/keys")})
	wantAPIError(t, err, "InvalidInput", 400, "A provider may have a JWKS URL or a static JWKS, not both.")
	many := make([]string, 0, 2*(51-len(parts)))
	for i := range 51 - len(parts) {
		many = append(many, fmt.Sprintf("k%d", i), "v")
	}
	_, err = c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn, Tags: roleSDKTags(many...)})
	wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "The number of tags has reached the maximum limit.")
	got, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: arn})
	if err != nil || tagText(got.Tags) != tagText(parts) {
		t.Fatalf("tags after refused updates = %v, %v", tagKeys(got.Tags), err)
	}
}

// partList is the "I-of-N" of the parts, sorted as the message lists them.
func partList(tags []types.Tag) string {
	var s []string
	for _, k := range tagKeys(tags) {
		s = append(s, strings.TrimPrefix(k, "stsd:static-jwks/"))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func mustKey(t *testing.T, alg string, opts ...fakeidp.KeyOption) *fakeidp.Key {
	t.Helper()
	k, err := fakeidp.GenerateKey(alg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
