package authz

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stsd/stsd/internal/iam"
)

func sessionPolicyDoc(i int, pad int) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]%s}`, i, strings.Repeat(" ", pad))
}

// The cache returns the same parsed policy for the same text, DenyAll for
// text that does not parse, and stays within its entry and byte bounds
// however many distinct policies pass through it.
func TestParsedPoliciesBounded(t *testing.T) {
	var c parsedPolicies
	a := c.get(sessionPolicyDoc(1, 0))
	if a == iam.DenyAll || len(a.Statements) != 1 {
		t.Fatalf("parsed %+v", a)
	}
	if b := c.get(sessionPolicyDoc(1, 0)); b != a {
		t.Error("the same text parsed twice")
	}
	if p := c.get(`{"Statement":`); p != iam.DenyAll {
		t.Errorf("unparsable policy = %+v, want DenyAll", p)
	}
	for i := range 3 * parsedMaxEntries {
		c.get(sessionPolicyDoc(i, 0))
		if n, _ := c.len(); n > parsedMaxEntries {
			t.Fatalf("%d entries after %d policies", n, i+1)
		}
	}
	// Large documents: the byte bound holds first.
	var d parsedPolicies
	pad := parsedMaxDoc - 200
	for i := range 2 * parsedMaxBytes / parsedMaxDoc {
		p := d.get(sessionPolicyDoc(i, pad))
		if p == iam.DenyAll {
			t.Fatalf("large policy %d did not parse", i)
		}
		if _, bytes := d.len(); bytes > parsedMaxBytes {
			t.Fatalf("%d bytes cached", bytes)
		}
	}
	// Larger than a share of the cache: parsed, not kept.
	var e parsedPolicies
	if p := e.get(sessionPolicyDoc(0, parsedMaxDoc)); p == iam.DenyAll {
		t.Fatal("oversized policy did not parse")
	}
	if n, _ := e.len(); n != 0 {
		t.Errorf("oversized policy cached")
	}
}

// Concurrent use (run with -race).
func TestParsedPoliciesConcurrent(t *testing.T) {
	var c parsedPolicies
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				doc := sessionPolicyDoc((i*7+g)%300, 0)
				if p := c.get(doc); p == iam.DenyAll {
					t.Errorf("policy %d did not parse", i)
					return
				}
			}
		})
	}
	wg.Wait()
	if n, bytes := c.len(); n > 300 || bytes <= 0 {
		t.Errorf("%d entries, %d bytes", n, bytes)
	}
}
