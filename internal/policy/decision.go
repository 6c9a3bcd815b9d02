package policy

import (
	"fmt"
	"strconv"
)

// Outcome is the result of an evaluation.
type Outcome uint8

// Outcomes, as IAM's policy simulator names them.
const (
	ImplicitDeny Outcome = iota
	Allowed
	ExplicitDeny
)

// String returns "allowed", "explicitDeny" or "implicitDeny", the values of
// IAM's PolicyEvaluationDecisionType.
func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	default:
		return "implicitDeny"
	}
}

// Layer is the role a policy plays in an evaluation.
type Layer uint8

// Policy layers.
const (
	LayerIdentity Layer = iota + 1
	LayerSession
	LayerBoundary
	LayerResource
	// LayerTrust is a role trust policy evaluated by EvaluateTrust.
	LayerTrust
)

// String names the layer.
func (l Layer) String() string {
	switch l {
	case LayerIdentity:
		return "identity"
	case LayerSession:
		return "session"
	case LayerBoundary:
		return "permissions boundary"
	case LayerResource:
		return "resource"
	case LayerTrust:
		return "trust"
	default:
		return "unknown"
	}
}

// Named is a policy with the name explanations cite ("role policy X",
// "PolicyInputList.1").
type Named struct {
	Name   string
	Policy *Policy
}

// Set is every policy that applies to a request, by layer. A layer with no
// policies does not restrict: an empty Session or Boundary means "no
// session policy" or "no permissions boundary".
type Set struct {
	Identity []Named
	Session  []Named
	Boundary []Named
	Resource []Named
}

// Request is what is being decided.
type Request struct {
	// Action such as "sts:AssumeRoleWithWebIdentity"; matched
	// case-insensitively.
	Action string
	// Resource ARN; "" is treated as "*".
	Resource string
	// Principal is the caller, for resource and trust policies.
	Principal Principal
	// ResourceAccount is the account that owns the resource. When set and
	// different from the principal's account the request is cross-account:
	// both an identity-side allow and a resource-policy allow are needed.
	ResourceAccount string
	// Context holds the condition keys; nil means empty.
	Context *Context
}

// StatementRef identifies a statement in a named policy.
type StatementRef struct {
	Policy    string
	Layer     Layer
	Statement *Statement
}

// String renders "identity policy X statement 2 (Sid Y)".
func (r StatementRef) String() string {
	s := r.Layer.String() + " policy " + r.Policy + " statement " + strconv.Itoa(r.Statement.Index)
	if r.Statement.Sid != "" {
		s += " (Sid " + r.Statement.Sid + ")"
	}
	return s
}

// ConditionFailure explains why a statement whose action, resource and
// principal matched did not apply: the first condition that did not hold.
type ConditionFailure struct {
	StatementRef
	Operator string // as written, e.g. "StringLike"
	Key      string // as written in the policy
	Reason   FailReason
	// Variable is the policy variable that had no value
	// (FailUnresolvedVariable), or "".
	Variable string
}

// String renders the failure for logs and audit events.
func (f ConditionFailure) String() string {
	if f.Reason == FailUnresolvedVariable && f.Operator == "" {
		return fmt.Sprintf("%s: Resource policy variable ${%s} has no value", f.StatementRef, f.Variable)
	}
	if f.Reason == FailUnresolvedVariable {
		return fmt.Sprintf("%s: condition %s on %s: policy variable ${%s} has no value", f.StatementRef, f.Operator, f.Key, f.Variable)
	}
	return fmt.Sprintf("%s: condition %s on %s failed: %s", f.StatementRef, f.Operator, f.Key, f.Reason)
}

// Decision is the result of an evaluation with its explanation. Reuse one
// Decision with EvaluateInto to evaluate without allocating.
type Decision struct {
	Effect Outcome
	// Matched lists the statements that decide the result: the denying
	// statements for ExplicitDeny, otherwise the allowing statements that
	// matched (in every layer).
	Matched []StatementRef
	// Failed lists statements that would have applied but for a condition.
	Failed []ConditionFailure
	// MissingKeys lists condition keys (as written in the policies) that
	// the evaluated conditions needed but the context lacks.
	MissingKeys []string

	// IdentityAllowed, SessionAllowed and BoundaryAllowed report each
	// layer's verdict (an absent layer allows). ResourceAllowed reports
	// whether a resource policy allowed the principal.
	IdentityAllowed, SessionAllowed, BoundaryAllowed, ResourceAllowed bool
	// AccountPrincipalOnly is set when a resource or trust policy allowed
	// only by naming the caller's account: IAM then also needs an
	// identity-policy allow from that account.
	AccountPrincipalOnly bool

	denied []StatementRef
}

func (d *Decision) reset() {
	d.Effect = ImplicitDeny
	d.Matched = d.Matched[:0]
	d.Failed = d.Failed[:0]
	d.MissingKeys = d.MissingKeys[:0]
	d.denied = d.denied[:0]
	d.IdentityAllowed, d.SessionAllowed, d.BoundaryAllowed, d.ResourceAllowed = false, false, false, false
	d.AccountPrincipalOnly = false
}

func (d *Decision) addMissing(key string) {
	for _, k := range d.MissingKeys {
		if k == key {
			return
		}
	}
	d.MissingKeys = append(d.MissingKeys, key)
}

// Explain renders the decision in one paragraph for logs and the CLI.
func (d Decision) Explain() string {
	s := d.Effect.String()
	for _, m := range d.Matched {
		s += fmt.Sprintf("; matched %s (%s)", m, m.Statement.Effect)
	}
	for _, f := range d.Failed {
		s += "; not matched " + f.String()
	}
	if len(d.MissingKeys) > 0 {
		s += fmt.Sprintf("; missing context keys %v", d.MissingKeys)
	}
	return s
}
