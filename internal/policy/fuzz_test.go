package policy

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	allowS3Get,
	`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:List?"],"Resource":"arn:aws:s3:::b/${aws:username, 'x'}/*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]},"IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","::1"]},"Null":{"aws:TokenIssueTime":"false"}}}]}`,
	`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["123456789012","arn:aws:iam::123456789012:root"],"Federated":"accounts.google.com"},"NotAction":"iam:*","NotResource":"arn:aws:s3:*"}}`,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"NumericGreaterThan":{"x:n":1.5e3},"BinaryEquals":{"x:b":"AAE="},"ArnLike":{"aws:SourceArn":"arn:aws:*:*:*:x"}}}}`,
	`{"Statement":[]}`, `{"a":"\ud83d\ude00\u0000"}`, `[[[[`, `{"Statement":{"Effect":"Allow","Action":"*"}}`,
}

// FuzzParse: Parse never panics; failures are *ParseError with positioned
// problems; successes are deterministic.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, doc []byte, kind uint8) {
		p, err := ParseAs(doc, Kind(kind%4))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *ParseError with problems", err)
			}
			for _, pr := range pe.Problems {
				if pr.Line < 1 || pr.Column < 1 || pr.Offset < 0 || pr.Offset > len(doc) {
					t.Fatalf("bad position %+v", pr)
				}
			}
			return
		}
		if p == nil || len(p.Statements) == 0 {
			t.Fatal("nil policy without error")
		}
	})
}

// FuzzEvaluate: evaluation of any parsed policy against any request never
// panics and its decision is consistent with its explanation.
func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), "s3:GetObject", "arn:aws:s3:::b/k", "aws:username", "bob", githubOIDC)
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource, key, value, principal string) {
		p, err := Parse(doc)
		if err != nil {
			return
		}
		c := NewContext()
		c.Set(key, value)
		c.SetList("aws:TagKeys", value, key)
		req := Request{Action: action, Resource: resource, Context: c, Principal: AWSPrincipal(principal, principal)}
		n := Named{Name: "f", Policy: p}
		for _, set := range []Set{{Identity: []Named{n}}, {Identity: []Named{n}, Session: []Named{n}, Boundary: []Named{n}}, {Resource: []Named{n}}} {
			d := Evaluate(req, set)
			if d.Effect == ExplicitDeny && len(d.Matched) == 0 {
				t.Fatal("explicit deny without a matched statement")
			}
			for _, m := range d.Matched {
				if (d.Effect == ExplicitDeny) != (m.Statement.Effect == Deny) {
					t.Fatalf("decision %s lists a %s statement", d.Effect, m.Statement.Effect)
				}
			}
			_ = d.Explain()
		}
		for _, pk := range []Principal{FederatedPrincipal(principal), ServicePrincipal(principal)} {
			req.Principal = pk
			_ = EvaluateTrust(req, n).Explain()
		}
	})
}

// FuzzSimulate: the simulator (the IAM API's SimulateCustomPolicy) never
// panics on any document, action, resource or context entry.
func FuzzSimulate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "s3:GetObject", "arn:aws:s3:::b/k", "aws:username", "bob", "string")
	}
	f.Add(allowS3Get, "s3:GetObject", "*", "aws:SourceIp", "10.0.0.1", "ipList")
	f.Fuzz(func(t *testing.T, doc, action, resource, key, value, typ string) {
		out, err := Simulate(SimulationInput{
			Policies:              CustomPolicyInputs("PolicyInputList", []string{doc}),
			PermissionsBoundaries: CustomPolicyInputs("PermissionsBoundaryPolicyInputList", []string{doc}),
			ActionNames:           []string{action},
			ResourceArns:          []string{resource, resource + "x"},
			ContextEntries:        []ContextEntry{{ContextKeyName: key, ContextKeyValues: []string{value}, ContextKeyType: typ}},
		})
		if err == nil && len(out.EvaluationResults) != 1 {
			t.Fatalf("%d results for one action", len(out.EvaluationResults))
		}
	})
}
