package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/iam"
)

// CreatePolicy returns IAM's Policy shape (no Description; Tags only when
// given); GetPolicy adds Description and Tags (even empty).
func TestContractPolicyCreateAndGetShapes(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	before := time.Now().UTC().Truncate(time.Second)
	out, err := n.root().CreatePolicy(ctx, &iamsdk.CreatePolicyInput{
		PolicyName:     aws.String("s3-read"),
		Path:           aws.String("/team/a/"),
		PolicyDocument: aws.String(getObjectDoc),
		Description:    aws.String("Reads objects"),
		Tags:           []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("owner"), Value: aws.String("")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Policy
	arn := polARN("/team/a/", "s3-read")
	if aws.ToString(p.PolicyName) != "s3-read" || aws.ToString(p.Arn) != arn || aws.ToString(p.Path) != "/team/a/" ||
		aws.ToString(p.DefaultVersionId) != "v1" || aws.ToInt32(p.AttachmentCount) != 0 ||
		aws.ToInt32(p.PermissionsBoundaryUsageCount) != 0 || !p.IsAttachable || p.Description != nil {
		t.Fatalf("created policy = %+v", p)
	}
	if id := aws.ToString(p.PolicyId); len(id) != 21 || !strings.HasPrefix(id, "ANPA") {
		t.Errorf("PolicyId = %q, want ANPA + 17 characters", id)
	}
	if p.CreateDate == nil || p.CreateDate.Before(before) || !p.UpdateDate.Equal(*p.CreateDate) {
		t.Errorf("CreateDate %v UpdateDate %v", p.CreateDate, p.UpdateDate)
	}
	if len(p.Tags) != 2 || aws.ToString(p.Tags[0].Key) != "env" || aws.ToString(p.Tags[1].Value) != "" {
		t.Errorf("Tags = %+v", p.Tags)
	}

	got, err := n.root().GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	g := got.Policy
	if aws.ToString(g.PolicyId) != aws.ToString(p.PolicyId) || aws.ToString(g.Description) != "Reads objects" ||
		len(g.Tags) != 2 || !g.CreateDate.Equal(*p.CreateDate) || aws.ToString(g.DefaultVersionId) != "v1" {
		t.Errorf("GetPolicy = %+v", g)
	}

	// Wire form: no Tags on create without tags, an empty Tags on Get.
	r := n.post(url.Values{"Action": {"CreatePolicy"}, "PolicyName": {"plain"}, "PolicyDocument": {getObjectDoc}}, nil)
	if r.Status != http.StatusOK || strings.Contains(r.Body, "<Tags") || strings.Contains(r.Body, "<Description") ||
		!strings.Contains(r.Body, "<Path>/</Path>") || !strings.Contains(r.Body, "<IsAttachable>true</IsAttachable>") {
		t.Fatalf("CreatePolicy without tags:\n%s", r.Body)
	}
	r = n.post(url.Values{"Action": {"GetPolicy"}, "PolicyArn": {polARN("/", "plain")}}, nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "<Tags/>") || strings.Contains(r.Body, "<Description") {
		t.Fatalf("GetPolicy without tags:\n%s", r.Body)
	}
}

// Every CreatePolicy rejection with IAM's code, status and message.
func TestContractPolicyCreateErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.polCreate(t, "", "Existing", getObjectDoc)
	create := func(name, path, doc string) error {
		in := &iamsdk.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}
		if path != "" {
			in.Path = aws.String(path)
		}
		_, err := n.root().CreatePolicy(ctx, in)
		return err
	}
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6100) + `"}]}`
	tests := []struct {
		name, policy, path, doc string
		code                    string
		status                  int
		message                 string
	}{
		{"duplicate", "Existing", "", getObjectDoc, "EntityAlreadyExists", 409, "A policy called Existing already exists. Duplicate names are not allowed."},
		{"duplicate ignoring case and path", "existing", "/other/", getObjectDoc, "EntityAlreadyExists", 409, "A policy called existing already exists. Duplicate names are not allowed."},
		{"name pattern", "bad name", "", getObjectDoc, "ValidationError", 400, "1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
		{"path pattern", "p", "/a//", getObjectDoc, "ValidationError", 400, "1 validation error detected: Value '/a//' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/"},
		{"not JSON", "p", "", "{not json", "MalformedPolicyDocument", 400, "This policy contains invalid Json"},
		{"no Statement", "p", "", `{"Version":"2012-10-17"}`, "MalformedPolicyDocument", 400, "Missing required field Statement"},
		{"over the quota", "p", "", big, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, create(tc.policy, tc.path, tc.doc), tc.code, tc.status, tc.message)
		})
	}

	// Missing members (the SDK refuses to send them): one ValidationError.
	r := n.post(url.Values{"Action": {"CreatePolicy"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
	r = n.post(url.Values{"Action": {"CreatePolicy"}, "PolicyName": {"p"}, "PolicyDocument": {getObjectDoc},
		"Tags.member.1.Key": {"k"}, "Tags.member.1.Value": {"a"}, "Tags.member.2.Key": {"K"}, "Tags.member.2.Value": {"b"}}, nil)
	wantRawError(t, r, "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
}

// GetPolicy of an ARN that names no policy of the account: NoSuchEntity;
// a string that is not an ARN: ValidationError.
func TestContractPolicyGetErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.polCreate(t, "/p/", "Mine", getObjectDoc)
	get := func(arn string) error {
		_, err := n.root().GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
		return err
	}
	for _, arn := range []string{
		polARN("/", "Missing"),
		polARN("/", "Mine"),       // wrong path
		polARN("/other/", "Mine"), // wrong path
		"arn:aws:iam::444455556666:policy/p/Mine",
		"arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess", // AWS managed, not built into stsd
		"arn:aws:iam::" + account + ":role/p/Mine",
	} {
		wantAPIError(t, get(arn), "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	}
	wantAPIError(t, get("not-an-arn-but-long-enough"), "ValidationError", 400, "Invalid ARN:  Could not be parsed!")
	wantAPIError(t, get("arn:aws:iam"), "ValidationError", 400,
		"1 validation error detected: Value 'arn:aws:iam' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	if _, err := n.root().GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(polARN("/p/", "MINE"))}); err != nil {
		t.Errorf("names ignore case: %v", err)
	}
}

// AttachmentCount and PermissionsBoundaryUsageCount count the roles and
// users that use the policy, as stored now.
func TestContractPolicyUsageCounts(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	arn := aws.ToString(n.polCreate(t, "", "Shared", getObjectDoc).Arn)
	n.repoRole(t, "/", "r1", nil)
	n.repoRole(t, "/", "r2", nil)
	n.repoUser(t, "/", "u1", nil)
	n.polAttachRole(t, "r1", []string{arn}, "")
	n.polAttachRole(t, "r2", []string{polARN("/", "SHARED")}, arn) // attached (name case differs) and boundary
	n.polAttachUser(t, "u1", nil, arn)
	out, err := n.root().GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := aws.ToInt32(out.Policy.AttachmentCount), aws.ToInt32(out.Policy.PermissionsBoundaryUsageCount); a != 2 || b != 2 {
		t.Errorf("AttachmentCount %d PermissionsBoundaryUsageCount %d, want 2 and 2", a, b)
	}
	list, err := n.root().ListPolicies(ctx, &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil || len(list.Policies) != 1 || aws.ToInt32(list.Policies[0].AttachmentCount) != 2 {
		t.Fatalf("ListPolicies = %+v, %v", list, err)
	}
}

// DeletePolicy refuses while the policy has other versions or is used;
// afterwards the policy is gone, from the node's snapshot too.
func TestContractPolicyDelete(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	arn := aws.ToString(n.polCreate(t, "/d/", "Doomed", getObjectDoc).Arn)
	del := func() error {
		_, err := n.root().DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: aws.String(arn)})
		return err
	}
	if _, err := n.root().CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(polDocList)}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, del(), "DeleteConflict", 409, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	if _, err := n.root().DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}

	n.repoRole(t, "/", "holder", nil)
	n.polAttachRole(t, "holder", []string{arn}, "")
	wantAPIError(t, del(), "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
	n.polDetachRole(t, "holder")
	n.repoUser(t, "/", "bounded", nil)
	n.polAttachUser(t, "bounded", nil, arn)
	wantAPIError(t, del(), "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
	u, err := n.app.Repo.UpdateUser(ctx, account, "bounded", func(u *iam.User) error { u.PermissionsBoundaryARN = ""; return nil })
	if err != nil {
		t.Fatal(err)
	}
	n.waitRev(t, u.Revision)

	if err := del(); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.app.Cache.Current().ManagedPolicy(arn); ok {
		t.Error("the node's snapshot still holds the deleted policy when DeletePolicy returns")
	}
	_, err = n.root().GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	wantAPIError(t, del(), "NoSuchEntity", 404, "Policy "+arn+" was not found.")
	r := n.post(url.Values{"Action": {"DeletePolicy"}, "PolicyArn": {"x"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "1 validation error detected: Value 'x' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	r = n.post(url.Values{"Action": {"DeletePolicy"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null")
}

// ListPolicies: sorted by name, Scope, PathPrefix, OnlyAttached,
// PolicyUsageFilter and paging.
func TestContractPolicyList(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.polCreate(t, "/", "b-plain", getObjectDoc)
	attached := aws.ToString(n.polCreate(t, "/x/", "a-attached", getObjectDoc).Arn)
	boundary := aws.ToString(n.polCreate(t, "/x/y/", "C-boundary", getObjectDoc).Arn)
	n.repoRole(t, "/", "r", nil)
	n.polAttachRole(t, "r", []string{attached}, boundary)

	names := func(in *iamsdk.ListPoliciesInput) []string {
		t.Helper()
		out, err := n.root().ListPolicies(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range out.Policies {
			got = append(got, aws.ToString(p.PolicyName))
		}
		return got
	}
	for _, tc := range []struct {
		name string
		in   *iamsdk.ListPoliciesInput
		want string
	}{
		{"all", &iamsdk.ListPoliciesInput{}, "a-attached AdministratorAccess AmazonS3FullAccess AmazonS3ReadOnlyAccess b-plain C-boundary " +
			"IAMFullAccess IAMReadOnlyAccess PowerUserAccess ReadOnlyAccess"},
		{"local", &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}, "a-attached b-plain C-boundary"},
		{"aws", &iamsdk.ListPoliciesInput{Scope: types.PolicyScopeTypeAws}, "AdministratorAccess AmazonS3FullAccess AmazonS3ReadOnlyAccess " +
			"IAMFullAccess IAMReadOnlyAccess PowerUserAccess ReadOnlyAccess"},
		{"path prefix", &iamsdk.ListPoliciesInput{PathPrefix: aws.String("/x/")}, "a-attached C-boundary"},
		{"deeper prefix", &iamsdk.ListPoliciesInput{PathPrefix: aws.String("/x/y/")}, "C-boundary"},
		{"only attached", &iamsdk.ListPoliciesInput{OnlyAttached: true}, "a-attached"},
		{"used as boundary", &iamsdk.ListPoliciesInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary}, "C-boundary"},
		{"used as permissions policy", &iamsdk.ListPoliciesInput{PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy}, "a-attached"},
	} {
		if got := strings.Join(names(tc.in), " "); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}

	// Paging one at a time visits every policy once, in order.
	var seen []string
	in := &iamsdk.ListPoliciesInput{MaxItems: aws.Int32(1), Scope: types.PolicyScopeTypeLocal}
	for range 5 {
		out, err := n.root().ListPolicies(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Policies) != 1 {
			t.Fatalf("page of %d", len(out.Policies))
		}
		seen = append(seen, aws.ToString(out.Policies[0].PolicyName))
		if !out.IsTruncated {
			break
		}
		in.Marker = out.Marker
	}
	if strings.Join(seen, " ") != "a-attached b-plain C-boundary" {
		t.Errorf("pages: %v", seen)
	}

	_, err := n.root().ListPolicies(ctx, &iamsdk.ListPoliciesInput{Scope: "Mine"})
	wantAPIError(t, err, "ValidationError", 400, "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]")
	_, err = n.root().ListPolicies(ctx, &iamsdk.ListPoliciesInput{PathPrefix: aws.String("x"), PolicyUsageFilter: "Both"})
	wantAPIError(t, err, "ValidationError", 400, "2 validation errors detected: "+
		"Value 'x' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/; "+
		"Value 'Both' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
}

// A caller bound by its policies is authorized on the policy ARN
// (ListPolicies on "policy path <prefix>", which only "*" matches), and
// denied with IAM's message otherwise.
func TestContractPolicyAuthorization(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	mine := n.polCreate(t, "/team/", "mine", getObjectDoc)
	n.polCreate(t, "/", "theirs", getObjectDoc)
	sess := n.client(n.roleSession(t, "operator", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetPolicy","iam:CreatePolicy","iam:DeletePolicy"],"Resource":"arn:aws:iam::`+account+`:policy/team/*"}]}`))

	if _, err := sess.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: mine.Arn}); err != nil {
		t.Fatalf("allowed GetPolicy: %v", err)
	}
	if _, err := sess.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("new"), Path: aws.String("/team/"), PolicyDocument: aws.String(getObjectDoc)}); err != nil {
		t.Fatalf("allowed CreatePolicy: %v", err)
	}
	user := sessionARN("operator")
	_, err := sess.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(polARN("/", "theirs"))})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+user+" is not authorized to perform: iam:GetPolicy on resource: "+polARN("/", "theirs"))
	_, err = sess.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("outside"), PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+user+" is not authorized to perform: iam:CreatePolicy on resource: "+polARN("/", "outside"))
	_, err = sess.ListPolicies(ctx, &iamsdk.ListPoliciesInput{})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+user+" is not authorized to perform: iam:ListPolicies on resource: policy path /")
	_, err = sess.ListPolicies(ctx, &iamsdk.ListPoliciesInput{PathPrefix: aws.String("/team/")})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+user+" is not authorized to perform: iam:ListPolicies on resource: policy path /team/")
	lister := n.client(n.roleSession(t, "lister", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListPolicies","Resource":"*"}]}`))
	if _, err := lister.ListPolicies(ctx, &iamsdk.ListPoliciesInput{PathPrefix: aws.String("/team/")}); err != nil {
		t.Fatalf("ListPolicies allowed on *: %v", err)
	}
	_, err = sess.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: mine.Arn, PolicyDocument: aws.String(polDocList)})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+user+" is not authorized to perform: iam:CreatePolicyVersion on resource: "+aws.ToString(mine.Arn))
}
