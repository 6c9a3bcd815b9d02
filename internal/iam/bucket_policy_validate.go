package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/strictjson"
)

// MaxBucketPolicyBytes is S3's bucket policy size limit, 20 KB ("Bucket
// policies are limited to 20 KB in size": S3 User Guide, "Adding a bucket
// policy by using the Amazon S3 console"; "The maximum size of a policy is
// 20 KB": S3 Developer Guide, "Special Information for Amazon S3
// Policies"). S3 measures the document with the whitespace between tokens
// removed (users found 20,480 bytes to be the bound after removing
// unnecessary whitespace: MIT-LCP/physionet-build#2094), so stsd does too.
const MaxBucketPolicyBytes = 20480

// ParseBucketPolicy parses doc as S3 parses a policy for bucket and returns
// it; errors are KindMalformedPolicy *Error values, one reason a rule,
// which the S3 gateway answers with S3's message (internal/s3gw). The
// rules, in the order they are checked:
//
//  1. At most MaxBucketPolicyBytes once compacted (and at most
//     policy.MaxDocumentBytes as sent, so compacting is bounded too);
//     else ReasonBucketPolicySize.
//  2. JSON: the first byte after any leading whitespace must be '{'
//     (else ReasonBucketPolicyNotObject); the document must be strict
//     JSON — RFC 8259, valid UTF-8, no duplicate member names at any
//     depth, at most policy.MaxJSONDepth levels — else
//     ReasonBucketPolicyNotJSON. A duplicate name is refused because S3
//     and stsd could each keep a different one ("Effect" twice):
//     rejecting is the only reading both agree on.
//  3. The policy grammar for a resource-based policy
//     (policy.ParseAs with policy.KindResource: Effect, Action or
//     NotAction, Resource or NotResource, Principal or NotPrincipal in
//     every statement); else ReasonBucketPolicyGrammar with the first
//     problem, which the gateway words as S3 does.
//  4. Every Action and NotAction is "*" or an s3: action ("s3:GetObject",
//     "s3:Get*", vendor in any case): a bucket policy applies to S3 only
//     (S3 User Guide, "Policy actions for Amazon S3"); else
//     ReasonBucketPolicyAction.
//  5. Every Resource and NotResource is the bucket, arn:aws:s3:::BUCKET,
//     or within it, arn:aws:s3:::BUCKET/...: "Each policy must cover only a
//     single bucket and resources within that bucket" (S3 Developer Guide,
//     "Special Information for Amazon S3 Policies"); S3 refuses "*" and
//     other buckets (ReasonBucketPolicyResource). The bucket part is compared
//     literally: "arn:aws:s3:::*", "arn:aws:s3:::BUCKET*" and a policy
//     variable in place of the bucket are refused even where they could
//     match the bucket, since they name other buckets too.
//  6. Every AWS principal is "*", a 12-digit account, an account root
//     (arn:aws:iam::ACCT:root), an IAM user or role ARN, or an assumed-role
//     session ARN (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION), the forms
//     the IAM User Guide lists for a resource-based policy ("AWS JSON policy
//     elements: Principal"); else ReasonBucketPolicyPrincipal. Unique IDs (AIDA…,
//     AROA…), which S3 accepts for principals that exist, are refused:
//     stsd matches principals by ARN only, so one could never match.
//     Service, Federated and CanonicalUser principals are kept as the
//     grammar accepts them; they match no caller of the S3 gateway.
//  7. Every condition key is a global aws: key or an s3: key (S3 User
//     Guide, "Condition key examples"; Service Authorization Reference for
//     Amazon S3), else ReasonBucketPolicyConditionKey.
//
// Allow with NotPrincipal is accepted, as S3 accepts it (the IAM User Guide
// advises against it); the engine gives it AWS's meaning.
func ParseBucketPolicy(bucket, doc string) (*policy.Policy, error) {
	p, _, err := parseBucketPolicy(bucket, doc)
	return p, err
}

// checkBucketPolicy validates doc and returns its compact form to store.
func checkBucketPolicy(bucket, doc string) (string, error) {
	_, compact, err := parseBucketPolicy(bucket, doc)
	return compact, err
}

func parseBucketPolicy(bucket, doc string) (*policy.Policy, string, error) {
	raw := []byte(doc)
	if len(raw) > policy.MaxDocumentBytes {
		return nil, "", &Error{Reason: ReasonBucketPolicySize}
	}
	if first := bytes.TrimLeft(raw, " \t\r\n"); len(first) == 0 || first[0] != '{' {
		return nil, "", &Error{Reason: ReasonBucketPolicyNotObject}
	}
	tree, err := strictjson.DecodeObject(raw, strictjson.Limits{MaxDepth: policy.MaxJSONDepth, MaxBytes: policy.MaxDocumentBytes})
	if err != nil {
		return nil, "", &Error{Reason: ReasonBucketPolicyNotJSON, Cause: err}
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, "", &Error{Reason: ReasonBucketPolicyNotJSON, Cause: err}
	}
	if buf.Len() > MaxBucketPolicyBytes {
		return nil, "", &Error{Reason: ReasonBucketPolicySize}
	}
	p, err := policy.ParseAs(buf.Bytes(), policy.KindResource)
	if err != nil {
		return nil, "", malformedBucketPolicy(err)
	}
	if err := checkBucketStatements(bucket, p); err != nil {
		return nil, "", err
	}
	if err := checkBucketPrincipals(tree); err != nil {
		return nil, "", err
	}
	return p, buf.String(), nil
}

// malformedBucketPolicy reports the first problem the policy grammar found
// (ReasonBucketPolicyGrammar); the grammar's full report stays in the
// cause.
func malformedBucketPolicy(err error) error {
	var pe *policy.ParseError
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		return &Error{Reason: ReasonBucketPolicyNotJSON, Cause: err}
	}
	return &Error{Reason: ReasonBucketPolicyGrammar, Detail: pe.Problems[0].Message, Cause: err}
}

// s3ARNPrefix starts every S3 bucket and object ARN.
const s3ARNPrefix = "arn:aws:s3:::"

// checkBucketStatements applies rules 4, 5 and 7 of ParseBucketPolicy.
func checkBucketStatements(bucket string, p *policy.Policy) error {
	bucketARN := s3ARNPrefix + bucket
	for _, st := range p.Statements {
		for _, a := range st.Actions() {
			if !isS3Action(a) {
				return &Error{Reason: ReasonBucketPolicyAction, Subject: a}
			}
		}
		for _, r := range st.Resources() {
			if r != bucketARN && !strings.HasPrefix(r, bucketARN+"/") {
				return &Error{Reason: ReasonBucketPolicyResource, Subject: r}
			}
		}
		for _, c := range st.Conditions() {
			if !isBucketConditionKey(c.Key) {
				return &Error{Reason: ReasonBucketPolicyConditionKey, Subject: c.Key}
			}
		}
	}
	return nil
}

// isS3Action reports whether an Action value names S3 actions: "*", or
// "s3:" (any case) and a name of letters, digits and wildcards.
func isS3Action(a string) bool {
	if a == "*" {
		return true
	}
	vendor, name, ok := strings.Cut(a, ":")
	if !ok || !strings.EqualFold(vendor, "s3") || name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

func isBucketConditionKey(k string) bool {
	vendor, name, ok := strings.Cut(k, ":")
	return ok && name != "" && (strings.EqualFold(vendor, "aws") || strings.EqualFold(vendor, "s3"))
}

// checkBucketPrincipals applies rule 6 to the decoded document, whose shape
// the grammar has already checked (statements are objects; Principal is "*"
// or an object of strings or string arrays).
func checkBucketPrincipals(tree map[string]any) error {
	var stmts []any
	switch s := tree["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	for _, s := range stmts {
		stmt, _ := s.(map[string]any)
		for _, el := range []string{"Principal", "NotPrincipal"} {
			pr, ok := stmt[el].(map[string]any)
			if !ok {
				continue
			}
			var values []any
			switch v := pr["AWS"].(type) {
			case string:
				values = []any{v}
			case []any:
				values = v
			}
			for _, v := range values {
				if s, _ := v.(string); !validAWSPrincipal(s) {
					return &Error{Reason: ReasonBucketPolicyPrincipal, Subject: s}
				}
			}
		}
	}
	return nil
}

// validAWSPrincipal reports whether v is a form of AWS principal rule 6
// accepts: "*", an account ID, or the ARN of an account's root, a user, a
// role or a role session of stsd's partition (arn.AWS).
func validAWSPrincipal(v string) bool {
	if v == "*" || IsAccountID(v) {
		return true
	}
	a, ok := arn.Parse(v)
	if !ok || a.Partition != arn.AWS || !IsAccountID(a.Account) {
		return false
	}
	if _, _, ok := a.Entity("user"); ok || a.IsRoot() {
		return true
	}
	if _, _, ok := a.Entity("role"); ok {
		return true
	}
	_, session, ok := a.AssumedRole()
	return ok && session != "" && !strings.Contains(session, "/")
}

// ValidBucketName applies S3's naming rules for general purpose buckets
// (S3 User Guide, "General purpose bucket naming rules"):
//   - 3 to 63 characters long;
//   - only lowercase letters, numbers, periods (.) and hyphens (-);
//   - begin and end with a letter or number;
//   - no two adjacent periods;
//   - not formatted as an IP address (192.168.5.4);
//   - not starting with the reserved prefixes xn--, sthree-, amzn-s3-demo-;
//   - not ending with the reserved suffixes -s3alias (access point
//     aliases), --ol-s3 (Object Lambda aliases), .mrap (Multi-Region
//     Access Points), --x-s3 (directory buckets), --table-s3 (table
//     buckets).
//
// The reserved names address things other than a general purpose bucket
// on AWS, which the gateway does not implement, so they are refused on
// every request, not only on CreateBucket. Legacy us-east-1 names (upper
// case, underscores, up to 255 characters) are refused too. A valid name
// holds no '/', so it is safe as the last segment of a store key. The S3
// gateway and the bucket-policy store both apply this one rule.
func ValidBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	if !alnum(b[0]) || !alnum(b[len(b)-1]) || strings.Contains(b, "..") || ipFormatted(b) {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(b, p) {
			return false
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(b, s) {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ipFormatted reports whether b looks like a dotted-quad IPv4 address
// (four all-digit labels), leading zeros included.
func ipFormatted(b string) bool {
	parts := strings.Split(b, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}
