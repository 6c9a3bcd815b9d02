package sts_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
)

// Trust-policy conditions on AssumeRole's request keys, sts:TagSession and
// sts:SetSourceIdentity as separate actions, and how tags and the source
// identity travel down a role chain.
func TestAssumeRoleConditionsAndChainedTags(t *testing.T) {
	n := newNode(t)
	alice := n.user("alice", nil)
	me := quote(userARN("alice"))
	trust := func(statements ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	}
	stmt := func(principal, action, condition string) string {
		s := `{"Effect":"Allow","Principal":{"AWS":` + principal + `},"Action":"` + action + `"`
		if condition != "" {
			s += `,"Condition":` + condition
		}
		return s + "}"
	}
	extID := n.roleTrusting("", "ext", trust(stmt(me, "sts:AssumeRole", `{"StringEquals":{"sts:ExternalId":"Example987"}}`)), nil, nil)
	named := n.roleTrusting("", "named", trust(stmt(me, "sts:AssumeRole", `{"StringLike":{"sts:RoleSessionName":"${aws:username}-*"}}`)), nil, nil)
	tagged := n.roleTrusting("", "tagged", trust(
		stmt(me, "sts:AssumeRole", `{"StringEquals":{"aws:PrincipalArn":"`+userARN("alice")+`"}}`),
		stmt(me, "sts:TagSession", `{"StringEquals":{"aws:RequestTag/Department":["Engineering","Marketing"]},"ForAllValues:StringEquals":{"sts:TransitiveTagKeys":["Project","Department"],"aws:TagKeys":["Project","Department","CostCenter"]}}`),
		stmt(me, "sts:SetSourceIdentity", `{"StringEquals":{"sts:SourceIdentity":"alice"}}`)), nil, map[string]string{"all": allowAll})
	untagged := n.roleTrusting("", "untagged", trust(stmt(me, "sts:AssumeRole", "")), nil, nil)
	denied := func(action, role string) string {
		return "User: " + userARN("alice") + " is not authorized to perform: " + action + " on resource: " + role
	}

	t.Run("sts:ExternalId", func(t *testing.T) {
		in := arIn(extID, "s1")
		_, err := n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:AssumeRole", extID))
		in.ExternalId = aws.String("example987")
		_, err = n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:AssumeRole", extID))
		in.ExternalId = aws.String("Example987")
		if _, err := n.assumeRole(alice, in); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("sts:RoleSessionName with a policy variable", func(t *testing.T) {
		if _, err := n.assumeRole(alice, arIn(named, "alice-1")); err != nil {
			t.Fatal(err)
		}
		_, err := n.assumeRole(alice, arIn(named, "bob-1"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:AssumeRole", named))
	})
	t.Run("tags need sts:TagSession", func(t *testing.T) {
		in := arIn(untagged, "s1")
		in.Tags = tags("Project", "Automation")
		_, err := n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:TagSession", untagged))
		in = arIn(tagged, "s1")
		in.Tags = tags("Project", "A", "Department", "Sales")
		_, err = n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:TagSession", tagged))
		in.Tags = tags("Project", "A", "Department", "Engineering", "Extra", "x")
		_, err = n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:TagSession", tagged))
		in.Tags, in.TransitiveTagKeys = tags("Project", "A", "Department", "Engineering", "CostCenter", "1"), []string{"CostCenter"}
		_, err = n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:TagSession", tagged))
	})
	t.Run("a source identity needs sts:SetSourceIdentity", func(t *testing.T) {
		in := arIn(untagged, "s1")
		in.SourceIdentity = aws.String("alice")
		_, err := n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:SetSourceIdentity", untagged))
		in = arIn(tagged, "s1")
		in.SourceIdentity = aws.String("mallory")
		_, err = n.assumeRole(alice, in)
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied("sts:SetSourceIdentity", tagged))
	})

	// The chain: alice → tagged (tags, two transitive, source identity) →
	// next → last. Transitive tags and the source identity travel and are
	// visible to the next trust policy; they cannot be overridden.
	first := arIn(tagged, "first")
	first.Tags = tags("Project", "Automation", "Department", "Engineering", "CostCenter", "12345")
	first.TransitiveTagKeys = []string{"Project", "Department"}
	first.SourceIdentity = aws.String("alice")
	out, err := n.assumeRole(alice, first)
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 PackedPolicySize is deprecated in the SDK but still on the wire (sts-contract §3.1)
	packed := out.PackedPolicySize
	if out.SourceIdentity == nil || *out.SourceIdentity != "alice" || packed == nil || *packed < 1 ||
		out.SessionTokenUtilization == nil || *packed != *out.SessionTokenUtilization || out.SessionTokenSize == nil {
		t.Fatalf("SourceIdentity %v, PackedPolicySize %v", out.SourceIdentity, packed)
	}
	s1 := staticCreds(out.Credentials)
	taggedRole := quote(tagged)
	next := n.roleTrusting("", "next", trust(
		stmt(taggedRole, "sts:AssumeRole", `{"StringEquals":{"aws:SourceIdentity":"alice","aws:PrincipalTag/Project":"Automation"}}`),
		stmt(taggedRole, "sts:TagSession", `{"ForAllValues:StringEquals":{"aws:TagKeys":["Project","Department","Stage"]}}`),
		stmt(taggedRole, "sts:SetSourceIdentity", "")), nil, map[string]string{"all": allowAll})
	noTagSession := n.roleTrusting("", "no-tag-session", trust(stmt(taggedRole, "sts:AssumeRole", ""), stmt(taggedRole, "sts:SetSourceIdentity", "")), nil, nil)
	noSetSource := n.roleTrusting("", "no-set-source", trust(stmt(taggedRole, "sts:AssumeRole", ""), stmt(taggedRole, "sts:TagSession", "")), nil, nil)
	chainedDenied := func(action, role string) string {
		return "User: arn:aws:sts::" + account + ":assumed-role/tagged/first is not authorized to perform: " + action + " on resource: " + role
	}

	t.Run("inherited transitive tags need sts:TagSession", func(t *testing.T) {
		_, err := n.assumeRole(s1, arIn(noTagSession, "s2"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, chainedDenied("sts:TagSession", noTagSession))
	})
	t.Run("an inherited source identity needs sts:SetSourceIdentity", func(t *testing.T) {
		_, err := n.assumeRole(s1, arIn(noSetSource, "s2"))
		wantAPIError(t, err, "AccessDenied", http.StatusForbidden, chainedDenied("sts:SetSourceIdentity", noSetSource))
	})
	t.Run("an inherited transitive tag cannot be overridden", func(t *testing.T) {
		for _, key := range []string{"Project", "project"} {
			in := arIn(next, "s2")
			in.Tags = tags(key, "Other")
			_, err := n.assumeRole(s1, in)
			wantAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest,
				"One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
		}
	})
	t.Run("the source identity cannot change", func(t *testing.T) {
		in := arIn(next, "s2")
		in.SourceIdentity = aws.String("bob")
		_, err := n.assumeRole(s1, in)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest, "The source identity is already set for this assume role session")
		in.SourceIdentity = aws.String("alice")
		if _, err := n.assumeRole(s1, in); err != nil {
			t.Errorf("the same source identity again: %v", err)
		}
	})
	in := arIn(next, "second")
	in.Tags, in.TransitiveTagKeys = tags("Stage", "prod"), []string{"Stage"}
	out2, err := n.assumeRole(s1, in)
	if err != nil {
		t.Fatal(err)
	}
	if out2.SourceIdentity == nil || *out2.SourceIdentity != "alice" {
		t.Errorf("the chained session's SourceIdentity is %v", out2.SourceIdentity)
	}
	s2 := staticCreds(out2.Credentials)
	sess := n.sessionCaller(s2).Session
	got := map[string]string{}
	for _, tag := range sess.Tags {
		got[tag.Key] = tag.Value
	}
	if len(got) != 3 || got["Project"] != "Automation" || got["Department"] != "Engineering" || got["Stage"] != "prod" ||
		len(sess.TransitiveTagKeys) != 3 || sess.SourceIdentity != "alice" {
		t.Errorf("the chained session carries tags %v, transitive %v, source identity %q (CostCenter was not transitive)", got, sess.TransitiveTagKeys, sess.SourceIdentity)
	}
	last := n.roleTrusting("", "last", trust(
		stmt(quote(next), "sts:AssumeRole", `{"StringEquals":{"aws:PrincipalTag/Stage":"prod","aws:PrincipalTag/Department":"Engineering","sts:SourceIdentity":"alice"}}`),
		stmt(quote(next), "sts:TagSession", ""), stmt(quote(next), "sts:SetSourceIdentity", "")), nil, nil)
	if _, err := n.assumeRole(s2, arIn(last, "third")); err != nil {
		t.Errorf("the third link: %v", err)
	}
}

// Every rejection of a malformed request, with AWS's code, status and
// message, sent raw so that no SDK check stands in the way.
func TestAssumeRoleRejections(t *testing.T) {
	n := newNode(t)
	alice := n.user("alice", nil)
	role := n.roleTrusting("", "r", trustAWS(quote(userARN("alice")), []string{"sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"}, ""), nil, nil)
	base := func(kv ...string) url.Values {
		v := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {role}, "RoleSessionName": {"s1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "<absent>" {
				v.Del(kv[i])
				continue
			}
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	const vd = "1 validation error detected: "
	long := strings.Repeat("a", 65)
	for _, tc := range []struct {
		name           string
		params         url.Values
		code           string
		status         int
		message        string
		messageHasOnly bool
	}{
		{"no RoleArn", base("RoleArn", "<absent>"), "ValidationError", 400, vd + "Value null at 'roleArn' failed to satisfy constraint: Member must not be null", false},
		{"no RoleSessionName", base("RoleSessionName", "<absent>"), "ValidationError", 400, vd + "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null", false},
		{"session name pattern", base("RoleSessionName", "a:b"), "ValidationError", 400, vd + "Value 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", false},
		{"session name too long", base("RoleSessionName", long), "ValidationError", 400, vd + "Value '" + long + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64", false},
		{"duration too short", base("DurationSeconds", "899"), "ValidationError", 400, vd + "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", false},
		{"duration too long", base("DurationSeconds", "43201"), "ValidationError", 400, vd + "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", false},
		{"duration over the role's maximum", base("DurationSeconds", "3601"), "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", false},
		{"external id too short", base("ExternalId", "a"), "ValidationError", 400, vd + "Value 'a' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2", false},
		{"external id pattern", base("ExternalId", "a b"), "ValidationError", 400, vd + "Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*", false},
		{"source identity pattern", base("SourceIdentity", "al ice"), "ValidationError", 400, vd + "Value 'al ice' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", false},
		{"source identity aws:", base("SourceIdentity", "aws:x"), "ValidationError", 400, vd + "Value 'aws:x' at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", false},
		{"token code pattern", base("SerialNumber", "arn:aws:iam::"+account+":mfa/alice", "TokenCode", "12345a"), "ValidationError", 400, vd + "Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*", false},
		{"tag key pattern", base("Tags.member.1.Key", "a*b", "Tags.member.1.Value", "v"), "ValidationError", 400, vd + "Value 'a*b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", false},
		{"tag without a value", base("Tags.member.1.Key", "k"), "ValidationError", 400, vd + "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null", false},
		{"duplicate tag keys", base("Tags.member.1.Key", "Project", "Tags.member.1.Value", "a", "Tags.member.2.Key", "project", "Tags.member.2.Value", "b"), "InvalidParameterValue", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.", false},
		{"transitive key not a tag", base("Tags.member.1.Key", "Project", "Tags.member.1.Value", "a", "TransitiveTagKeys.member.1", "Other"), "InvalidParameterValue", 400, "The specified transitive tag key must be included in the requested tags.", false},
		{"reserved tag prefix", base("Tags.member.1.Key", "aws:x", "Tags.member.1.Value", "a"), "InvalidParameterValue", 400, "Tag keys and values cannot start with 'aws:'; the prefix is reserved for AWS use.", false},
		{"malformed policy", base("Policy", "{"), "MalformedPolicyDocument", 400, "", true},
		{"an MFA device stsd does not have", base("SerialNumber", "arn:aws:iam::"+account+":mfa/alice", "TokenCode", "123456"), "AccessDenied", 403, "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.", false},
		{"provided contexts", base("ProvidedContexts.member.1.ProviderArn", "arn:aws:iam::aws:contextProvider/IdentityCenter", "ProvidedContexts.member.1.ContextAssertion", "abcd"), "InvalidParameterValue", 400, "ProvidedContexts is not supported: this service has no context providers, so it cannot validate trusted context assertions.", false},
		{"not an ARN", base("RoleArn", "nothing-valid-in-here"), "ValidationError", 400, "nothing-valid-in-here is invalid", false},
		{"two errors at once", base("RoleSessionName", "a", "DurationSeconds", "1"), "ValidationError", 400, "2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := n.postSigned(tc.params, alice)
			code, message := errorOf(body)
			if status != tc.status || code != tc.code || (!tc.messageHasOnly && message != tc.message) || message == "" {
				t.Fatalf("got %d %s %q\nwant %d %s %q", status, code, message, tc.status, tc.code, tc.message)
			}
		})
	}
	t.Run("a Policy and ARNs over 2,048 characters together", func(t *testing.T) {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 2000) + `"}]}`
		in := arIn(role, "s1")
		in.Policy = aws.String(doc)
		_, err := n.assumeRole(alice, in)
		wantAPIError(t, err, "ValidationError", http.StatusBadRequest,
			"The plaintext of the inline session policy and the managed session policy ARNs must not exceed 2048 characters; this request has 2108.")
	})
	t.Run("aws cli-style empty list markers", func(t *testing.T) {
		status, body := n.postSigned(base("PolicyArns", "", "Tags", "", "TransitiveTagKeys", ""), alice)
		if status != 200 || strings.Contains(body, "PackedPolicySize") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("SDK: the session carries the policy, tags and source identity", func(t *testing.T) {
		out, err := n.assumeRole(alice, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s1"),
			Policy: aws.String(allowS3Read), Tags: tags("a", "1"), SourceIdentity: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		s := n.sessionCaller(staticCreds(out.Credentials)).Session
		if s.Policy != allowS3Read || len(s.Tags) != 1 || s.SourceIdentity != "alice" || s.RoleName != "r" {
			t.Errorf("session %+v", s)
		}
		if ctx := context.Background(); ctx == nil {
			t.Fatal()
		}
	})
}
