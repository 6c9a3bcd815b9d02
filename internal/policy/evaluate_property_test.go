package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Metamorphic properties of the evaluation logic
// (reference_policies_evaluationlogic), checked on random policies built
// from small pools of actions, resources and conditions.
func TestEvaluationProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	actions := []string{`"s3:GetObject"`, `"s3:*"`, `"s3:Get*"`, `"ec2:*"`, `"*"`, `["s3:PutObject","ec2:Run*"]`}
	resources := []string{`"*"`, `"arn:aws:s3:::b/*"`, `"arn:aws:s3:::b/k"`, `"arn:aws:s3:::other/*"`, `"arn:aws:s3:*"`}
	conds := []string{``, `,"Condition":{"StringEquals":{"aws:username":"bob"}}`, `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}`,
		`,"Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"a*"}}`, `,"Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`}
	stmt := func() string {
		effect := "Allow"
		if r.IntN(4) == 0 {
			effect = "Deny"
		}
		act, notAct := "Action", actions[r.IntN(len(actions))]
		if r.IntN(5) == 0 {
			act = "NotAction"
		}
		res := "Resource"
		if r.IntN(5) == 0 {
			res = "NotResource"
		}
		return `{"Effect":"` + effect + `","` + act + `":` + notAct + `,"` + res + `":` + resources[r.IntN(len(resources))] + conds[r.IntN(len(conds))] + `}`
	}
	policyOf := func(stmts []string) *Policy {
		return mustParse(t, KindIdentity, `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)
	}
	allowAll := policyOf([]string{`{"Effect":"Allow","Action":"*","Resource":"*"}`})
	denyAll := policyOf([]string{`{"Effect":"Deny","Action":"*","Resource":"*"}`})
	ctx := NewContext()
	ctx.Set("aws:username", "bob")
	ctx.Set("aws:SecureTransport", "true")
	ctx.Set("aws:SourceIp", "192.0.2.1")
	ctx.SetList("aws:TagKeys", "ab", "ac")
	reqs := []Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ctx},
		{Action: "ec2:RunInstances", Resource: "*", Context: ctx},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::other/x", Context: ctx},
	}
	for i := 0; i < 2000; i++ {
		n := 1 + r.IntN(5)
		stmts := make([]string, n)
		for j := range stmts {
			stmts[j] = stmt()
		}
		p := policyOf(stmts)
		shuffled := append([]string(nil), stmts...)
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		q := policyOf(shuffled)
		for _, req := range reqs {
			base := Evaluate(req, Set{Identity: []Named{{"p", p}}}).Effect
			check := func(name string, got Outcome, want Outcome) {
				if got != want {
					t.Fatalf("%s: %s, want %s\npolicy %s\nrequest %s %s", name, got, want, stmts, req.Action, req.Resource)
				}
			}
			check("statement order does not matter", Evaluate(req, Set{Identity: []Named{{"q", q}}}).Effect, base)
			check("an allow-all session policy changes nothing", Evaluate(req, Set{Identity: []Named{{"p", p}}, Session: []Named{{"s", allowAll}}}).Effect, base)
			check("an allow-all boundary changes nothing", Evaluate(req, Set{Identity: []Named{{"p", p}}, Boundary: []Named{{"b", allowAll}}}).Effect, base)
			check("splitting into policies changes nothing", Evaluate(req, Set{Identity: splitPolicies(t, stmts)}).Effect, base)
			check("a deny-all policy denies", Evaluate(req, Set{Identity: []Named{{"p", p}, {"d", denyAll}}}).Effect, ExplicitDeny)
			if base == Allowed {
				check("the policy as a session policy over allow-all keeps the decision", Evaluate(req, Set{Identity: []Named{{"a", allowAll}}, Session: []Named{{"p", p}}}).Effect, Allowed)
			}
			if base == ExplicitDeny {
				check("a deny survives any extra allow", Evaluate(req, Set{Identity: []Named{{"p", p}, {"a", allowAll}}}).Effect, ExplicitDeny)
			}
		}
	}
}

func splitPolicies(t *testing.T, stmts []string) []Named {
	var out []Named
	for _, s := range stmts {
		out = append(out, Named{Name: "x", Policy: mustParse(t, KindIdentity, `{"Version":"2012-10-17","Statement":[`+s+`]}`)})
	}
	return out
}
