package iam

import (
	"sort"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/arn"
)

// AWS managed policies: the few that self-hosted users attach, built in
// with the documents AWS publishes in its managed policy reference
// (docs.aws.amazon.com/aws-managed-policy), their policy IDs, default
// version IDs and dates. They live in no account: their ARNs are
// arn:aws:iam::aws:policy/<name>, they cannot be changed or deleted, and
// every account may attach them. ReadOnlyAccess is AWS's only in part:
// its published document lists read actions of some 400 services; stsd
// ships the entries for the services it serves and fronts (IAM and S3),
// as the published document spells them (docs/admin.md).

// AWSManagedAccount is the pseudo-account of AWS managed policy ARNs.
const AWSManagedAccount = "aws"

// awsManagedPrefix starts every AWS managed policy ARN.
const awsManagedPrefix = "arn:aws:iam::aws:policy/"

type awsManagedSpec struct {
	name, id, description, version string
	created, updated               string // RFC 3339
	document                       string
}

var awsManagedSpecs = []awsManagedSpec{
	{name: "AdministratorAccess", id: "ANPAIWMBCKSKIEE64ZLYK", version: "v1",
		description: "Provides full access to AWS services and resources.",
		created:     "2015-02-06T18:39:46Z", updated: "2015-02-06T18:39:46Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{name: "PowerUserAccess", id: "ANPAJYRXTHIB4FOVS3ZXS", version: "v12",
		description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
		created:     "2015-02-06T18:39:00Z", updated: "2026-02-12T17:59:00Z",
		document: `{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},` +
			`{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetGovCloudAccountInformation","account:GetPrimaryEmail",` +
			`"account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles",` +
			`"organizations:DescribeEffectivePolicy","organizations:DescribeOrganization"],"Resource":"*"}]}`},
	{name: "ReadOnlyAccess", id: "ANPAILL3HVNFSB6DCOWYQ", version: "v1",
		description: "Provides read-only access to AWS services and resources.",
		created:     "2015-02-06T18:39:00Z", updated: "2015-02-06T18:39:00Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` +
			`"iam:Generate*","iam:Get*","iam:List*","iam:Simulate*",` +
			`"s3:Describe*","s3:Get*","s3:List*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
	{name: "IAMFullAccess", id: "ANPAI7XKCFMBPM3QQRRVQ", version: "v2",
		description: "Provides full access to IAM via the AWS Management Console.",
		created:     "2015-02-06T18:40:00Z", updated: "2019-06-21T19:40:00Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*",` +
			`"organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit",` +
			`"organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents",` +
			`"organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies",` +
			`"organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
	{name: "IAMReadOnlyAccess", id: "ANPAJKSO7NDY4T57MWDSQ", version: "v4",
		description: "Provides read only access to IAM via the AWS Management Console.",
		created:     "2015-02-06T18:40:00Z", updated: "2018-01-25T19:11:00Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport",` +
			`"iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy",` +
			`"iam:SimulatePrincipalPolicy"],"Resource":"*"}]}`},
	{name: "AmazonS3FullAccess", id: "ANPAIFIR6V6BVTRAHWINE", version: "v2",
		description: "Provides full access to all buckets via the AWS Management Console.",
		created:     "2015-02-06T18:40:00Z", updated: "2021-09-27T20:16:37Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}`},
	{name: "AmazonS3ReadOnlyAccess", id: "ANPAIZTJ4DXE7G6AGAE6M", version: "v3",
		description: "Provides read only access to all buckets via the AWS Management Console.",
		created:     "2015-02-06T18:40:00Z", updated: "2023-08-10T21:31:00Z",
		document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*",` +
			`"s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`},
}

// awsManaged holds the built-in policies by lower-cased name, parsed once.
var awsManaged = func() map[string]*PolicyView {
	out := make(map[string]*PolicyView, len(awsManagedSpecs))
	for _, s := range awsManagedSpecs {
		created, err1 := time.Parse(time.RFC3339, s.created)
		updated, err2 := time.Parse(time.RFC3339, s.updated)
		if err1 != nil || err2 != nil {
			panic("iam: bad date of AWS managed policy " + s.name)
		}
		p := &ManagedPolicy{
			Account: AWSManagedAccount, Name: s.name, Path: "/", PolicyID: s.id, Description: s.description,
			Versions:         []PolicyVersion{{VersionID: s.version, Document: s.document, CreateDate: updated}},
			DefaultVersionID: s.version, CreateDate: created, UpdateDate: updated,
		}
		v := newPolicyView(p)
		if v.Err != nil {
			panic("iam: AWS managed policy " + s.name + " does not parse: " + v.Err.Error())
		}
		out[strings.ToLower(s.name)] = v
	}
	return out
}()

// IsAWSManagedARN reports whether arn is in the AWS managed policy
// namespace (arn:aws:iam::aws:policy/…), whether stsd has the policy or not.
func IsAWSManagedARN(arn string) bool { return strings.HasPrefix(arn, awsManagedPrefix) }

// AWSManagedPolicy returns the built-in AWS managed policy policyARN names: path
// "/" and a name matched ignoring case, as IAM finds policy names. The
// view and its policy are shared; they must not be modified.
func AWSManagedPolicy(policyARN string) (*PolicyView, bool) {
	a, ok := arn.Parse(policyARN)
	if !ok || a.Partition != arn.AWS || a.Account != AWSManagedAccount {
		return nil, false
	}
	path, name, ok := a.Entity("policy")
	if !ok || path != "/" {
		return nil, false
	}
	v, ok := awsManaged[strings.ToLower(name)]
	return v, ok
}

// AWSManagedPolicies returns the built-in AWS managed policies sorted by
// lower-cased name.
func AWSManagedPolicies() []*PolicyView {
	names := make([]string, 0, len(awsManaged))
	for n := range awsManaged {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*PolicyView, len(names))
	for i, n := range names {
		out[i] = awsManaged[n]
	}
	return out
}
