package authz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/authz"
)

// documentedMessage has the structure of the DecodedMessage in the AWS CLI
// example of `aws sts decode-authorization-message` (IAM User Guide, "Use
// DecodeAuthorizationMessage with a CLI"; STS API reference,
// DecodeAuthorizationMessage): key names and nesting as documented, values
// of our own. Every list is {"items":[…]}, every string in a list is
// {"value":…}.
const documentedMessage = `{
  "allowed": false,
  "explicitDeny": true,
  "matchedStatements": {"items": [{
    "statementId": "Sid1",
    "effect": "DENY",
    "principals": {"items": [{"value": "AROAEXAMPLE"}]},
    "principalGroups": {"items": []},
    "actions": {"items": [{"value": "s3:PutObject"}]},
    "resources": {"items": [{"value": "*"}]},
    "conditions": {"items": []}
  }]},
  "failures": {"items": []},
  "context": {
    "principal": {"id": "AROAEXAMPLE:session", "arn": "arn:aws:sts::111122223333:assumed-role/role/session"},
    "action": "s3:PutObject",
    "resource": "arn:aws:s3:::bucket/key",
    "conditions": {"items": [{"key": "aws:Account", "values": {"items": [{"value": "111122223333"}]}}]}
  }
}`

// stsdAdditions are the members stsd adds to AWS's shape (where a statement
// came from, and why a failure failed); nothing else may differ.
var stsdAdditions = map[string]bool{"policy": true, "layer": true, "statementIndex": true, "operator": true}

// sameShape reports the first difference between a documented JSON value's
// structure and ours: the same member names (ours may add stsdAdditions),
// the same JSON types, and every element of our arrays shaped like the
// documented array's first element.
func sameShape(path string, doc, ours any) error {
	switch d := doc.(type) {
	case map[string]any:
		o, ok := ours.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an object", path, ours)
		}
		for k, dv := range d {
			ov, ok := o[k]
			if !ok {
				return fmt.Errorf("%s: member %q missing", path, k)
			}
			if err := sameShape(path+"."+k, dv, ov); err != nil {
				return err
			}
		}
		for k := range o {
			if _, ok := d[k]; !ok && !stsdAdditions[k] {
				return fmt.Errorf("%s: member %q is not in AWS's shape", path, k)
			}
		}
	case []any:
		o, ok := ours.([]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an array", path, ours)
		}
		if len(d) == 0 {
			return nil
		}
		for i, ov := range o {
			if err := sameShape(fmt.Sprintf("%s[%d]", path, i), d[0], ov); err != nil {
				return err
			}
		}
	default:
		if fmt.Sprintf("%T", doc) != fmt.Sprintf("%T", ours) {
			return fmt.Errorf("%s: %T, want %T", path, ours, doc)
		}
	}
	return nil
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Explain renders AWS's DecodedMessage shape, for an explicit deny, an
// implicit deny with failed conditions, and an allow, with the principal
// ids placed as AWS places them: the role id in matched statements, the
// caller's user id in the context.
func TestMessageShape(t *testing.T) {
	w := newWorld(t)
	r := w.role("Developer", entity{inline: map[string]string{"p": `{"Version":"2012-10-17","Statement":[
	  {"Sid":"VisualEditor0","Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"},
	  {"Sid":"Tagged","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`}})
	s := w.session(r, "Ana", nil)
	documented := decodeJSON(t, []byte(documentedMessage))
	env := authz.Env{RequestedRegion: "eu-west-1", SourceIP: "203.0.113.9"}

	deny := w.decide(s, req{action: "ec2:RunInstances", resource: "arn:aws:ec2:us-east-1:111122223333:instance/*", env: env})
	msg := authz.Explain(s, deny.FirstDenied())
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameShape("DecodedMessage", documented, decodeJSON(t, b)); err != nil {
		t.Errorf("explicit deny: %v\n%s", err, b)
	}
	if msg.Allowed || !msg.ExplicitDeny || len(msg.MatchedStatements.Items) != 1 {
		t.Fatalf("explicit deny: %+v", msg)
	}
	st := msg.MatchedStatements.Items[0]
	if st.StatementID != "VisualEditor0" || st.Effect != "DENY" || len(st.Principals.Items) != 1 || st.Principals.Items[0].Value != r.RoleID ||
		len(st.Actions.Items) != 1 || st.Actions.Items[0].Value != "ec2:RunInstances" || st.Resources.Items[0].Value != "*" {
		t.Errorf("matched statement %+v", st)
	}
	if p := msg.Context.Principal; p.ID != r.RoleID+":Ana" || p.ARN != "arn:aws:sts::111122223333:assumed-role/Developer/Ana" {
		t.Errorf("context principal %+v", p)
	}
	if msg.Context.Action != "ec2:RunInstances" || msg.Context.Resource != "arn:aws:ec2:us-east-1:111122223333:instance/*" {
		t.Errorf("context %+v", msg.Context)
	}
	// The context lists the request's condition keys with their values,
	// sorted by name.
	var keys []string
	region := ""
	for _, c := range msg.Context.Conditions.Items {
		keys = append(keys, c.Key)
		if c.Key == "aws:RequestedRegion" && len(c.Values.Items) == 1 {
			region = c.Values.Items[0].Value
		}
	}
	if region != "eu-west-1" || !sort.SliceIsSorted(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) }) {
		t.Errorf("context conditions %v (region %q)", keys, region)
	}

	implicit := w.decide(s, req{action: "s3:GetObject", resource: objectARN, env: env})
	msg = authz.Explain(s, implicit.FirstDenied())
	b, _ = json.Marshal(msg)
	if err := sameShape("DecodedMessage", documented, decodeJSON(t, b)); err != nil {
		t.Errorf("implicit deny: %v\n%s", err, b)
	}
	if msg.Allowed || msg.ExplicitDeny || len(msg.MatchedStatements.Items) != 0 || len(msg.Failures.Items) != 1 ||
		msg.Failures.Items[0].StatementID != "Tagged" || msg.Failures.Items[0].Key != "aws:RequestedRegion" {
		t.Errorf("implicit deny: %s", b)
	}

	ok := w.decide(s, req{action: "s3:GetObject", resource: objectARN, env: authz.Env{RequestedRegion: "us-east-1"}})
	msg = authz.Explain(s, &ok.Checks[0])
	b, _ = json.Marshal(msg)
	if err := sameShape("DecodedMessage", documented, decodeJSON(t, b)); err != nil {
		t.Errorf("allowed: %v\n%s", err, b)
	}
	if !msg.Allowed || msg.ExplicitDeny || len(msg.MatchedStatements.Items) != 1 || msg.MatchedStatements.Items[0].Effect != "ALLOW" {
		t.Errorf("allowed: %s", b)
	}

	// An IAM user's message names the user.
	u := w.user("chain-user", entity{})
	ures := w.decide(u, req{action: "s3:GetObject", resource: objectARN})
	msg = authz.Explain(u, ures.FirstDenied())
	if msg.Context.Principal.ID != u.UserID || msg.Context.Principal.Name != "chain-user" || msg.Context.Principal.ARN != userARNPrefix+"chain-user" {
		t.Errorf("user principal %+v", msg.Context.Principal)
	}
}

// plainSealer seals nothing: the message is its own encoding.
type plainSealer struct{}

func (plainSealer) SealMessage(plain []byte) (string, error) { return string(plain), nil }
func (plainSealer) OpenMessage(_ context.Context, s string) ([]byte, error) {
	return []byte(s), nil
}

// Encode explains the first denied check, and nothing when every check
// was allowed.
func TestMessageEncode(t *testing.T) {
	w := newWorld(t)
	u := w.user("alice", entity{inline: map[string]string{"p": allowS3Get}})
	res := w.engine.Decide(authz.Request{Caller: u, Checks: []authz.Check{
		{Action: "s3:GetObject", Resource: objectARN}, {Action: "s3:PutObject", Resource: objectARN}, {Action: "s3:DeleteObject", Resource: objectARN}}})
	enc, err := authz.Encode(plainSealer{}, u, &res)
	if err != nil {
		t.Fatal(err)
	}
	var m authz.DecodedMessage
	if err := json.Unmarshal([]byte(enc), &m); err != nil {
		t.Fatal(err)
	}
	if m.Allowed || m.Context.Action != "s3:PutObject" {
		t.Errorf("encoded the wrong check: %+v", m.Context)
	}
	ok := w.engine.Decide(authz.Request{Caller: u, Checks: []authz.Check{{Action: "s3:GetObject", Resource: objectARN}}})
	if enc, err := authz.Encode(plainSealer{}, u, &ok); err != nil || enc != "" {
		t.Errorf("allowed request encoded %q, %v", enc, err)
	}
}
