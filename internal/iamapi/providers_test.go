package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const providerARNPrefix = "arn:aws:iam::" + account + ":oidc-provider/"

// pvCreate registers a provider as root and returns its ARN.
func pvCreate(t *testing.T, c *iamsdk.Client, in *iamsdk.CreateOpenIDConnectProviderInput) string {
	t.Helper()
	out, err := c.CreateOpenIDConnectProvider(context.Background(), in)
	if err != nil {
		t.Fatalf("create provider %s: %v", aws.ToString(in.Url), err)
	}
	return aws.ToString(out.OpenIDConnectProviderArn)
}

func pvTags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func pvTagPairs(tags []types.Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return out
}

func pvWant[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %#v, want %#v", what, got, want)
	}
}

var (
	tpA = strings.Repeat("a", 40)
	tpB = strings.Repeat("B", 40)
	tpC = strings.Repeat("c", 40)
)

// Create, Get, List and Delete: the shapes IAM returns (Url without scheme,
// tags sorted by key, empty lists present), EntityAlreadyExists for a URL
// registered twice, and NoSuchEntity after the delete with IAM's two
// wordings.
func TestContractProvidersLifecycle(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	before := time.Now().UTC().Truncate(time.Second)

	out, err := c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{
		Url:            aws.String("https://token.example.com/tenant/1"),
		ClientIDList:   []string{"sts.amazonaws.com", "app"},
		ThumbprintList: []string{tpA, tpB},
		Tags:           pvTags("team", "infra", "Env", "prod"),
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.OpenIDConnectProviderArn)
	pvWant(t, "arn", arn, providerARNPrefix+"token.example.com/tenant/1")
	pvWant(t, "create tags", pvTagPairs(out.Tags), []string{"Env=prod", "team=infra"})

	got, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	pvWant(t, "url", aws.ToString(got.Url), "token.example.com/tenant/1")
	pvWant(t, "client ids", got.ClientIDList, []string{"sts.amazonaws.com", "app"})
	pvWant(t, "thumbprints", got.ThumbprintList, []string{tpA, tpB})
	pvWant(t, "tags", pvTagPairs(got.Tags), []string{"Env=prod", "team=infra"})
	if got.CreateDate == nil || got.CreateDate.Before(before) || got.CreateDate.After(time.Now().Add(time.Second)) {
		t.Fatalf("create date %v", got.CreateDate)
	}

	// Thumbprints are optional; loopback http is allowed on this node.
	bare := pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("http://127.0.0.1:9000")})
	pvWant(t, "loopback arn", bare, providerARNPrefix+"127.0.0.1:9000")
	raw := n.post(url.Values{"Action": {"GetOpenIDConnectProvider"}, "OpenIDConnectProviderArn": {bare}}, nil)
	for _, want := range []string{"<Url>127.0.0.1:9000</Url>", "<ClientIDList/>", "<ThumbprintList/>", "<Tags/>"} {
		if raw.Status != http.StatusOK || !strings.Contains(raw.Body, want) {
			t.Fatalf("get bare provider: %d\n%s\nwant %s", raw.Status, raw.Body, want)
		}
	}

	_, err = c.CreateOpenIDConnectProvider(ctx, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.example.com/tenant/1")})
	wantAPIError(t, err, "EntityAlreadyExists", http.StatusConflict, "Provider with url https://token.example.com/tenant/1 already exists.")

	list, err := c.ListOpenIDConnectProviders(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, e := range list.OpenIDConnectProviderList {
		arns = append(arns, aws.ToString(e.Arn))
	}
	pvWant(t, "list", arns, []string{bare, arn})

	if _, err := c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn}); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.app.Cache.Current().ProviderByARN(arn); ok {
		t.Fatal("the snapshot still has the deleted provider when DeleteOpenIDConnectProvider returns")
	}
	_, err = c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "OpenIDConnect Provider not found for arn "+arn)
	_, err = c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &arn})
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "OpenId connect Provider "+arn+" cannot be found.")

	list, err = c.ListOpenIDConnectProviders(ctx, nil)
	if err != nil || len(list.OpenIDConnectProviderList) != 1 {
		t.Fatalf("list after delete: %v %v", list, err)
	}

	events := n.auditEvents(10)
	var names []string
	for _, e := range events {
		names = append(names, e.EventName+":"+e.ErrorCode)
	}
	pvWant(t, "audit", names, []string{
		"CreateOpenIDConnectProvider:", "GetOpenIDConnectProvider:", "CreateOpenIDConnectProvider:",
		"GetOpenIDConnectProvider:", "CreateOpenIDConnectProvider:EntityAlreadyExists", "ListOpenIDConnectProviders:",
		"DeleteOpenIDConnectProvider:", "GetOpenIDConnectProvider:NoSuchEntity", "DeleteOpenIDConnectProvider:NoSuchEntity",
		"ListOpenIDConnectProviders:",
	})
}

// Every CreateOpenIDConnectProvider rejection, with IAM's code, status and
// message.
func TestContractProvidersCreateErrors(t *testing.T) {
	n := newNode(t)
	c := n.root()
	many := make([]string, 101)
	for i := range many {
		many[i] = "client-" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	long := strings.Repeat("b", 256)
	tests := []struct {
		name   string
		in     iamsdk.CreateOpenIDConnectProviderInput
		code   string
		status int
		msg    string
	}{
		{"no scheme", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("example.org")},
			"ValidationError", 400, "Invalid Open ID Connect Provider URL"},
		{"http on a public host", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("http://example.org")},
			"ValidationError", 400, "Invalid Open ID Connect Provider URL"},
		{"query", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.org/?a=b")},
			"ValidationError", 400, "Invalid Open ID Connect Provider URL"},
		{"fragment", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://example.org/#a")},
			"ValidationError", 400, "Invalid Open ID Connect Provider URL"},
		{"too long", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://" + long[:248])},
			"ValidationError", 400, "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"six thumbprints", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example.org"),
			ThumbprintList: []string{tpA, tpB, tpC, strings.Repeat("d", 40), strings.Repeat("e", 40), strings.Repeat("f", 40)}},
			"InvalidInput", 400, "Thumbprint list must contain fewer than 5 entries."},
		{"thumbprint not hex", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example.org"),
			ThumbprintList: []string{strings.Repeat("g", 40)}},
			"InvalidInput", 400, "Thumbprint " + strings.Repeat("g", 40) + " is not a valid hex-encoded SHA-1 fingerprint."},
		{"101 client ids", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example.org"), ClientIDList: many},
			"LimitExceeded", 409, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"},
		{"member violations together", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String(long),
			ThumbprintList: []string{strings.Repeat("b", 41)}, ClientIDList: []string{long}},
			"ValidationError", 400, "3 validation errors detected: " +
				"Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]; " +
				"Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]; " +
				"Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255"},
		{"reserved tag", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example.org"), Tags: pvTags("aws:x", "1")},
			"InvalidInput", 400, "Tag keys starting with 'aws:' are reserved for internal use."},
		{"bad tag value", iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://a.example.org"), Tags: pvTags("k", "a#b")},
			"ValidationError", 400, `1 validation error detected: Value 'a#b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateOpenIDConnectProvider(context.Background(), &tt.in)
			wantAPIError(t, err, tt.code, tt.status, tt.msg)
		})
	}
	r := n.post(url.Values{"Action": {"CreateOpenIDConnectProvider"}}, nil)
	wantRawError(t, r, "ValidationError", http.StatusBadRequest,
		"1 validation error detected: Value null at 'url' failed to satisfy constraint: Member must not be null")
	list, err := c.ListOpenIDConnectProviders(context.Background(), nil)
	if err != nil || len(list.OpenIDConnectProviderList) != 0 {
		t.Fatalf("a rejected create left a provider: %v %v", list, err)
	}
}

// Provider ARNs that are too short, not ARNs, not provider ARNs or of
// another account, and providers that do not exist, for every action that
// takes an ARN.
func TestContractProvidersARNErrors(t *testing.T) {
	n := newNode(t)
	c, ctx := n.root(), context.Background()
	missing := providerARNPrefix + "nowhere.example.com"
	other := "arn:aws:iam::999988887777:oidc-provider/token.example.com"
	pvCreate(t, c, &iamsdk.CreateOpenIDConnectProviderInput{Url: aws.String("https://token.example.com")})
	calls := map[string]func(arn string) error{
		"Get": func(a string) error {
			_, err := c.GetOpenIDConnectProvider(ctx, &iamsdk.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: &a})
			return err
		},
		"AddClientID": func(a string) error {
			_, err := c.AddClientIDToOpenIDConnectProvider(ctx, &iamsdk.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: &a, ClientID: aws.String("x")})
			return err
		},
		"RemoveClientID": func(a string) error {
			_, err := c.RemoveClientIDFromOpenIDConnectProvider(ctx, &iamsdk.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: &a, ClientID: aws.String("x")})
			return err
		},
		"UpdateThumbprint": func(a string) error {
			_, err := c.UpdateOpenIDConnectProviderThumbprint(ctx, &iamsdk.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: &a, ThumbprintList: []string{tpA}})
			return err
		},
		"Tag": func(a string) error {
			_, err := c.TagOpenIDConnectProvider(ctx, &iamsdk.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &a, Tags: pvTags("k", "v")})
			return err
		},
		"Untag": func(a string) error {
			_, err := c.UntagOpenIDConnectProvider(ctx, &iamsdk.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: &a, TagKeys: []string{"k"}})
			return err
		},
		"ListTags": func(a string) error {
			_, err := c.ListOpenIDConnectProviderTags(ctx, &iamsdk.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: &a})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			wantAPIError(t, call("arn:aws:iam::1"), "ValidationError", 400,
				"1 validation error detected: Value 'arn:aws:iam::1' at 'openIDConnectProviderArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
			wantAPIError(t, call("token.example.com/provider"), "ValidationError", 400, "Invalid ARN:  Could not be parsed!")
			wantAPIError(t, call("arn:aws:iam::"+account+":role/token.example.com"), "InvalidInput", 400,
				"ARN arn:aws:iam::"+account+":role/token.example.com is not valid.")
			wantAPIError(t, call(missing), "NoSuchEntity", 404, "OpenIDConnect Provider not found for arn "+missing)
			wantAPIError(t, call(other), "NoSuchEntity", 404, "OpenIDConnect Provider not found for arn "+other)
		})
	}
	_, err := c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: &other})
	wantAPIError(t, err, "NoSuchEntity", 404, "OpenId connect Provider "+other+" cannot be found.")
	_, err = c.DeleteOpenIDConnectProvider(ctx, &iamsdk.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String("not-an-arn-but-long-enough")})
	wantAPIError(t, err, "ValidationError", 400, "Invalid ARN:  Could not be parsed!")
	for _, action := range []string{"GetOpenIDConnectProvider", "DeleteOpenIDConnectProvider", "ListOpenIDConnectProviderTags"} {
		r := n.post(url.Values{"Action": {action}}, nil)
		wantRawError(t, r, "ValidationError", http.StatusBadRequest,
			"1 validation error detected: Value null at 'openIDConnectProviderArn' failed to satisfy constraint: Member must not be null")
	}
}
