package iamapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

// pvGet reads a provider as root.
func pvGet(t *testing.T, c *iamsdk.Client, arn string) *iamsdk.GetOpenIDConnectProviderOutput {
	t.Helper()
	out, err := c.GetOpenIDConnectProvider(context.Background(), &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Client IDs: adding and removing are idempotent; the 101st is
// LimitExceeded; ClientID's model constraints.
func TestContractProvidersClientIDs(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	arn := pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://idp.example.com"), ClientIDList: []string{"a"}})
	add := func(id string) error {
		_, err := c.AddClientIDToOpenIDConnectProvider(ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: &id})
		return err
	}
	remove := func(id string) error {
		_, err := c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iamsdk.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: &id})
		return err
	}
	for _, id := range []string{"b", "a", "b", "c"} {
		if err := add(id); err != nil {
			t.Fatalf("add %s: %v", id, err)
		}
	}
	pvWant(t, "after add", pvGet(t, c, arn).ClientIDList, []string{"a", "b", "c"})
	for _, id := range []string{"b", "b", "zzz"} {
		if err := remove(id); err != nil {
			t.Fatalf("remove %s: %v", id, err)
		}
	}
	pvWant(t, "after remove", pvGet(t, c, arn).ClientIDList, []string{"a", "c"})

	for i := 3; i <= 100; i++ {
		if err := add(fmt.Sprintf("client-%03d", i)); err != nil {
			t.Fatalf("add #%d: %v", i, err)
		}
	}
	wantAPIError(t, add("one-too-many"), "LimitExceeded", http.StatusConflict, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	if err := add("a"); err != nil {
		t.Fatalf("adding an existing ID at the quota: %v", err)
	}
	if got := len(pvGet(t, c, arn).ClientIDList); got != 100 {
		t.Fatalf("%d client IDs, want 100", got)
	}

	long := strings.Repeat("x", 256)
	wantAPIError(t, add(long), "ValidationError", 400,
		"1 validation error detected: Value '"+long+"' at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255")
	wantAPIError(t, remove(""), "ValidationError", 400,
		"1 validation error detected: Value '' at 'clientID' failed to satisfy constraint: Member must have length greater than or equal to 1")
	r := n.post(url.Values{"Action": {"AddClientIDToOpenIDConnectProvider"}, "OpenIDConnectProviderArn": {"short"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest, "2 validation errors detected: "+
		"Value 'short' at 'openIDConnectProviderArn' failed to satisfy constraint: Member must have length greater than or equal to 20; "+
		"Value null at 'clientID' failed to satisfy constraint: Member must not be null")
}

// UpdateOpenIDConnectProviderThumbprint replaces the list (empty allowed);
// its rejections; and every update keeps the stsd extensions (JWKS URL,
// static JWKS) that only bootstrap files set.
func TestContractProvidersThumbprintsAndExtensions(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	jwks := `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1"}]}`
	p, err := n.app.Repo.CreateProvider(ctx, iam.OIDCProvider{
		Account: account, URL: "https://k8s.example.com", ClientIDs: []string{"sts.amazonaws.com"},
		Thumbprints: []string{tpA}, StaticJWKS: jwks,
	})
	if err != nil {
		t.Fatal(err)
	}
	n.waitRev(t, p.Revision)
	arn := p.ARN()
	update := func(tps []string) error {
		_, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &iamsdk.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &arn, ThumbprintList: tps})
		return err
	}
	if err := update([]string{tpB, tpC}); err != nil {
		t.Fatal(err)
	}
	pvWant(t, "thumbprints", pvGet(t, c, arn).ThumbprintList, []string{tpB, tpC})
	if err := update([]string{}); err != nil {
		t.Fatal(err)
	}
	if got := pvGet(t, c, arn).ThumbprintList; len(got) != 0 {
		t.Fatalf("thumbprints after an empty update: %v", got)
	}

	six := []string{tpA, tpB, tpC, strings.Repeat("d", 40), strings.Repeat("e", 40), strings.Repeat("f", 40)}
	wantAPIError(t, update(six), "InvalidInput", 400, "Thumbprint list must contain fewer than 5 entries.")
	wantAPIError(t, update([]string{"abc"}), "ValidationError", 400,
		"1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]")
	r := n.post(url.Values{"Action": {"UpdateOpenIDConnectProviderThumbprint"}, "OpenIDConnectProviderArn": {arn}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'thumbprintList' failed to satisfy constraint: Member must not be null")

	// Every kind of update, then the extensions are still there and the
	// snapshot (what token validation reads) has them too.
	if _, err := c.AddClientIDToOpenIDConnectProvider(ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iamsdk.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, ClientID: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, Tags: pvTags("a", "1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if err := update([]string{tpC}); err != nil {
		t.Fatal(err)
	}
	stored, err := n.app.Repo.GetProvider(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if stored.StaticJWKS != jwks || stored.URL != "https://k8s.example.com" || !stored.CreateDate.Equal(p.CreateDate) {
		t.Fatalf("an update lost the provider's extensions or identity: %+v", stored)
	}
	view, ok := n.app.Cache.Current().ProviderByARN(arn)
	if !ok || view.Provider.StaticJWKS != jwks || len(view.Provider.Thumbprints) != 1 || view.Provider.Thumbprints[0] != tpC {
		t.Fatalf("snapshot after the updates: %+v", view)
	}
}

// Tags: Tag merges (keys ignoring case, new spelling wins), Untag removes,
// ListOpenIDConnectProviderTags pages through them sorted by key, and the
// 50-tag and model limits.
func TestContractProvidersTags(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	arn := pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://tags.example.com"), Tags: pvTags("k1", "v1", "K2", "v2")})
	tag := func(tags ...string) error {
		_, err := c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, Tags: pvTags(tags...)})
		return err
	}
	untag := func(keys ...string) error {
		_, err := c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, TagKeys: keys})
		return err
	}
	if err := tag("k2", "new", "k3", "v3"); err != nil {
		t.Fatal(err)
	}
	pvWant(t, "after tag", pvTagPairs(pvGet(t, c, arn).Tags), []string{"k1=v1", "k2=new", "k3=v3"})
	if err := untag("K1", "absent"); err != nil {
		t.Fatal(err)
	}
	pvWant(t, "after untag", pvTagPairs(pvGet(t, c, arn).Tags), []string{"k2=new", "k3=v3"})

	var many []string
	for i := range 8 {
		many = append(many, fmt.Sprintf("t%02d", i), "v")
	}
	if err := tag(many...); err != nil {
		t.Fatal(err)
	}
	var pages [][]string
	var marker *string
	for {
		out, err := c.ListOpenIDConnectProviderTags(ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: &arn, MaxItems: aws.Int32(4), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, tg := range out.Tags {
			keys = append(keys, aws.ToString(tg.Key))
		}
		pages = append(pages, keys)
		if !out.IsTruncated {
			if out.Marker != nil {
				t.Fatal("a last page with a marker")
			}
			break
		}
		marker = out.Marker
	}
	pvWant(t, "pages", pages, [][]string{{"k2", "k3", "t00", "t01"}, {"t02", "t03", "t04", "t05"}, {"t06", "t07"}})

	var fifty []string
	for i := range 41 {
		fifty = append(fifty, fmt.Sprintf("u%02d", i), "v")
	}
	wantAPIError(t, tag(fifty...), "LimitExceeded", http.StatusConflict, "The number of tags has reached the maximum limit.")
	wantAPIError(t, tag("aws:k", "v"), "InvalidInput", 400, "Tag keys starting with 'aws:' are reserved for internal use.")
	wantAPIError(t, tag("dup", "1", "DUP", "2"), "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	wantAPIError(t, untag("bad#key"), "ValidationError", 400,
		`1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]`)
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	wantAPIError(t, untag(keys...), "ValidationError", 400,
		"1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")
	for _, action := range []string{"TagOpenIDConnectProvider", "UntagOpenIDConnectProvider"} {
		member := map[string]string{"TagOpenIDConnectProvider": "tags", "UntagOpenIDConnectProvider": "tagKeys"}[action]
		r := n.post(url.Values{"Action": {action}, "OpenIDConnectProviderArn": {arn}}, nil)
		wantRawError(t, r, "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
	}
	_, err := c.ListOpenIDConnectProviderTags(ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: &arn, MaxItems: aws.Int32(1001)})
	wantAPIError(t, err, "ValidationError", 400,
		"1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = c.ListOpenIDConnectProviderTags(ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: &arn, Marker: aws.String("!!")})
	wantAPIError(t, err, "InvalidInput", 400, "Invalid Marker.")
}

// A non-root caller needs iam:<Action> on the provider's ARN (lists on
// "*"): denied without a policy with IAM's AccessDenied text, allowed by a
// policy naming the provider.
func TestContractProvidersAuthorization(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	arn := pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://authz.example.com")})
	nobody := n.newUserClient(t, "nobody", nil)
	userARN := "arn:aws:iam::" + account + ":user/nobody"
	_, err := nobody.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: "+userARN+" is not authorized to perform: iam:GetOpenIDConnectProvider on resource: "+arn)
	_, err = nobody.ListOpenIDConnectProviders(ctx, nil)
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: "+userARN+" is not authorized to perform: iam:ListOpenIDConnectProviders on resource: *")
	_, err = nobody.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://new.example.com")})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: "+userARN+" is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: "+providerARNPrefix+"new.example.com")

	policy := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetOpenIDConnectProvider","iam:TagOpenIDConnectProvider"],"Resource":"` + arn + `"},
		{"Effect":"Allow","Action":"iam:ListOpenIDConnectProviders","Resource":"*"}]}`
	operator := n.newUserClient(t, "operator", map[string]string{"providers": policy})
	if _, err := operator.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := operator.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn, Tags: pvTags("by", "operator")}); err != nil {
		t.Fatal(err)
	}
	if list, err := operator.ListOpenIDConnectProviders(ctx, nil); err != nil || len(list.OpenIDConnectProviderList) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	_, err = operator.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	wantAPIError(t, err, "AccessDenied", http.StatusForbidden,
		"User: arn:aws:iam::"+account+":user/operator is not authorized to perform: iam:DeleteOpenIDConnectProvider on resource: "+arn)
	pvGet(t, c, arn)
}
