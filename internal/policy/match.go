package policy

import "strings"

// actionPattern matches actions ("service:Action", wildcards allowed)
// ASCII-case-insensitively.
type actionPattern struct {
	raw string
	g   glob
}

func newActionPattern(raw string) actionPattern {
	return actionPattern{raw: raw, g: compileGlobValue(escapeBackslashes(raw), true, nil)}
}

func (a *actionPattern) match(action string) bool { return a.g.match(action) }

// arnPattern matches ARNs with IAM's rules (IAM User Guide,
// reference_policies_elements_resource: "Using wildcards in resource
// ARNs"): wildcards apply within each of the colon-separated segments
// (partition, service, region, account, resource); the resource segment is
// everything after the fifth colon, colons included; and a '*' that is the
// last character of the pattern's last segment expands beyond colon
// boundaries (so "arn:aws:s3:*" matches every S3 ARN). A pattern that does
// not start with "arn:" is matched against the whole string.
type arnPattern struct {
	all   bool   // "*"
	whole *glob  // non-ARN pattern
	segs  []glob // 1..6 segment patterns, the first is "arn"
	// tailExpands: the pattern has fewer than six segments and its last
	// segment ends with '*', which then also matches the remaining
	// segments.
	tailExpands bool
}

// compileARNPattern compiles an internal-form pattern (see compileGlob).
func compileARNPattern(pattern string) *arnPattern {
	p := new(arnPattern)
	*p = compileARNPatternValue(pattern)
	return p
}

func compileARNPatternValue(pattern string) arnPattern {
	if pattern == "*" {
		return arnPattern{all: true}
	}
	if !strings.HasPrefix(pattern, "arn:") {
		return arnPattern{whole: compileGlob(pattern, false)}
	}
	p := arnPattern{segs: make([]glob, 0, 6)}
	slots := make([]globSeg, 6)
	rest := pattern
	for len(p.segs) < 5 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			break
		}
		p.segs = append(p.segs, compileGlobValue(rest[:i], false, slots[len(p.segs):]))
		rest = rest[i+1:]
	}
	p.segs = append(p.segs, compileGlobValue(rest, false, slots[len(p.segs):]))
	p.tailExpands = len(p.segs) < 6 && strings.HasSuffix(rest, "*") && !strings.HasSuffix(rest, `\*`)
	return p
}

// match reports whether s matches the pattern.
func (p *arnPattern) match(s string) bool {
	switch {
	case p.all:
		return true
	case p.whole != nil:
		return p.whole.match(s)
	}
	rest := s
	last := len(p.segs) - 1
	for i := range p.segs {
		g := &p.segs[i]
		if i == last {
			if len(p.segs) == 6 || p.tailExpands {
				return g.match(rest)
			}
			// Fewer segments than the input has: the input must end here.
			if strings.IndexByte(rest, ':') >= 0 {
				return false
			}
			return g.match(rest)
		}
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return false
		}
		if !g.match(rest[:j]) {
			return false
		}
		rest = rest[j+1:]
	}
	return false
}
