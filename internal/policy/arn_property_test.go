package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// refARNMatch is the reference for arnPattern: split both at the first
// five colons; compare segment by segment with refMatch; a pattern with
// fewer segments whose last segment ends in '*' lets that segment take the
// rest of the input.
func refARNMatch(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	if !strings.HasPrefix(pattern, "arn:") {
		return refMatch(pattern, s, false)
	}
	ps := strings.SplitN(pattern, ":", 6)
	ss := strings.SplitN(s, ":", 6)
	for i, p := range ps {
		last := i == len(ps)-1
		if last && len(ps) < 6 && strings.HasSuffix(p, "*") {
			return i < len(ss) && refMatch(p, strings.Join(ss[i:], ":"), false)
		}
		if i >= len(ss) || !refMatch(p, ss[i], false) {
			return false
		}
	}
	return len(ss) == len(ps)
}

func TestARNPatternProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alpha := "ab:*?/"
	gen := func(n int, pattern bool) string {
		var b strings.Builder
		for range n {
			c := alpha[r.IntN(len(alpha))]
			if !pattern && (c == '*' || c == '?') {
				c = 'a'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		p := "arn:" + gen(r.IntN(12), true)
		s := "arn:" + gen(r.IntN(14), false)
		if got, want := compileARNPattern(p).match(s), refARNMatch(p, s); got != want {
			t.Fatalf("arn pattern %q match %q = %v, reference %v", p, s, got, want)
		}
	}
}
