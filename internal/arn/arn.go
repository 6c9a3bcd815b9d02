// Package arn parses Amazon Resource Names: the one place stsd splits an
// ARN into its fields.
//
// An ARN is arn:partition:service:region:account-id:resource (IAM User
// Guide, "Identify AWS resources with Amazon Resource Names (ARNs)",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
// six fields separated by colons, of which the last, the resource, may hold
// colons itself ("resource-type:resource-id"). "The ARNs for some resources
// omit the Region, the account ID, or both" (arn:aws:s3:::bucket), so Parse
// accepts empty fields; it judges the form only, and String gives back
// exactly the string Parse read. What a field must hold is the caller's
// rule, named where it is checked: the IAM and STS resource types stsd
// serves have the helpers Entity, OIDCProvider, AssumedRole and IsRoot
// (their forms are those of the IAM User Guide, "IAM identifiers",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
//
// Partitions. "A partition is a group of AWS Regions. Each AWS account is
// scoped to one partition"; AWS lists aws, aws-cn and aws-us-gov (the ARN
// reference above). stsd is one partition, "aws" (AWS): every ARN it
// builds, every entity it stores and every session it issues is in it.
// Hence:
//
//   - Parse accepts any partition. A policy may name resources and
//     principals of any partition and matches them as written, so a policy
//     naming arn:aws-cn:… simply never matches a stsd caller.
//   - An ARN that must name one of stsd's own entities (a role, user,
//     group, managed policy or provider; iam.ParseEntityARN) must be in
//     AWS; in any other partition it names nothing stsd has, and each API
//     answers as it does for any entity that does not exist.
//   - STS's RoleArn parameter is stricter about the form: an ARN whose
//     partition is not one AWS documents (IsPartition), or whose partition,
//     service or resource is empty, is a ValidationError "<arn> is
//     invalid", as AWS answers; a documented partition other than AWS is
//     a role that does not exist (AccessDenied).
package arn

import "strings"

// AWS is the partition of every ARN stsd builds and every entity it
// stores.
const AWS = "aws"

// ARN is a parsed ARN. Its fields are substrings of the parsed string;
// String joins them again.
type ARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	Service   string // "iam", "sts", "s3", …
	Region    string // empty for IAM and STS, whose resources are global
	Account   string // the 12-digit account ID, "aws" for AWS managed policies, or empty (S3 buckets)
	Resource  string // "role/path/name", "bucket/key", …; may contain colons
}

// Parse splits s into the six fields of an ARN. ok is false when s does not
// start with "arn:" or has fewer than five colons; every field may be empty
// (see the package comment for what each caller requires of them).
func Parse(s string) (a ARN, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, false
	}
	var c [4]int // the colons after partition, service, region and account
	n := 0
	for i := len("arn:"); i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		c[n] = i
		if n++; n == len(c) {
			return ARN{Partition: s[4:c[0]], Service: s[c[0]+1 : c[1]], Region: s[c[1]+1 : c[2]],
				Account: s[c[2]+1 : c[3]], Resource: s[c[3]+1:]}, true
		}
	}
	return ARN{}, false
}

// String is the ARN as a string: for a parsed ARN, the string Parse read.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsPartition reports whether p is a partition AWS documents: aws, aws-cn
// or aws-us-gov ("The following are the supported partitions", the ARN
// reference in the package comment).
func IsPartition(p string) bool {
	switch p {
	case "aws", "aws-cn", "aws-us-gov":
		return true
	}
	return false
}

// global reports whether a is an ARN of the global service svc: IAM and
// STS ARNs have no region (arn:aws:iam::123456789012:user/Bob).
func (a ARN) global(svc string) bool { return a.Service == svc && a.Region == "" }

// Entity splits an IAM entity's ARN,
// arn:<partition>:iam::<account>:<typ>/<path><name>, where typ is "role",
// "user", "group" or "policy" ("user/division_abc/subdivision_xyz/Bob" in
// IAM identifiers). path is "/" or "/a/b/", name the last segment; ok is
// false for another service or type, a region, or an empty name. Partition
// and account are the caller's to check.
func (a ARN) Entity(typ string) (path, name string, ok bool) {
	if !a.global("iam") {
		return "", "", false
	}
	rest, found := strings.CutPrefix(a.Resource, typ)
	if !found || !strings.HasPrefix(rest, "/") {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	path, name = rest[:i+1], rest[i+1:]
	if name == "" {
		return "", "", false
	}
	return path, name, true
}

// OIDCProvider returns the provider of an OpenID Connect provider's ARN,
// arn:<partition>:iam::<account>:oidc-provider/<host and path>, the
// provider's URL without its scheme; ok is false for any other ARN or an
// empty provider.
func (a ARN) OIDCProvider() (hostPath string, ok bool) {
	if !a.global("iam") {
		return "", false
	}
	hostPath, ok = strings.CutPrefix(a.Resource, "oidc-provider/")
	if !ok || hostPath == "" {
		return "", false
	}
	return hostPath, true
}

// AssumedRole splits a role session's ARN,
// arn:<partition>:sts::<account>:assumed-role/<role>/<session>: role is
// the role's name (the ARN does not carry its path), session everything
// after the next '/'. ok is false for any other ARN or an empty role name;
// the session is not checked.
func (a ARN) AssumedRole() (role, session string, ok bool) {
	if !a.global("sts") {
		return "", "", false
	}
	rest, found := strings.CutPrefix(a.Resource, "assumed-role/")
	if !found {
		return "", "", false
	}
	role, session, found = strings.Cut(rest, "/")
	if !found || role == "" {
		return "", "", false
	}
	return role, session, true
}

// IsRoot reports whether a is an account's root user,
// arn:<partition>:iam::<account>:root.
func (a ARN) IsRoot() bool { return a.global("iam") && a.Resource == "root" }
