package s3gw

import (
	"errors"
	"net/http"
	"strings"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/iam"
)

// The bucket policy operations' errors come from package iam in domain
// terms (an *iam.Error with a bucket-policy reason, iam.Reason.BucketPolicy,
// or ReasonConcurrentChange or ReasonStoreFailure); this file is where they
// become S3's answers: one table from reason to S3's code, status and
// message, and the wording of the policy grammar's problems as S3 words
// them (docs/s3-gateway.md, "Bucket policies").

// The messages S3 answers MalformedPolicy with. AWS documents none of them;
// each is taken from real S3 answers that users captured, or, where no
// capture exists, from an S3-compatible server's record of S3's answer, as
// noted. Problems with no S3 source at all keep the policy grammar's IAM
// wording (see bucketPolicyMessage).
const (
	// Captured from S3: aws-samples/aws-serverless-appsync-app#4,
	// hashicorp/terraform#23570 (a Resource outside the bucket);
	// noobaa/noobaa-core#10058 (Resource "*").
	msgInvalidResource = "Policy has invalid resource"
	// Captured from S3: cloud-custodian/cloud-custodian#4948 and AWS
	// re:Post "Invalid principal in policy" (a principal of the wrong form
	// or one that does not exist).
	msgInvalidPrincipal = "Invalid principal in policy"
	// Captured from S3: docker/docs#6361, jschneier/django-storages#876.
	msgMissingPrincipal = "Missing required field Principal"
	// Captured from S3: aws/aws-cli#2779, cloud-gov/terraform-provision#574
	// (a document that does not begin with '{').
	msgFirstByte = "Policies must be valid JSON and the first byte must be '{'"
	// Captured from an S3-compatible store (scaleway/docs-content#6084) and
	// recorded by versitygw as S3's answer to invalid JSON.
	msgInvalidJSON = "This policy contains invalid Json"
	// Recorded by versitygw as S3's answers (versity/versitygw#650, #646,
	// #1176, and its policy error table).
	msgInvalidAction    = "Policy has invalid action"
	msgEmptyStatement   = "Could not parse the policy: Statement is empty!"
	msgMissingStatement = "Missing required field Statement"
	msgInvalidVersion   = "The policy must contain a valid version string"
	// A condition key no S3 action carries: no capture of S3's answer
	// was found; the text takes the form of S3's answers above ("Policy
	// has invalid …"), under the same MalformedPolicy code.
	msgInvalidConditionKey = "Policy has an invalid condition key"
	// No capture of S3's answer to a policy over 20 KB was found; this is
	// the text S3-compatible servers (MinIO and others) give for it, under
	// MalformedPolicy, the code S3 uses for every fault of a policy.
	msgTooLarge = "Policy exceeds the maximum allowed document size."
)

// malformedPolicy is S3's 400 MalformedPolicy, its code for every fault of
// a policy, with S3's message for the fault.
func malformedPolicy(message, reason string) *awserr.Error {
	return awsErr("MalformedPolicy", http.StatusBadRequest, message, reason)
}

// bucketPolicyAnswers is S3's answer to each reason the bucket policy
// operations return, with the internal reason the gateway's log names. The
// answer to iam.ReasonBucketPolicyGrammar takes its message from the
// error's Detail (bucketPolicyMessage). Its test pins every entry and
// fails for a bucket-policy reason without one.
var bucketPolicyAnswers = map[iam.Reason]*awserr.Error{
	iam.ReasonInvalidBucketName: errInvalidBucketName(),
	// S3 sends "The bucket policy does not exist"; its error table
	// describes the code as "The specified bucket does not have a bucket
	// policy.".
	iam.ReasonBucketPolicyNotFound: awsErr("NoSuchBucketPolicy", http.StatusNotFound,
		"The bucket policy does not exist", "no_such_bucket_policy"),
	iam.ReasonBucketPolicySize:         malformedPolicy(msgTooLarge, "bucket_policy_size"),
	iam.ReasonBucketPolicyNotObject:    malformedPolicy(msgFirstByte, "bucket_policy_first_byte"),
	iam.ReasonBucketPolicyNotJSON:      malformedPolicy(msgInvalidJSON, "bucket_policy_json"),
	iam.ReasonBucketPolicyGrammar:      malformedPolicy("", "bucket_policy_grammar"),
	iam.ReasonBucketPolicyAction:       malformedPolicy(msgInvalidAction, "bucket_policy_action"),
	iam.ReasonBucketPolicyResource:     malformedPolicy(msgInvalidResource, "bucket_policy_resource"),
	iam.ReasonBucketPolicyPrincipal:    malformedPolicy(msgInvalidPrincipal, "bucket_policy_principal"),
	iam.ReasonBucketPolicyConditionKey: malformedPolicy(msgInvalidConditionKey, "bucket_policy_condition_key"),
	// A put that lost every compare-and-swap round to concurrent writers:
	// S3 "OperationAborted — A conflicting conditional operation is
	// currently in progress against this resource. Try again. 409
	// Conflict".
	iam.ReasonConcurrentChange: awsErr("OperationAborted", http.StatusConflict,
		"A conflicting conditional operation is currently in progress against this resource. Try again.", "concurrent_change"),
	iam.ReasonStoreFailure: errInternal("store", nil),
}

// s3Error is err as S3 answers it: an *iam.Error in its chain by
// bucketPolicyAnswers, with the iam error's cause kept (for the log and
// errors.Is); any other error as awserr.As makes it. A reason the table
// lacks is a programming error its test catches; should one reach a
// client, it is S3's InternalError, never a guess.
func s3Error(err error) *awserr.Error {
	var e *iam.Error
	if !errors.As(err, &e) {
		return awserr.As(err)
	}
	a, ok := bucketPolicyAnswers[e.Reason]
	if !ok {
		return errInternal("no_s3_answer_"+e.Reason.String(), e)
	}
	out := a.WithReason(a.Reason, e.Cause)
	if e.Reason == iam.ReasonBucketPolicyGrammar {
		out.Message = bucketPolicyMessage(e.Detail)
	}
	return out
}

// bucketPolicyMessage words one problem of the policy grammar (as
// internal/policy words it, for IAM) as S3 does; a problem S3 has no known
// text for keeps the grammar's wording. TestBucketPolicyMessages pins each
// mapping through real documents.
func bucketPolicyMessage(m string) string {
	has := func(p string) bool { return strings.HasPrefix(m, p) }
	switch {
	case has("Policy document is"):
		return msgTooLarge
	case has("The policy is not in the valid JSON format"):
		return msgInvalidJSON
	case has("The policy must be a JSON object"):
		return msgFirstByte
	case has("Version must be"), has("Invalid Version"):
		return msgInvalidVersion
	case has("Missing required field Statement"):
		return msgMissingStatement
	case has("Statement must contain at least one statement"):
		return msgEmptyStatement
	case has("Missing required field Principal"):
		return msgMissingPrincipal
	case has("Invalid effect: "):
		// "Invalid effect: hello" (versitygw#647 records S3's answer).
		v, _, _ := strings.Cut(strings.TrimPrefix(m, "Invalid effect: "), ". Effect must be")
		return "Invalid effect: " + v
	case has("Invalid principal in policy"), has("Principal"), has("NotPrincipal"),
		m == "Statement cannot contain both Principal and NotPrincipal":
		return msgInvalidPrincipal
	case has("Actions/Condition"), has("Action "), has("NotAction "),
		m == "Statement cannot contain both Action and NotAction":
		return msgInvalidAction
	case m == "Policy statement must contain actions.":
		// S3's pattern for a missing element ("Missing required field
		// Principal", "… Statement"); no capture for Action itself.
		return "Missing required field Action"
	case m == "Policy statement must contain resources.":
		return "Missing required field Resource"
	case has("Resource "), has("NotResource "),
		m == "Statement cannot contain both Resource and NotResource":
		return msgInvalidResource
	case has("Condition key"):
		return msgInvalidConditionKey
	}
	return m
}
