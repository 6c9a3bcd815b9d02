package policy

// Version strings accepted in the Version element.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect of a statement.
type Effect uint8

// Statement effects.
const (
	Allow Effect = iota + 1
	Deny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	default:
		return "Invalid"
	}
}

// Position is a 1-based line and column in a policy document, in the
// convention of IAM's policy simulator: the column just after the opening
// brace of a statement (StartPosition) and just after its closing brace
// (EndPosition).
type Position struct {
	Line, Column int
}

// Policy is a parsed, validated policy document. It is immutable and safe
// for concurrent use.
type Policy struct {
	// Version is the Version element, or "" when absent (IAM then applies
	// the 2008-10-17 rules: no policy variables).
	Version string
	// ID is the Id element.
	ID         string
	Statements []*Statement
	// variables reports whether ${...} is substituted (Version 2012-10-17).
	variables bool
	// keys are the condition keys referenced, in order of first use.
	keys []string
	size int
}

// ContextKeys returns the condition keys (and keys used as policy variables)
// the policy references, in their spelling of first use.
func (p *Policy) ContextKeys() []string { return append([]string(nil), p.keys...) }

// Size is the length of the document in bytes.
func (p *Policy) Size() int { return p.size }

// Statement is one statement of a policy.
type Statement struct {
	// Index is the 0-based position of the statement in the policy.
	Index  int
	Sid    string
	Effect Effect
	// Start and End locate the statement in the document (see Position).
	Start, End Position

	principal    *principalSet
	notPrincipal bool
	actions      []actionPattern
	notAction    bool
	resources    []resourcePattern // nil: no Resource element (matches all)
	notResource  bool
	hasResource  bool
	conditions   []*condition
}

// HasPrincipal reports whether the statement has Principal or NotPrincipal.
func (s *Statement) HasPrincipal() bool { return s.principal != nil }

// Kind tells ParseAs which policy-type rules to apply on top of the
// grammar.
type Kind uint8

// Policy kinds.
const (
	// KindAny applies the grammar only: Principal, NotPrincipal and
	// Resource are all optional.
	KindAny Kind = iota
	// KindIdentity is an identity-based policy (inline or managed, session
	// policy, permissions boundary): Principal and NotPrincipal are
	// prohibited, Resource or NotResource is required, Sids are
	// alphanumeric.
	KindIdentity
	// KindTrust is a role trust policy: every statement needs Principal or
	// NotPrincipal, Resource and NotResource are prohibited, Sids are
	// alphanumeric.
	KindTrust
	// KindResource is a resource-based policy (other than a trust policy):
	// every statement needs Principal or NotPrincipal and Resource or
	// NotResource.
	KindResource
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindIdentity:
		return "identity"
	case KindTrust:
		return "trust"
	case KindResource:
		return "resource"
	default:
		return "any"
	}
}
