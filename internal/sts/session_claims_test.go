package sts

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/creds"
)

// claims decodes a token's JSON claims as the verifier hands them over
// (numbers as json.Number).
func claims(t *testing.T, doc string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return m
}

// TestReadSessionClaims: the session tags (nested and flattened), the
// transitive tag keys and the source identity a token may carry
// (sts-contract §5.8, §7.1), and every way they are refused (§7.2).
func TestReadSessionClaims(t *testing.T) {
	const nested, flat = `"https://aws.amazon.com/tags"`, `"https://aws.amazon.com/tags/principal_tags/`
	const msgNotValidated = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	long := strings.Repeat("k", 129)
	for _, c := range []struct {
		name   string
		doc    string
		want   *sessionClaims // nil when refused
		code   string
		msg    string
		reason string
	}{
		{name: "none", doc: `{"sub":"s"}`, want: &sessionClaims{}},
		{name: "null claims are absent", doc: `{` + nested + `:null,"https://aws.amazon.com/source_identity":null}`, want: &sessionClaims{}},
		{name: "nested tags and transitive keys",
			doc:  `{` + nested + `:{"principal_tags":{"Project":["blue"]},"transitive_tag_keys":["Project"]}}`,
			want: &sessionClaims{Tags: []creds.Tag{{Key: "Project", Value: "blue"}}, TransitiveTagKeys: []string{"Project"}}},
		{name: "flattened tags and transitive keys",
			doc:  `{` + flat + `Team":"red","https://aws.amazon.com/tags/transitive_tag_keys":["Team"]}`,
			want: &sessionClaims{Tags: []creds.Tag{{Key: "Team", Value: "red"}}, TransitiveTagKeys: []string{"Team"}}},
		{name: "empty tag value", doc: `{` + flat + `Team":""}`, want: &sessionClaims{Tags: []creds.Tag{{Key: "Team", Value: ""}}}},
		{name: "source identity", doc: `{"https://aws.amazon.com/source_identity":"alice@example.com"}`,
			want: &sessionClaims{SourceIdentity: "alice@example.com"}},

		{name: "tags claim not an object", doc: `{` + nested + `:"Project=blue"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "principal_tags not an object", doc: `{` + nested + `:{"principal_tags":["Project"]}}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "nested tag value not an array", doc: `{` + nested + `:{"principal_tags":{"Project":"blue"}}}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "nested tag with two values", doc: `{` + nested + `:{"principal_tags":{"Project":["a","b"]}}}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "nested tag value a number", doc: `{` + nested + `:{"principal_tags":{"Project":[7]}}}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "nested transitive keys not an array", doc: `{` + nested + `:{"transitive_tag_keys":"Project"}}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "flattened tag value a number", doc: `{` + flat + `Team":7}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "flattened transitive keys not an array", doc: `{"https://aws.amazon.com/tags/transitive_tag_keys":"Team"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "transitive key a number", doc: `{` + flat + `Team":"red","https://aws.amazon.com/tags/transitive_tag_keys":[1]}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "51 tags", doc: func() string {
			var b strings.Builder
			b.WriteString("{")
			for i := range 51 {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(flat + "k" + strings.Repeat("x", i) + `":"v"`)
			}
			return b.String() + "}"
		}(), code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "tag key over 128 characters", doc: `{` + flat + long + `":"v"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "tag key with a forbidden character", doc: `{` + flat + `a*b":"v"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "tag key with the aws: prefix", doc: `{` + flat + `AWS:x":"v"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "tag value with the aws: prefix", doc: `{` + flat + `k":"aws:v"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "the same key twice, case aside", doc: `{` + nested + `:{"principal_tags":{"Team":["a"]}},` + flat + `team":"b"}`,
			code: "InvalidParameterValue", msg: "Duplicate tag keys found. Please note that Tag keys are case insensitive.", reason: "duplicate_session_tag"},
		{name: "transitive key not among the tags", doc: `{` + flat + `Team":"red","https://aws.amazon.com/tags/transitive_tag_keys":["Project"]}`,
			code: "InvalidParameterValue", msg: "The specified transitive tag key must be included in the requested tags.", reason: "transitive_key_not_tagged"},
		{name: "source identity not a string", doc: `{"https://aws.amazon.com/source_identity":12}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "source identity too short", doc: `{"https://aws.amazon.com/source_identity":"a"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "source identity with a space", doc: `{"https://aws.amazon.com/source_identity":"a b"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
		{name: "source identity with the aws: prefix", doc: `{"https://aws.amazon.com/source_identity":"aws:me"}`,
			code: "InvalidIdentityToken", msg: msgNotValidated, reason: reasonInvalidTagClaim},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := readSessionClaims(claims(t, c.doc))
			if c.want == nil {
				if err == nil {
					t.Fatalf("accepted: %+v", got)
				}
				if err.Code != c.code || err.Status != 400 || err.Message != c.msg || err.Reason != c.reason {
					t.Fatalf("got %s %d %q (%s), want %s 400 %q (%s)", err.Code, err.Status, err.Message, err.Reason, c.code, c.msg, c.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestReadSessionClaimsBothForms: nested and flattened tags add up, and so
// do the transitive keys of both forms.
func TestReadSessionClaimsBothForms(t *testing.T) {
	got, err := readSessionClaims(claims(t, `{"https://aws.amazon.com/tags":{"principal_tags":{"A":["1"]},"transitive_tag_keys":["A"]},`+
		`"https://aws.amazon.com/tags/principal_tags/B":"2","https://aws.amazon.com/tags/transitive_tag_keys":["B"]}`))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got.Tags, func(a, b creds.Tag) int { return strings.Compare(a.Key, b.Key) })
	if want := []creds.Tag{{Key: "A", Value: "1"}, {Key: "B", Value: "2"}}; !reflect.DeepEqual(got.Tags, want) {
		t.Errorf("tags %v, want %v", got.Tags, want)
	}
	if want := []string{"A", "B"}; !reflect.DeepEqual(got.TransitiveTagKeys, want) {
		t.Errorf("transitive keys %v, want %v", got.TransitiveTagKeys, want)
	}
}

// TestCheckRolesClaim: with the roles claim, the requested role must be
// one of its entries, exactly (sts-contract §5.8).
func TestCheckRolesClaim(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/ci"
	for _, c := range []struct {
		name       string
		doc        string
		authorized bool
		refused    bool
	}{
		{name: "no claim", doc: `{}`},
		{name: "null claim", doc: `{"https://aws.amazon.com/roles":null}`},
		{name: "array with the role", doc: `{"https://aws.amazon.com/roles":["arn:aws:iam::111122223333:role/other","` + role + `"]}`, authorized: true},
		{name: "semicolon list with the role, spaces trimmed", doc: `{"https://aws.amazon.com/roles":"arn:aws:iam::111122223333:role/other; ` + role + ` "}`, authorized: true},
		{name: "array without the role", doc: `{"https://aws.amazon.com/roles":["arn:aws:iam::111122223333:role/other"]}`, refused: true},
		{name: "the role in another case", doc: `{"https://aws.amazon.com/roles":["arn:aws:iam::111122223333:role/CI"]}`, refused: true},
		{name: "empty array", doc: `{"https://aws.amazon.com/roles":[]}`, refused: true},
		{name: "not a string or array", doc: `{"https://aws.amazon.com/roles":7}`, refused: true},
		{name: "array of non-strings", doc: `{"https://aws.amazon.com/roles":[7]}`, refused: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			authorized, err := checkRolesClaim(claims(t, c.doc), role)
			if c.refused {
				if err == nil || err.Code != "InvalidIdentityToken" || err.Status != 400 ||
					err.Message != "The target role ARN is not present in the roles claim of the identity token" || err.Reason != "role_not_in_roles_claim" {
					t.Fatalf("got %v, want InvalidIdentityToken role_not_in_roles_claim", err)
				}
				return
			}
			if err != nil || authorized != c.authorized {
				t.Fatalf("got %v, %v; want %v, nil", authorized, err, c.authorized)
			}
		})
	}
}
