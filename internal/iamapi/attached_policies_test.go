package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// epAttach drives the managed-policy and boundary actions of roles or
// users through the SDK.
type epAttach struct {
	epKind
	quota    string
	attach   func(ctx context.Context, c *iamsdk.Client, entity, arn string) error
	detach   func(ctx context.Context, c *iamsdk.Client, entity, arn string) error
	listAtt  func(ctx context.Context, c *iamsdk.Client, entity string, prefix, marker *string, max *int32) ([]types.AttachedPolicy, bool, *string, error)
	putBound func(ctx context.Context, c *iamsdk.Client, entity, arn string) error
	delBound func(ctx context.Context, c *iamsdk.Client, entity string) error
	boundary func(t *testing.T, n *node, entity string) string // as stored
}

var epAttachKinds = []epAttach{
	{
		epKind: epKinds[0], quota: "PoliciesPerRole",
		attach: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.AttachRolePolicy(ctx, &iamsdk.AttachRolePolicyInput{RoleName: &e, PolicyArn: &a})
			return err
		},
		detach: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.DetachRolePolicy(ctx, &iamsdk.DetachRolePolicyInput{RoleName: &e, PolicyArn: &a})
			return err
		},
		listAtt: func(ctx context.Context, c *iamsdk.Client, e string, p, m *string, max *int32) ([]types.AttachedPolicy, bool, *string, error) {
			out, err := c.ListAttachedRolePolicies(ctx, &iamsdk.ListAttachedRolePoliciesInput{RoleName: &e, PathPrefix: p, Marker: m, MaxItems: max})
			if err != nil {
				return nil, false, nil, err
			}
			return out.AttachedPolicies, out.IsTruncated, out.Marker, nil
		},
		putBound: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.PutRolePermissionsBoundary(ctx, &iamsdk.PutRolePermissionsBoundaryInput{RoleName: &e, PermissionsBoundary: &a})
			return err
		},
		delBound: func(ctx context.Context, c *iamsdk.Client, e string) error {
			_, err := c.DeleteRolePermissionsBoundary(ctx, &iamsdk.DeleteRolePermissionsBoundaryInput{RoleName: &e})
			return err
		},
		boundary: func(t *testing.T, n *node, e string) string {
			r, err := n.app.Repo.GetRole(context.Background(), account, e)
			if err != nil {
				t.Fatal(err)
			}
			return r.PermissionsBoundaryARN
		},
	},
	{
		epKind: epKinds[1], quota: "PoliciesPerUser",
		attach: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: &e, PolicyArn: &a})
			return err
		},
		detach: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{UserName: &e, PolicyArn: &a})
			return err
		},
		listAtt: func(ctx context.Context, c *iamsdk.Client, e string, p, m *string, max *int32) ([]types.AttachedPolicy, bool, *string, error) {
			out, err := c.ListAttachedUserPolicies(ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: &e, PathPrefix: p, Marker: m, MaxItems: max})
			if err != nil {
				return nil, false, nil, err
			}
			return out.AttachedPolicies, out.IsTruncated, out.Marker, nil
		},
		putBound: func(ctx context.Context, c *iamsdk.Client, e, a string) error {
			_, err := c.PutUserPermissionsBoundary(ctx, &iamsdk.PutUserPermissionsBoundaryInput{UserName: &e, PermissionsBoundary: &a})
			return err
		},
		delBound: func(ctx context.Context, c *iamsdk.Client, e string) error {
			_, err := c.DeleteUserPermissionsBoundary(ctx, &iamsdk.DeleteUserPermissionsBoundaryInput{UserName: &e})
			return err
		},
		boundary: func(t *testing.T, n *node, e string) string {
			out, err := n.root().GetUser(context.Background(), &iamsdk.GetUserInput{UserName: &e})
			if err != nil {
				t.Fatal(err)
			}
			if out.User.PermissionsBoundary == nil {
				return ""
			}
			return *out.User.PermissionsBoundary.PermissionsBoundaryArn
		},
	},
}

func attachedNames(ps []types.AttachedPolicy) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = *p.PolicyName + "=" + *p.PolicyArn
	}
	return strings.Join(out, " ")
}

// Attach (idempotent, the ARN as stored), list (PathPrefix, pages) and
// detach managed policies of a role and of a user.
func TestContractEntityPoliciesAttachLifecycle(t *testing.T) {
	for _, k := range epAttachKinds {
		t.Run(k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			k.make(t, n, "app")
			a := n.repoPolicy(t, "/", "Alpha", allow("iam:Get*"))
			b := n.repoPolicy(t, "/team/", "Beta", allow("iam:List*"))
			g := n.repoPolicy(t, "/team/ops/", "Gamma", allow("iam:List*"))
			for _, arn := range []string{a, b, g, strings.Replace(a, "Alpha", "ALPHA", 1)} {
				if err := k.attach(ctx, c, "App", arn); err != nil {
					t.Fatal(err)
				}
			}
			got, truncated, _, err := k.listAtt(ctx, c, "app", nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := "Alpha=" + a + " Beta=" + b + " Gamma=" + g
			if attachedNames(got) != want || truncated {
				t.Fatalf("ListAttached%sPolicies = %q, want %q", k.title, attachedNames(got), want)
			}
			got, _, _, err = k.listAtt(ctx, c, "app", strPtr("/team/"), nil, nil)
			if err != nil || attachedNames(got) != "Beta="+b+" Gamma="+g {
				t.Fatalf("PathPrefix /team/: %q %v", attachedNames(got), err)
			}
			first, truncated, marker, err := k.listAtt(ctx, c, "app", nil, nil, int32Ptr(2))
			if err != nil || !truncated || attachedNames(first) != "Alpha="+a+" Beta="+b {
				t.Fatalf("page 1: %q %v %v", attachedNames(first), truncated, err)
			}
			rest, truncated, _, err := k.listAtt(ctx, c, "app", nil, marker, int32Ptr(2))
			if err != nil || truncated || attachedNames(rest) != "Gamma="+g {
				t.Fatalf("page 2: %q %v %v", attachedNames(rest), truncated, err)
			}

			if err := k.detach(ctx, c, "app", strings.Replace(b, "Beta", "BETA", 1)); err != nil { // ARN case ignored
				t.Fatal(err)
			}
			err = k.detach(ctx, c, "app", b)
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+b+" was not found.")
			if got, _, _, _ = k.listAtt(ctx, c, "app", nil, nil, nil); attachedNames(got) != "Alpha="+a+" Gamma="+g {
				t.Fatalf("after detach: %q", attachedNames(got))
			}
		})
	}
}

func strPtr(s string) *string { return &s }
func int32Ptr(v int32) *int32 { return &v }

func TestEntityPoliciesAttachErrors(t *testing.T) {
	for _, k := range epAttachKinds {
		t.Run(k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			k.make(t, n, "app")
			real := n.repoPolicy(t, "/", "Real", allow("iam:Get*"))

			for _, arn := range []string{
				"arn:aws:iam::" + account + ":policy/Missing",
				"arn:aws:iam::" + account + ":policy/other/Real",  // another path
				"arn:aws:iam::444455556666:policy/Real",           // another account
				"arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", // AWS managed, not built into stsd
			} {
				err := k.attach(ctx, c, "app", arn)
				wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Policy "+arn+" does not exist or is not attachable.")
			}
			err := k.attach(ctx, c, "app", "arn:aws:s3:::some-bucket/key")
			wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "ARN arn:aws:s3:::some-bucket/key is not valid.")
			err = k.attach(ctx, c, "ghost", real)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			err = k.detach(ctx, c, "ghost", real)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			_, _, _, err = k.listAtt(ctx, c, "ghost", nil, nil, nil)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			_, _, _, err = k.listAtt(ctx, c, "app", strPtr("/team"), nil, nil)
			wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
				`1 validation error detected: Value '/team' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`)

			r := n.post(url.Values{"Action": {"Attach" + k.title + "Policy"}, "PolicyArn": {"arn:short"}}, nil)
			wantRawError(t, r, "ValidationError", http.StatusBadRequest,
				"2 validation errors detected: Value null at '"+k.kind+"Name' failed to satisfy constraint: Member must not be null; "+
					"Value 'arn:short' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")

			// Ten managed policies per role or user, as IAM's default quota.
			for i := range 10 {
				if err := k.attach(ctx, c, "app", n.repoPolicy(t, "/", "P"+strconv.Itoa(i), allow("iam:Get*"))); err != nil {
					t.Fatal(err)
				}
			}
			err = k.attach(ctx, c, "app", real)
			wantAPIError(t, err, "LimitExceeded", http.StatusConflict, "Cannot exceed quota for "+k.quota+": 10")
		})
	}
}

// A permissions boundary is set, replaced and removed; it must name a
// managed policy of the account.
func TestContractEntityPoliciesBoundary(t *testing.T) {
	for _, k := range epAttachKinds {
		t.Run(k.kind, func(t *testing.T) {
			n := newNode(t)
			ctx := context.Background()
			c := n.root()
			k.make(t, n, "app")
			one := n.repoPolicy(t, "/", "One", allow("iam:*"))
			two := n.repoPolicy(t, "/b/", "Two", allow("iam:Get*"))
			if err := k.putBound(ctx, c, "app", one); err != nil {
				t.Fatal(err)
			}
			if got := k.boundary(t, n, "app"); got != one {
				t.Fatalf("boundary = %q, want %q", got, one)
			}
			if err := k.putBound(ctx, c, "APP", strings.Replace(two, "Two", "two", 1)); err != nil {
				t.Fatal(err)
			}
			if got := k.boundary(t, n, "app"); got != two {
				t.Fatalf("boundary = %q, want %q (as stored)", got, two)
			}
			for range 2 { // removing an absent boundary is not an error
				if err := k.delBound(ctx, c, "app"); err != nil {
					t.Fatal(err)
				}
				if got := k.boundary(t, n, "app"); got != "" {
					t.Fatalf("boundary after delete = %q", got)
				}
			}
			missing := "arn:aws:iam::" + account + ":policy/Nope"
			err := k.putBound(ctx, c, "app", missing)
			wantAPIError(t, err, "NoSuchEntity", http.StatusNotFound, "Scope ARN: "+missing+" does not exist or is not attachable.")
			err = k.putBound(ctx, c, "app", "arn:aws:iam::"+account+":role/NotAPolicy")
			wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "ARN arn:aws:iam::"+account+":role/NotAPolicy is not valid.")
			err = k.putBound(ctx, c, "ghost", one)
			wantNoSuchEntity(t, err, k.kind, "ghost")
			err = k.delBound(ctx, c, "ghost")
			wantNoSuchEntity(t, err, k.kind, "ghost")
			r := n.post(url.Values{"Action": {"Put" + k.title + "PermissionsBoundary"}, k.title + "Name": {"app"}}, nil)
			wantRawError(t, r, "ValidationError", http.StatusBadRequest,
				"1 validation error detected: Value null at 'permissionsBoundary' failed to satisfy constraint: Member must not be null")
		})
	}
}
