package iamapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// The version lifecycle: create (default or not), get (document
// URL-encoded), list (newest first, without documents), set the default,
// delete; IDs are never reused.
func TestContractPolicyVersionsLifecycle(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	arn := aws.ToString(n.polCreate(t, "", "versioned", getObjectDoc).Arn)

	v2, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(polDocList), SetAsDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if pv := v2.PolicyVersion; aws.ToString(pv.VersionId) != "v2" || !pv.IsDefaultVersion || pv.Document != nil || pv.CreateDate == nil {
		t.Fatalf("CreatePolicyVersion = %+v", pv)
	}
	if v, ok := n.app.Cache.Current().ManagedPolicy(arn); !ok || v.Default.VersionID != "v2" {
		t.Error("the node's snapshot does not show the new default when CreatePolicyVersion returns")
	}
	// The wire form of CreatePolicyVersion has no Document either.
	spaced := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::a+b/*\"}]\n}"
	r := n.post(url.Values{"Action": {"CreatePolicyVersion"}, "PolicyArn": {arn}, "PolicyDocument": {spaced}}, nil)
	if r.Status != http.StatusOK || strings.Contains(r.Body, "<Document") || !strings.Contains(r.Body, "<VersionId>v3</VersionId>") ||
		!strings.Contains(r.Body, "<IsDefaultVersion>false</IsDefaultVersion>") {
		t.Fatalf("CreatePolicyVersion v3:\n%s", r.Body)
	}

	// GetPolicyVersion: the document RFC 3986-encoded (a space is %20).
	r = n.post(url.Values{"Action": {"GetPolicyVersion"}, "PolicyArn": {arn}, "VersionId": {"v3"}}, nil)
	if !strings.Contains(r.Body, "<Document>%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C") || !strings.Contains(r.Body, "a%2Bb%2F%2A") {
		t.Fatalf("GetPolicyVersion document:\n%s", r.Body)
	}
	got, err := c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(aws.ToString(got.PolicyVersion.Document))
	if err != nil || doc != spaced || got.PolicyVersion.IsDefaultVersion || aws.ToString(got.PolicyVersion.VersionId) != "v3" {
		t.Fatalf("GetPolicyVersion = %+v (document %q, %v)", got.PolicyVersion, doc, err)
	}

	versions := func() string {
		t.Helper()
		out, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, v := range out.Versions {
			if v.Document != nil {
				t.Errorf("ListPolicyVersions returned the document of %s", aws.ToString(v.VersionId))
			}
			id := aws.ToString(v.VersionId)
			if v.IsDefaultVersion {
				id += "*"
			}
			s = append(s, id)
		}
		return strings.Join(s, " ")
	}
	if got := versions(); got != "v3 v2* v1" {
		t.Errorf("versions %q, want newest first with v2 the default", got)
	}

	if _, err := c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	if v, ok := n.app.Cache.Current().ManagedPolicy(arn); !ok || v.Default.VersionID != "v1" {
		t.Error("the node's snapshot does not show the default set when SetDefaultPolicyVersion returns")
	}
	p, err := c.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil || aws.ToString(p.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("GetPolicy after SetDefaultPolicyVersion = %+v, %v", p, err)
	}
	if _, err := c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	if got := versions(); got != "v3 v1*" {
		t.Errorf("after deleting v2: %q", got)
	}

	// Up to 5 versions; numbering continues after a deletion.
	for _, want := range []string{"v4", "v5", "v6"} {
		out, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(getObjectDoc)})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.PolicyVersion.VersionId); got != want {
			t.Errorf("new version %s, want %s", got, want)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	// Paging, newest first.
	page, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(2)})
	if err != nil || len(page.Versions) != 2 || !page.IsTruncated || aws.ToString(page.Versions[0].VersionId) != "v6" {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	page, err = c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn), MaxItems: aws.Int32(10), Marker: page.Marker})
	if err != nil || len(page.Versions) != 3 || page.IsTruncated || aws.ToString(page.Versions[0].VersionId) != "v4" ||
		aws.ToString(page.Versions[2].VersionId) != "v1" {
		t.Fatalf("second page = %+v, %v", page, err)
	}
}

// Every rejection of the version actions with IAM's code, status and
// message.
func TestContractPolicyVersionErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	arn := aws.ToString(n.polCreate(t, "", "p", getObjectDoc).Arn)
	missing := polARN("/", "TestNonExistingPolicy")

	_, err := c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(missing), VersionId: aws.String("v1")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+missing+" version v1 does not exist or is not attachable.")
	_, err = c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+arn+" version v9 does not exist or is not attachable.")
	_, err = c.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2-does-not-exist")})
	wantAPIError(t, err, "ValidationError", 400, `1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)

	_, err = c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(missing), VersionId: aws.String("v1")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+missing+" version v1 does not exist or is not attachable.")
	_, err = c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v4")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+arn+" version v4 does not exist or is not attachable.")
	_, err = c.SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("wrong_version_id")})
	wantAPIError(t, err, "ValidationError", 400, `1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)

	_, err = c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")})
	wantAPIError(t, err, "DeleteConflict", 409, "Cannot delete the default version of a policy.")
	_, err = c.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+arn+" version v9 does not exist or is not attachable.")

	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(missing), PolicyDocument: aws.String(getObjectDoc)})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+missing+" was not found.")
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocument", 400, "Policy statement must contain resources.")
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 6100) + `"}]}`
	_, err = c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(big)})
	wantAPIError(t, err, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
	r := n.post(url.Values{"Action": {"CreatePolicyVersion"}, "PolicyArn": {"short"}, "SetAsDefault": {"maybe"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "3 validation errors detected: "+
		"Value 'short' at 'policyArn' failed to satisfy constraint: Member must have length greater than or equal to 20; "+
		"Value null at 'policyDocument' failed to satisfy constraint: Member must not be null; "+
		"Value 'maybe' at 'setAsDefault' failed to satisfy constraint: Member must be a valid boolean")

	_, err = c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(missing)})
	wantAPIError(t, err, "NoSuchEntity", 404, "Policy "+missing+" was not found.")
	r = n.post(url.Values{"Action": {"GetPolicyVersion"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "2 validation errors detected: "+
		"Value null at 'policyArn' failed to satisfy constraint: Member must not be null; "+
		"Value null at 'versionId' failed to satisfy constraint: Member must not be null")

	// Nothing changed: one version, the default.
	out, err := c.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil || len(out.Versions) != 1 || !out.Versions[0].IsDefaultVersion {
		t.Fatalf("versions after the rejections = %+v, %v", out, err)
	}
}

// The default version is what authorization uses: switching it changes
// what an attached role's session may do, on this node at once.
func TestContractPolicyVersionDefaultGovernsAuthorization(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	arn := aws.ToString(n.polCreate(t, "", "ops", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListPolicies","Resource":"*"}]}`).Arn)
	sess := n.client(n.roleSession(t, "worker", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*"}]}`))
	n.polAttachRole(t, "worker", []string{arn}, "")
	if _, err := sess.ListPolicies(ctx, &iamsdk.ListPoliciesInput{}); err != nil {
		t.Fatalf("v1 allows ListPolicies: %v", err)
	}
	if _, err := n.root().CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{
		PolicyArn: aws.String(arn), SetAsDefault: true,
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListPolicies","Resource":"*"}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := sess.ListPolicies(ctx, &iamsdk.ListPoliciesInput{})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+sessionARN("worker")+" is not authorized to perform: iam:ListPolicies on resource: policy path / with an explicit deny in an identity-based policy")
	if _, err := n.root().SetDefaultPolicyVersion(ctx, &iamsdk.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.ListPolicies(ctx, &iamsdk.ListPoliciesInput{}); err != nil {
		t.Fatalf("v1 again allows ListPolicies: %v", err)
	}
}
