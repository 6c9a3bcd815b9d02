package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// epKind drives the inline-policy actions of roles or users through the
// SDK, so one test covers both.
type epKind struct {
	kind, title string // "role", "Role"
	make        func(t *testing.T, n *node, name string)
	put         func(ctx context.Context, c *iamsdk.Client, entity, policy, doc string) error
	get         func(ctx context.Context, c *iamsdk.Client, entity, policy string) (entityName, policyName, doc *string, err error)
	del         func(ctx context.Context, c *iamsdk.Client, entity, policy string) error
	list        func(ctx context.Context, c *iamsdk.Client, entity string, marker *string, max *int32) (names []string, truncated bool, next *string, err error)
}

var epKinds = []epKind{
	{
		kind: "role", title: "Role",
		make: func(t *testing.T, n *node, name string) { n.repoRole(t, "/", name, nil) },
		put: func(ctx context.Context, c *iamsdk.Client, e, p, d string) error {
			_, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: &e, PolicyName: &p, PolicyDocument: &d})
			return err
		},
		get: func(ctx context.Context, c *iamsdk.Client, e, p string) (*string, *string, *string, error) {
			out, err := c.GetRolePolicy(ctx, &iamsdk.GetRolePolicyInput{RoleName: &e, PolicyName: &p})
			if err != nil {
				return nil, nil, nil, err
			}
			return out.RoleName, out.PolicyName, out.PolicyDocument, nil
		},
		del: func(ctx context.Context, c *iamsdk.Client, e, p string) error {
			_, err := c.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: &e, PolicyName: &p})
			return err
		},
		list: func(ctx context.Context, c *iamsdk.Client, e string, m *string, max *int32) ([]string, bool, *string, error) {
			out, err := c.ListRolePolicies(ctx, &iamsdk.ListRolePoliciesInput{RoleName: &e, Marker: m, MaxItems: max})
			if err != nil {
				return nil, false, nil, err
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		},
	},
	{
		kind: "user", title: "User",
		make: func(t *testing.T, n *node, name string) { n.apiUser(t, name) },
		put: func(ctx context.Context, c *iamsdk.Client, e, p, d string) error {
			_, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: &e, PolicyName: &p, PolicyDocument: &d})
			return err
		},
		get: func(ctx context.Context, c *iamsdk.Client, e, p string) (*string, *string, *string, error) {
			out, err := c.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: &e, PolicyName: &p})
			if err != nil {
				return nil, nil, nil, err
			}
			return out.UserName, out.PolicyName, out.PolicyDocument, nil
		},
		del: func(ctx context.Context, c *iamsdk.Client, e, p string) error {
			_, err := c.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: &e, PolicyName: &p})
			return err
		},
		list: func(ctx context.Context, c *iamsdk.Client, e string, m *string, max *int32) ([]string, bool, *string, error) {
			out, err := c.ListUserPolicies(ctx, &iamsdk.ListUserPoliciesInput{UserName: &e, Marker: m, MaxItems: max})
			if err != nil {
				return nil, false, nil, err
			}
			return out.PolicyNames, out.IsTruncated, out.Marker, nil
		},
	},
}

// Put, get (URL-encoded document), list (paged, name order), replace and
// delete inline policies of a role and of a user.
func TestContractEntityPoliciesInlineLifecycle(t *testing.T) {
	for _, k := range epKinds {
		t.Run(k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			k.make(t, n, "App")
			doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:Get*\", \"Resource\": \"arn:aws:iam::*:role/a+b\"}]\n}"
			for _, p := range []string{"zeta", "alpha", "Mid"} {
				if err := k.put(ctx, c, "app", p, doc); err != nil { // names ignore case
					t.Fatal(err)
				}
			}
			entity, name, encoded, err := k.get(ctx, c, "app", "alpha")
			if err != nil {
				t.Fatal(err)
			}
			if *entity != "App" || *name != "alpha" || decodeDoc(t, encoded) != doc {
				t.Errorf("Get%sPolicy = %s %s %q", k.title, *entity, *name, decodeDoc(t, encoded))
			}
			if !strings.HasPrefix(*encoded, "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C") || !strings.Contains(*encoded, "a%2Bb") {
				t.Errorf("document not RFC 3986-encoded as IAM does: %s", *encoded)
			}

			var pages []string
			var marker *string
			for {
				names, truncated, next, err := k.list(ctx, c, "App", marker, aws.Int32(2))
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, strings.Join(names, " "))
				if !truncated {
					break
				}
				marker = next
			}
			if got := strings.Join(pages, "|"); got != "Mid alpha|zeta" {
				t.Errorf("List%sPolicies pages = %q", k.title, got)
			}

			replaced := allow("iam:ListUsers")
			if err := k.put(ctx, c, "App", "alpha", replaced); err != nil {
				t.Fatal(err)
			}
			if _, _, encoded, err = k.get(ctx, c, "App", "alpha"); err != nil || decodeDoc(t, encoded) != replaced {
				t.Fatalf("after replace: %v %v", encoded, err)
			}
			for _, p := range []string{"alpha", "Mid", "zeta"} {
				if err := k.del(ctx, c, "App", p); err != nil {
					t.Fatal(err)
				}
			}
			names, truncated, _, err := k.list(ctx, c, "App", nil, nil)
			if err != nil || len(names) != 0 || truncated {
				t.Fatalf("after deletes: %q %v %v", names, truncated, err)
			}
			err = k.del(ctx, c, "App", "alpha")
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The "+k.kind+" policy with name alpha cannot be found.")
		})
	}
}

func TestContractEntityPoliciesInlineErrors(t *testing.T) {
	for _, k := range epKinds {
		t.Run(k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			k.make(t, n, "app")
			ok := allow("iam:GetUser")

			err := k.put(ctx, c, "ghost", "p", ok)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			_, _, _, err = k.get(ctx, c, "ghost", "p")
			wantNoSuchEntity(t, err, k.kind, "ghost")
			_, _, _, err = k.list(ctx, c, "ghost", nil, nil)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			_, _, _, err = k.get(ctx, c, "app", "nope")
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The "+k.kind+" policy with name nope cannot be found.")

			err = k.put(ctx, c, "app", "p", `{"Version":"2012-10-17","Statement":[`)
			wantAPIError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, "This policy contains invalid Json")
			err = k.put(ctx, c, "app", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`)
			wantAPIError(t, err, "MalformedPolicyDocument", http.StatusBadRequest, epMaybeMessage)
			err = k.put(ctx, c, "app", "p", "{\"a\":\"\u0100\"}")
			wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
				"1 validation error detected: Value '{\"a\":\"\u0100\"}' at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
			err = k.put(ctx, c, "app", "bad name", ok)
			wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
				`1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)

			r := n.post(url.Values{"Action": {"Put" + k.title + "Policy"}, k.title + "Name": {"app"}}, nil)
			wantRawError(t, r, "ValidationError", http.StatusBadRequest,
				"2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; "+
					"Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
			r = n.post(url.Values{"Action": {"Get" + k.title + "Policy"}}, nil)
			wantRawError(t, r, "ValidationError", http.StatusBadRequest,
				"2 validation errors detected: Value null at '"+k.kind+"Name' failed to satisfy constraint: Member must not be null; "+
					"Value null at 'policyName' failed to satisfy constraint: Member must not be null")
			r = n.post(url.Values{"Action": {"List" + k.title + "Policies"}, k.title + "Name": {"app"}, "MaxItems": {"1001"}}, nil)
			wantRawError(t, r, "ValidationError", http.StatusBadRequest,
				"1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
		})
	}
}

// wantNoSuchEntity asserts err is IAM's NoSuchEntity for the role or user
// (kind) named name.
func wantNoSuchEntity(t *testing.T, err error, kind, name string) {
	t.Helper()
	wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "The "+kind+" with name "+name+" cannot be found.")
}

// epMaybeMessage is the policy grammar's message for an unknown Effect.
const epMaybeMessage = "Invalid effect: Maybe. Effect must be Allow or Deny"

// The inline policies of a role share 10,240 characters, a user's 2,048
// (white space not counted), as IAM's quotas.
func TestContractEntityPoliciesInlineSizeQuota(t *testing.T) {
	sized := func(n int) string { // an identity policy of exactly n non-space characters
		base := `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`
		return strings.Replace(base, `"Sid":""`, `"Sid":"`+strings.Repeat("S", n-len(base))+`"`, 1)
	}
	for _, tc := range []struct {
		k     epKind
		quota int
	}{{epKinds[0], 10240}, {epKinds[1], 2048}} {
		t.Run(tc.k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			tc.k.make(t, n, "app")
			if err := tc.k.put(ctx, c, "app", "a", sized(tc.quota/2)); err != nil {
				t.Fatal(err)
			}
			if err := tc.k.put(ctx, c, "app", "b", sized(tc.quota/2)+"\n   \n"); err != nil {
				t.Fatal(err)
			}
			err := tc.k.put(ctx, c, "app", "b", sized(tc.quota/2+1))
			wantAPIError(t, err, "LimitExceeded", http.StatusConflict,
				"Maximum policy size of "+strconv.Itoa(tc.quota)+" bytes exceeded for "+tc.k.kind+" app")
			if err := tc.k.put(ctx, c, "app", "a", sized(tc.quota/2-1)); err != nil {
				t.Fatal(err)
			}
			if err := tc.k.put(ctx, c, "app", "b", sized(tc.quota/2+1)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
