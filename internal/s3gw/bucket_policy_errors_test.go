package s3gw

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/store"
)

// TestBucketPolicyAnswers pins S3's answer to every reason the bucket
// policy operations return, byte for byte (the e2e tests check the same
// answers on the wire), and that the table answers exactly the
// bucket-policy reasons and the two any store write can return.
func TestBucketPolicyAnswers(t *testing.T) {
	const malformed = "MalformedPolicy"
	tests := []struct {
		err     iam.Error
		code    string
		status  int
		message string
	}{
		{iam.Error{Reason: iam.ReasonInvalidBucketName, Subject: "Photos"}, "InvalidBucketName", 400, "The specified bucket is not valid."},
		{iam.Error{Reason: iam.ReasonBucketPolicyNotFound, Subject: "photos"}, "NoSuchBucketPolicy", 404, "The bucket policy does not exist"},
		{iam.Error{Reason: iam.ReasonBucketPolicySize}, malformed, 400, "Policy exceeds the maximum allowed document size."},
		{iam.Error{Reason: iam.ReasonBucketPolicyNotObject}, malformed, 400, "Policies must be valid JSON and the first byte must be '{'"},
		{iam.Error{Reason: iam.ReasonBucketPolicyNotJSON}, malformed, 400, "This policy contains invalid Json"},
		{iam.Error{Reason: iam.ReasonBucketPolicyGrammar, Detail: "Missing required field Effect"}, malformed, 400, "Missing required field Effect"},
		{iam.Error{Reason: iam.ReasonBucketPolicyAction, Subject: "iam:CreateUser"}, malformed, 400, "Policy has invalid action"},
		{iam.Error{Reason: iam.ReasonBucketPolicyResource, Subject: "*"}, malformed, 400, "Policy has invalid resource"},
		{iam.Error{Reason: iam.ReasonBucketPolicyPrincipal, Subject: "AIDAJQABLZS4A3QDU576Q"}, malformed, 400, "Invalid principal in policy"},
		{iam.Error{Reason: iam.ReasonBucketPolicyConditionKey, Subject: "ec2:ResourceTag/team"}, malformed, 400, "Policy has an invalid condition key"},
		{iam.Error{Reason: iam.ReasonConcurrentChange}, "OperationAborted", http.StatusConflict,
			"A conflicting conditional operation is currently in progress against this resource. Try again."},
		{iam.Error{Reason: iam.ReasonStoreFailure, Cause: fmt.Errorf("etcd: %w", store.ErrUnavailable)},
			"InternalError", 500, "We encountered an internal error. Please try again."},
	}
	pinned := map[iam.Reason]bool{}
	for _, tc := range tests {
		e := s3Error(fmt.Errorf("wrapped: %w", &tc.err))
		if e.Code != tc.code || e.Status != tc.status || e.Message != tc.message {
			t.Errorf("%s = %s %d %q, want %s %d %q", tc.err.Reason, e.Code, e.Status, e.Message, tc.code, tc.status, tc.message)
		}
		if e.Cause != tc.err.Cause {
			t.Errorf("%s: cause %v, want the iam error's, %v", tc.err.Reason, e.Cause, tc.err.Cause)
		}
		pinned[tc.err.Reason] = true
	}
	// The store error stays reachable for errors.Is, as before the answer.
	if !errors.Is(s3Error(&iam.Error{Reason: iam.ReasonStoreFailure, Cause: store.ErrUnavailable}), store.ErrUnavailable) {
		t.Error("a store failure's answer lost its cause")
	}
	for r := iam.Reason(1); !strings.HasPrefix(r.String(), "reason "); r++ {
		_, answered := bucketPolicyAnswers[r]
		want := r.BucketPolicy() || r == iam.ReasonConcurrentChange || r == iam.ReasonStoreFailure
		if answered != want {
			t.Errorf("iam reason %s: in the table %v, want %v", r, answered, want)
		}
		if want && !pinned[r] {
			t.Errorf("iam reason %s has no example here", r)
		}
	}
	if len(pinned) != len(bucketPolicyAnswers) {
		t.Errorf("%d reasons pinned, %d in the table", len(pinned), len(bucketPolicyAnswers))
	}

	// A reason the table lacks is never guessed at: S3's InternalError.
	e := s3Error(&iam.Error{Reason: iam.ReasonRoleNotFound, Subject: "app"})
	if e.Code != "InternalError" || e.Status != 500 || e.Reason != "no_s3_answer_RoleNotFound" {
		t.Errorf("unanswered reason = %s %d %s", e.Code, e.Status, e.Reason)
	}
}

// TestBucketPolicyMessages pins S3's wording of each problem the policy
// grammar finds in a bucket policy, through real documents: the grammar's
// own text (internal/iam's TestBucketPolicyValidation pins it as the
// error's Detail) becomes S3's message where S3 has one, and stays as it is
// where it has none.
func TestBucketPolicyMessages(t *testing.T) {
	const (
		allow     = `"Effect":"Allow"`
		anyone    = `"Principal":"*"`
		getObject = `"Action":"s3:GetObject"`
		inBucket  = `"Resource":"arn:aws:s3:::photos/*"`
		badPrinc  = "Invalid principal in policy"
		badAction = "Policy has invalid action"
	)
	// doc is a 2012-10-17 policy of statements; stmt is one of members.
	doc := func(statements ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	}
	stmt := func(members ...string) string { return "{" + strings.Join(members, ",") + "}" }
	principal := func(p string) string { return doc(stmt(allow, `"Principal":`+p, getObject, inBucket)) }
	action := func(a string) string { return doc(stmt(allow, anyone, `"Action":`+a, inBucket)) }
	valid := stmt(allow, anyone, getObject, inBucket)
	for _, c := range []struct{ name, doc, message string }{
		{"no Statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"bad Version", `{"Version":"2020-01-01","Statement":[` + valid + `]}`, "The policy must contain a valid version string"},
		{"Version not a string", `{"Version":2012,"Statement":[` + valid + `]}`, "The policy must contain a valid version string"},
		{"unknown top-level field", `{"Version":"2012-10-17","Foo":1,"Statement":[` + valid + `]}`, "Unknown field Foo"},
		{"unknown statement field", doc(stmt(allow, anyone, getObject, inBucket, `"Bar":1`)), "Unknown field Bar"},
		{"bad effect", doc(stmt(`"Effect":"hello"`, anyone, getObject, inBucket)), "Invalid effect: hello"},
		{"no Effect", doc(stmt(anyone, getObject, inBucket)), "Missing required field Effect"},
		{"no Action", doc(stmt(allow, anyone, inBucket)), "Missing required field Action"},
		{"no Resource", doc(stmt(allow, anyone, getObject)), "Missing required field Resource"},
		{"no Principal", doc(stmt(allow, getObject, inBucket)), "Missing required field Principal"},
		{"duplicate Sid", doc(stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket), stmt(`"Sid":"a"`, allow, anyone, getObject, inBucket)),
			"Statement IDs (SID) in a single policy must be unique."},
		{"principal word", principal(`"bob"`), badPrinc},
		{"principal empty object", principal(`{}`), badPrinc},
		{"principal unknown type", principal(`{"Foo":"x"}`), badPrinc},
		{"principal number", principal(`1`), badPrinc},
		{"principal empty list", principal(`{"AWS":[]}`), badPrinc},
		{"principal wildcard role", principal(`{"AWS":"arn:aws:iam::123456789012:role/*"}`), badPrinc},
		{"principal short account", principal(`{"AWS":"12345678901"}`), badPrinc},
		{"Principal and NotPrincipal", doc(stmt(allow, anyone, `"NotPrincipal":{"AWS":"123456789012"}`, getObject, inBucket)), badPrinc},
		{"action without vendor", action(`"invalid_action"`), badAction},
		{"action two colons", action(`"s3:Get:Object"`), badAction},
		{"vendor wildcard", action(`"s*:GetObject"`), badAction},
		{"empty action name", action(`"s3:"`), badAction},
		{"empty action list", action(`[]`), badAction},
		{"Action and NotAction", doc(stmt(allow, anyone, getObject, `"NotAction":"s3:PutObject"`, inBucket)), badAction},
		{"resource not an ARN", doc(stmt(allow, anyone, getObject, `"Resource":"photos/*"`)), "Policy has invalid resource"},
		{"Resource and NotResource", doc(stmt(allow, anyone, getObject, inBucket, `"NotResource":"arn:aws:s3:::photos"`)), "Policy has invalid resource"},
		{"empty condition key", doc(stmt(allow, anyone, getObject, inBucket, `"Condition":{"StringEquals":{"":"a"}}`)), "Policy has an invalid condition key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := iam.ParseBucketPolicy("photos", c.doc)
			var ie *iam.Error
			if !errors.As(err, &ie) || ie.Reason != iam.ReasonBucketPolicyGrammar {
				t.Fatalf("ParseBucketPolicy = %v, want a problem of the grammar", err)
			}
			if e := s3Error(err); e.Code != "MalformedPolicy" || e.Status != 400 || e.Message != c.message {
				t.Errorf("%q = %s %d %q, want MalformedPolicy 400 %q", ie.Detail, e.Code, e.Status, e.Message, c.message)
			}
		})
	}

	// The grammar's problems that the checks before it leave no document
	// to reach (size, JSON, first byte) are worded as those checks'.
	for detail, want := range map[string]string{
		"Policy document is 131073 bytes; the limit is 131072":                           msgTooLarge,
		"The policy is not in the valid JSON format: unexpected end at line 1, column 2": msgInvalidJSON,
		"The policy must be a JSON object, not array":                                    msgFirstByte,
	} {
		if got := s3Error(&iam.Error{Reason: iam.ReasonBucketPolicyGrammar, Detail: detail}).Message; got != want {
			t.Errorf("%q = %q, want %q", detail, got, want)
		}
	}
}
