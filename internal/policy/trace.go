package policy

// StatementTrace is one statement of a policy evaluated on its own, for
// explaining a decision statement by statement (the web console's token
// playground). It is computed by the evaluator's own matching functions.
type StatementTrace struct {
	Statement *Statement
	// ActionMatched: Action (or NotAction) covers the request's action.
	ActionMatched bool
	// ScopeMatched: the action, the resource and — for resource and trust
	// policies — the principal all match, conditions aside.
	ScopeMatched bool
	// Conditions are every condition of the statement, each evaluated
	// (also after one failed, unlike an evaluation, which stops there).
	Conditions []ConditionTrace
	// Applies: the statement takes part in the decision (its scope
	// matched and every condition held).
	Applies bool
}

// ConditionTrace is one condition of a statement and its outcome against
// the request context.
type ConditionTrace struct {
	StatementCondition
	// RequestValues are the context's values for the key; Present says
	// whether the key was in the context at all.
	RequestValues []string
	Present       bool
	Holds         bool
	// Reason says why it did not hold; Variable names a policy variable
	// that had no value.
	Reason   FailReason
	Variable string
}

// TraceTrust evaluates each statement of a trust policy on its own for
// req, as EvaluateTrust sees them. The decision itself is EvaluateTrust's.
func TraceTrust(req Request, trust Named) []StatementTrace {
	return trace(req, trust, LayerTrust)
}

func trace(req Request, named Named, layer Layer) []StatementTrace {
	if req.Resource == "" {
		req.Resource = "*"
	}
	if named.Policy == nil {
		return nil
	}
	out := make([]StatementTrace, 0, len(named.Policy.Statements))
	var scratch Decision
	for _, st := range named.Policy.Statements {
		t := StatementTrace{Statement: st, ActionMatched: st.matchAction(req.Action)}
		scope := *st
		scope.conditions = nil
		scratch.reset()
		_, t.ScopeMatched = evalStatement(&scratch, &req, &scope, named.Name, layer, false)
		written := st.Conditions()
		t.Conditions = make([]ConditionTrace, len(st.conditions))
		all := true
		for i, c := range st.conditions {
			ok, reason, _, variable := c.eval(req.Context)
			values, _, present := req.Context.Get(c.key)
			t.Conditions[i] = ConditionTrace{StatementCondition: written[i], RequestValues: values, Present: present,
				Holds: ok, Reason: reason, Variable: variable}
			if !ok {
				t.Conditions[i].Holds = false
				all = false
			} else {
				t.Conditions[i].Reason = 0
			}
		}
		scratch.reset()
		_, applies := evalStatement(&scratch, &req, st, named.Name, layer, false)
		t.Applies = applies && t.ScopeMatched && all
		out = append(out, t)
	}
	return out
}
