package awserr

import (
	"errors"
	"testing"
)

// carrier is an error that carries member violations, as package iam's
// Error of a malformed value does.
type carrier []Violation

func (c carrier) Error() string                 { return "carrier" }
func (c carrier) MemberViolations() []Violation { return c }

// TestViolationsPhases pins the collector's two phases: every violation
// first (in the order recorded), else the first other problem (in the
// order recorded, which Members and Rules may make different).
func TestViolationsPhases(t *testing.T) {
	a := carrier{{Member: "a", Form: ValueNull, Constraint: "Member must not be null"}}
	b := carrier{{Member: "b", Value: "x", Constraint: "Member must have length greater than or equal to 2"}}
	ruleA, ruleB := errors.New("rule a"), errors.New("rule b")

	var v Violations
	v.Check(nil, ruleA, b, ruleB, a)
	if v.Len() != 2 || v.Items()[0].Member != "b" || v.Items()[1].Member != "a" || v.Rule() != ruleA {
		t.Fatalf("Check: items %v, rule %v", v.Items(), v.Rule())
	}
	want := "2 validation errors detected: Value 'x' at 'b' failed to satisfy constraint: Member must have length greater than or equal to 2; Value null at 'a' failed to satisfy constraint: Member must not be null"
	if got := v.Err().Message; got != want {
		t.Errorf("Err = %q\nwant  %q", got, want)
	}

	var w Violations
	w.Members(ruleA, a)
	w.Rules(ruleB, a, ruleA)
	if w.Len() != 1 || w.Rule() != ruleB {
		t.Fatalf("Members/Rules: items %v, rule %v", w.Items(), w.Rule())
	}

	var none Violations
	none.Members(ruleA)
	none.Rules(nil, a)
	if none.Len() != 0 || none.Rule() != nil || none.Err() != nil {
		t.Fatalf("nothing recorded: items %v, rule %v", none.Items(), none.Rule())
	}
}
