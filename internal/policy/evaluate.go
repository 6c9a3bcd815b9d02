package policy

// Evaluate decides a request against a set of policies with AWS's policy
// evaluation logic for one account (IAM User Guide,
// reference_policies_evaluationlogic): an explicit deny in any policy wins;
// otherwise the request is allowed when the identity policies allow it and,
// when present, the session policies and the permissions boundary allow it
// too; or when a resource policy allows the principal: naming the user or
// role session ARN exactly grants alone, naming a role ARN or "*" is still
// limited by session policies and the boundary, and naming the account
// needs the identity-side allow. Cross-account requests (see
// Request.ResourceAccount) need both sides.
func Evaluate(req Request, set Set) Decision {
	var d Decision
	EvaluateInto(&d, req, set)
	return d
}

// EvaluateInto is Evaluate writing into d, reusing its slices.
func EvaluateInto(d *Decision, req Request, set Set) {
	d.reset()
	if req.Resource == "" {
		req.Resource = "*"
	}
	bounded := len(set.Boundary) > 0
	identity := evalLayer(d, &req, set.Identity, LayerIdentity, bounded)
	session := evalLayer(d, &req, set.Session, LayerSession, bounded)
	boundary := evalLayer(d, &req, set.Boundary, LayerBoundary, bounded)
	resource := evalLayer(d, &req, set.Resource, LayerResource, bounded)

	d.IdentityAllowed = identity.allowed
	d.SessionAllowed = len(set.Session) == 0 || session.allowed
	d.BoundaryAllowed = len(set.Boundary) == 0 || boundary.allowed
	d.ResourceAllowed = resource.best > principalNoMatch
	d.AccountPrincipalOnly = resource.best == matchedAccount

	if len(d.denied) > 0 {
		d.Effect = ExplicitDeny
		d.Matched = append(d.Matched[:0], d.denied...)
		return
	}
	chain := d.IdentityAllowed && d.SessionAllowed && d.BoundaryAllowed
	cross := req.ResourceAccount != "" && req.Principal.Account != "" && req.ResourceAccount != req.Principal.Account
	switch {
	case cross:
		if chain && d.ResourceAllowed {
			d.Effect = Allowed
		}
	case chain:
		d.Effect = Allowed
	case resource.best == matchedExact:
		d.Effect = Allowed
	case resource.best == matchedBroad && d.SessionAllowed && d.BoundaryAllowed:
		d.Effect = Allowed
	}
	if d.Effect != Allowed {
		d.Matched = d.Matched[:0]
	}
}

// EvaluateTrust decides a request against one role trust policy alone, as
// AssumeRole* does: an explicit deny wins; an allow whose Principal names
// the caller allows. "AWS": "*" names only AWS principals, never
// Federated or Service ones; "Principal": "*" names everyone. When the
// allow names only the caller's account, AccountPrincipalOnly is set.
func EvaluateTrust(req Request, trust Named) Decision {
	var d Decision
	EvaluateTrustInto(&d, req, trust)
	return d
}

// EvaluateTrustInto is EvaluateTrust writing into d, reusing its slices.
func EvaluateTrustInto(d *Decision, req Request, trust Named) {
	d.reset()
	if req.Resource == "" {
		req.Resource = "*"
	}
	one := [1]Named{trust}
	res := evalLayer(d, &req, one[:], LayerTrust, false)
	d.ResourceAllowed = res.best > principalNoMatch
	d.AccountPrincipalOnly = res.best == matchedAccount
	switch {
	case len(d.denied) > 0:
		d.Effect = ExplicitDeny
		d.Matched = append(d.Matched[:0], d.denied...)
	case d.ResourceAllowed:
		d.Effect = Allowed
	default:
		d.Matched = d.Matched[:0]
	}
}

type layerResult struct {
	allowed bool
	best    principalMatch // resource layer: the strongest allow
}

// evalLayer evaluates the statements of one layer. bounded reports that
// the principal has a permissions boundary.
func evalLayer(d *Decision, req *Request, policies []Named, layer Layer, bounded bool) layerResult {
	var r layerResult
	for i := range policies {
		p := policies[i].Policy
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			pm, ok := evalStatement(d, req, st, policies[i].Name, layer, bounded)
			if !ok {
				continue
			}
			ref := StatementRef{Policy: policies[i].Name, Layer: layer, Statement: st}
			if st.Effect == Deny {
				d.denied = append(d.denied, ref)
				continue
			}
			r.allowed = true
			if pm > r.best {
				r.best = pm
			}
			d.Matched = append(d.Matched, ref)
		}
	}
	return r
}

// evalStatement reports whether the statement applies to the request and,
// for the resource layer, how its principal matched.
func evalStatement(d *Decision, req *Request, st *Statement, name string, layer Layer, bounded bool) (principalMatch, bool) {
	if !st.matchAction(req.Action) {
		return principalNoMatch, false
	}
	if st.hasResource {
		ok, variable := st.matchResource(req.Resource, req.Context)
		if variable != "" {
			d.addMissing(variable)
		}
		if !ok {
			if variable != "" && !st.notResource {
				d.Failed = append(d.Failed, ConditionFailure{
					StatementRef: StatementRef{Policy: name, Layer: layer, Statement: st},
					Reason:       FailUnresolvedVariable, Variable: variable,
				})
			}
			return principalNoMatch, false
		}
	}
	pm := matchedExact
	if layer == LayerResource || layer == LayerTrust {
		if st.principal == nil {
			return principalNoMatch, false
		}
		pm = st.principal.match(&req.Principal)
		if st.notPrincipal {
			// access_policies_boundaries: "The NotPrincipal element with a
			// Deny effect will always deny any IAM principal that has a
			// permissions boundary policy attached, regardless of the
			// values specified in the NotPrincipal element."
			notPrincipalDenies := bounded && st.Effect == Deny && req.Principal.Kind == PrincipalAWS
			if notPrincipalSpares(st.principal, &req.Principal, pm) && !notPrincipalDenies {
				return principalNoMatch, false
			}
			pm = matchedBroad
		} else if pm == principalNoMatch {
			return principalNoMatch, false
		}
	}
	holds := true
	for _, c := range st.conditions {
		ok, reason, missing, variable := c.eval(req.Context)
		if missing && c.kind != opNull {
			d.addMissing(c.key)
		}
		if variable != "" {
			d.addMissing(variable)
		}
		if !ok && holds {
			holds = false
			d.Failed = append(d.Failed, ConditionFailure{
				StatementRef: StatementRef{Policy: name, Layer: layer, Statement: st},
				Operator:     c.operator, Key: c.key, Reason: reason, Variable: variable,
			})
		}
	}
	return pm, holds
}

// notPrincipalSpares reports whether a NotPrincipal element lists the
// caller itself, which the statement then does not apply to. A role
// session is spared only by its own session ARN, an IAM user by its user
// ARN: naming the role or the account spares none of them (IAM User
// Guide, "AWS JSON policy elements: NotPrincipal": AWS may check the
// account, the role and the session each against the list, and
// "Principals must always name a specific session"). Naming the account
// spares its root.
func notPrincipalSpares(ps *principalSet, p *Principal, pm principalMatch) bool {
	switch {
	case pm == principalNoMatch:
		return false
	case ps.any, p.Kind != PrincipalAWS, pm == matchedExact:
		return true
	case pm == matchedAccount:
		_, root := rootAccount(p.ID)
		return root
	}
	return ps.awsAny
}

func (st *Statement) matchAction(action string) bool {
	for i := range st.actions {
		if st.actions[i].match(action) {
			return !st.notAction
		}
	}
	return st.notAction
}

// matchResource reports whether the statement applies to the resource,
// and the first policy variable of a Resource or NotResource value that
// had no value ("" if none was met). Such a value matches no resource (IAM
// User Guide, "IAM policy elements: Variables and tags", section "Policy
// variables with no value": "the resource that includes a policy variable
// with no value will not match any resource"); the element's other values
// still count. So a Resource list applies only through its other values,
// and a NotResource list excludes only what its other values name.
func (st *Statement) matchResource(resource string, ctx *Context) (applies bool, variable string) {
	for i := range st.resources {
		m, v := st.resources[i].match(resource, ctx)
		if v != "" && variable == "" {
			variable = v
		}
		if m {
			return !st.notResource, variable
		}
	}
	return st.notResource, variable
}
