package authz

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/policy"
)

// Sealer seals encoded authorization messages and opens them again; the
// session-token keyring implements it, so a message sealed on one node
// opens on every node that shares the store.
type Sealer interface {
	SealMessage(plain []byte) (string, error)
	OpenMessage(ctx context.Context, encoded string) ([]byte, error)
}

// DecodedMessage is the JSON document DecodeAuthorizationMessage returns in
// its DecodedMessage member, in AWS's shape (STS API reference,
// DecodeAuthorizationMessage, and the AWS CLI example there): whether the
// request was allowed, whether an explicit deny decided it, the statements
// that matched, the failures, and the context — principal, action,
// resource and the condition keys with their values. Lists are wrapped in
// {"items":[…]} as AWS wraps them.
type DecodedMessage struct {
	Allowed           bool              `json:"allowed"`
	ExplicitDeny      bool              `json:"explicitDeny"`
	MatchedStatements Items[MsgStmt]    `json:"matchedStatements"`
	Failures          Items[MsgFailure] `json:"failures"`
	Context           MsgContext        `json:"context"`
}

// Items is AWS's list wrapper.
type Items[T any] struct {
	Items []T `json:"items"`
}

// Value is AWS's wrapper for one string in a list.
type Value struct {
	Value string `json:"value"`
}

// MsgStmt is a matched statement.
type MsgStmt struct {
	StatementID     string              `json:"statementId"`
	Effect          string              `json:"effect"` // "ALLOW" or "DENY"
	Principals      Items[Value]        `json:"principals"`
	PrincipalGroups Items[Value]        `json:"principalGroups"`
	Actions         Items[Value]        `json:"actions"`
	Resources       Items[Value]        `json:"resources"`
	Conditions      Items[MsgCondition] `json:"conditions"`
	// stsd's additions: which policy, which layer, which statement.
	Policy string `json:"policy"`
	Layer  string `json:"layer"`
	Index  int    `json:"statementIndex"`
}

// MsgCondition is one condition key with its values, in a statement or in
// the request context.
type MsgCondition struct {
	Key      string       `json:"key"`
	Operator string       `json:"operator,omitempty"`
	Values   Items[Value] `json:"values"`
}

// MsgFailure is a statement that would have applied but for a condition.
type MsgFailure struct {
	Policy      string `json:"policy"`
	Layer       string `json:"layer"`
	StatementID string `json:"statementId"`
	Index       int    `json:"statementIndex"`
	Operator    string `json:"operator,omitempty"`
	Key         string `json:"key,omitempty"`
	Reason      string `json:"reason"`
}

// MsgContext is the request as decided.
type MsgContext struct {
	Principal  MsgPrincipal        `json:"principal"`
	Action     string              `json:"action"`
	Resource   string              `json:"resource"`
	Conditions Items[MsgCondition] `json:"conditions"`
}

// MsgPrincipal is the caller.
type MsgPrincipal struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn"`
}

// Explain builds the decoded message for one decided check.
func Explain(caller *authn.Caller, cr *CheckResult) DecodedMessage {
	d := &cr.Decision
	m := DecodedMessage{
		Allowed:      d.Effect == policy.Allowed,
		ExplicitDeny: d.Effect == policy.ExplicitDeny,
	}
	m.MatchedStatements.Items = []MsgStmt{}
	m.Failures.Items = []MsgFailure{}
	principalID := principalIDOf(caller)
	for _, ref := range d.Matched {
		m.MatchedStatements.Items = append(m.MatchedStatements.Items, statementOf(ref, principalID))
	}
	for _, f := range d.Failed {
		m.Failures.Items = append(m.Failures.Items, MsgFailure{
			Policy: f.Policy, Layer: f.Layer.String(), StatementID: f.Statement.Sid, Index: f.Statement.Index,
			Operator: f.Operator, Key: f.Key, Reason: failureText(f),
		})
	}
	m.Context = MsgContext{
		Principal: MsgPrincipal{ID: caller.UserID, ARN: caller.ARN},
		Action:    cr.Check.Action,
		Resource:  resourceOrStar(cr.Check.Resource),
	}
	if caller.User != nil {
		m.Context.Principal.Name = caller.User.User.Name
	}
	m.Context.Conditions.Items = contextConditions(cr.Context)
	return m
}

// principalIDOf is the id AWS lists as a matched statement's principal:
// the role id for a session, the user id for a user.
func principalIDOf(c *authn.Caller) string {
	if c.Kind == authn.KindAssumedRole {
		return c.Session.RoleID
	}
	return c.UserID
}

func statementOf(ref policy.StatementRef, principalID string) MsgStmt {
	st := ref.Statement
	s := MsgStmt{
		StatementID: st.Sid, Effect: strings.ToUpper(st.Effect.String()),
		Policy: ref.Policy, Layer: ref.Layer.String(), Index: st.Index,
	}
	s.Principals.Items = []Value{}
	if ref.Layer != policy.LayerResource {
		s.Principals.Items = append(s.Principals.Items, Value{principalID})
	}
	s.PrincipalGroups.Items = []Value{}
	s.Actions.Items = values(st.Actions())
	s.Resources.Items = values(st.Resources())
	s.Conditions.Items = []MsgCondition{}
	for _, c := range st.Conditions() {
		s.Conditions.Items = append(s.Conditions.Items, MsgCondition{Key: c.Key, Operator: c.Operator, Values: Items[Value]{values(c.Values)}})
	}
	return s
}

func values(in []string) []Value {
	out := make([]Value, len(in))
	for i, v := range in {
		out[i] = Value{v}
	}
	return out
}

func failureText(f policy.ConditionFailure) string {
	if f.Reason == policy.FailUnresolvedVariable {
		return "policy variable ${" + f.Variable + "} has no value"
	}
	return f.Reason.String()
}

func resourceOrStar(r string) string {
	if r == "" {
		return "*"
	}
	return r
}

// contextConditions lists the request's condition keys, sorted by name.
func contextConditions(c *policy.Context) []MsgCondition {
	out := []MsgCondition{}
	if c == nil {
		return out
	}
	keys := c.Keys()
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	for _, k := range keys {
		vs, _, _ := c.Get(k)
		out = append(out, MsgCondition{Key: k, Values: Items[Value]{values(vs)}})
	}
	return out
}

// Encode seals the explanation of the first denied check of res into an
// encoded authorization message, or returns "" when every check was
// allowed.
func Encode(s Sealer, caller *authn.Caller, res *Result) (string, error) {
	cr := res.FirstDenied()
	if cr == nil {
		return "", nil
	}
	plain, err := json.Marshal(Explain(caller, cr))
	if err != nil {
		return "", err
	}
	return s.SealMessage(plain)
}
