package policy

import "strings"

// glob is a compiled wildcard pattern: '*' matches any run of bytes
// (including none), '?' matches exactly one byte. Matching is greedy
// leftmost per star-separated segment, which is exact for these patterns,
// and each segment is found with strings.Index or a bit-parallel Shift-And
// scan, so a match costs O(len(input) × ⌈len(segment)/64⌉) at worst and
// never backtracks.
type glob struct {
	segs    []globSeg
	anyStar bool // the pattern contains at least one '*'
	fold    bool // ASCII case-insensitive
	all     bool // the pattern is only stars
}

// globSeg is a run of the pattern between stars.
type globSeg struct {
	text  string // the bytes; at wildcard positions the byte is '?'
	plain bool   // no '?' and case-sensitive: strings.Index applies
	wild  []bool // wild[i] reports a '?' wildcard at i (nil if plain)
	sa    *shiftAnd
}

// Internal pattern form: a backslash escapes the next byte, so that values
// substituted from policy variables are literal. Policy text is converted
// with escapeGlobLiterals only for backslashes; '*' and '?' keep their
// meaning.

// compileGlob compiles an internal-form pattern.
func compileGlob(pattern string, fold bool) *glob {
	g := new(glob)
	*g = compileGlobValue(pattern, fold, nil)
	return g
}

// compileGlobValue compiles into a value; a pattern without wildcards or
// escapes uses one (the caller's) segment slot when given.
func compileGlobValue(pattern string, fold bool, slot []globSeg) glob {
	g := glob{fold: fold}
	if !strings.ContainsAny(pattern, `*?\`) {
		if slot == nil {
			slot = make([]globSeg, 1)
		}
		slot[0] = globSeg{text: pattern, plain: !fold}
		g.segs = slot[:1:1]
		return g
	}
	g.segs = make([]globSeg, 0, strings.Count(pattern, "*")+1)
	escaped := strings.IndexByte(pattern, '\\') >= 0
	start := 0
	var cur []byte
	var wild []bool
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			i++
			cur = append(cur, pattern[i])
			wild = append(wild, false)
		case c == '*':
			g.anyStar = true
			g.segs = append(g.segs, newGlobSeg(pattern[start:i], cur, wild, escaped, fold))
			start, cur, wild = i+1, nil, nil
		case c == '?':
			cur = append(cur, '?')
			wild = append(wild, true)
		default:
			if escaped {
				cur = append(cur, c)
				wild = append(wild, false)
			}
		}
	}
	g.segs = append(g.segs, newGlobSeg(pattern[start:], cur, wild, escaped, fold))
	// Drop empty segments between consecutive stars (keep first and last).
	out := g.segs[:1]
	for i := 1; i < len(g.segs)-1; i++ {
		if len(g.segs[i].text) > 0 {
			out = append(out, g.segs[i])
		}
	}
	if len(g.segs) > 1 {
		out = append(out, g.segs[len(g.segs)-1])
	}
	g.segs = out
	// Only segments between two stars are searched for; build their
	// Shift-And tables.
	for i := 1; i < len(g.segs)-1; i++ {
		if seg := &g.segs[i]; !seg.plain {
			seg.sa = newShiftAnd(seg.text, seg.wild, fold)
		}
	}
	g.all = g.anyStar && len(g.segs) == 2 && g.segs[0].text == "" && g.segs[1].text == ""
	return g
}

// newGlobSeg builds a segment from its raw text (no escapes) or, when the
// pattern has escapes, from the unescaped bytes collected with wildcard
// flags.
func newGlobSeg(raw string, cur []byte, wild []bool, escaped, fold bool) globSeg {
	seg := globSeg{text: raw}
	if escaped {
		seg.text = string(cur)
	} else if strings.IndexByte(raw, '?') >= 0 {
		wild = make([]bool, len(raw))
		for i := 0; i < len(raw); i++ {
			wild[i] = raw[i] == '?'
		}
	}
	hasWild := false
	for _, w := range wild {
		hasWild = hasWild || w
	}
	if hasWild {
		seg.wild = wild
	}
	seg.plain = !hasWild && !fold
	return seg
}

// escapeGlob makes every byte of s literal in the internal form.
func escapeGlob(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '*', '?':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return b
}

// escapeBackslashes converts policy text to the internal form.
func escapeBackslashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.ReplaceAll(s, `\`, `\\`)
}

// match reports whether s matches the whole pattern.
func (g *glob) match(s string) bool {
	if g.all {
		return true
	}
	if !g.anyStar {
		return len(g.segs) == 1 && g.segs[0].equal(s, g.fold)
	}
	first, last := g.segs[0], g.segs[len(g.segs)-1]
	if len(first.text)+len(last.text) > len(s) {
		return false
	}
	if !first.equal(s[:len(first.text)], g.fold) {
		return false
	}
	if !last.equal(s[len(s)-len(last.text):], g.fold) {
		return false
	}
	rest := s[len(first.text) : len(s)-len(last.text)]
	for _, seg := range g.segs[1 : len(g.segs)-1] {
		i := seg.index(rest)
		if i < 0 {
			return false
		}
		rest = rest[i+len(seg.text):]
	}
	return true
}

// equal compares s with the segment, honouring '?' and folding.
func (seg *globSeg) equal(s string, fold bool) bool {
	if len(s) != len(seg.text) {
		return false
	}
	if seg.plain {
		return s == seg.text
	}
	for i := 0; i < len(s); i++ {
		if seg.wild != nil && seg.wild[i] {
			continue
		}
		a, b := s[i], seg.text[i]
		if a == b {
			continue
		}
		if !fold || lowerASCII(a) != lowerASCII(b) {
			return false
		}
	}
	return true
}

// index returns the offset of the leftmost occurrence of seg in s, or -1.
func (seg *globSeg) index(s string) int {
	if seg.plain {
		return strings.Index(s, seg.text)
	}
	return seg.sa.index(s)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// shiftAnd finds a fixed-length pattern with single-byte wildcards in
// O(len(s) × words) using the Shift-And algorithm with multi-word states.
type shiftAnd struct {
	n     int // pattern length
	words int // uint64 words per state
	class [256]uint16
	masks []uint64 // masks[class*words : (class+1)*words]
}

func newShiftAnd(text string, wild []bool, fold bool) *shiftAnd {
	n := len(text)
	words := (n + 63) / 64
	if words == 0 {
		words = 1
	}
	sa := &shiftAnd{n: n, words: words}
	// Class 0: bytes that appear nowhere; they match only wildcard positions.
	sa.masks = make([]uint64, words)
	isWild := func(i int) bool { return wild != nil && wild[i] }
	for i := 0; i < n; i++ {
		if isWild(i) {
			sa.masks[i/64] |= 1 << (i % 64)
		}
	}
	wildMask := append([]uint64(nil), sa.masks[:words]...)
	classOf := func(c byte) uint16 {
		if sa.class[c] == 0 {
			sa.masks = append(sa.masks, wildMask...)
			sa.class[c] = uint16(len(sa.masks)/words - 1)
		}
		return sa.class[c]
	}
	for i := 0; i < n; i++ {
		if isWild(i) {
			continue
		}
		c := text[i]
		variants, nv := [2]byte{c}, 1
		if l := lowerASCII(c); fold && l >= 'a' && l <= 'z' {
			variants, nv = [2]byte{l, l - ('a' - 'A')}, 2
		}
		for _, v := range variants[:nv] {
			k := classOf(v)
			sa.masks[int(k)*words+i/64] |= 1 << (i % 64)
		}
	}
	return sa
}

func (sa *shiftAnd) index(s string) int {
	if sa.n == 0 {
		return 0
	}
	if sa.words == 1 {
		var d uint64
		hit := uint64(1) << (sa.n - 1)
		for i := 0; i < len(s); i++ {
			d = ((d << 1) | 1) & sa.masks[sa.class[s[i]]]
			if d&hit != 0 {
				return i - sa.n + 1
			}
		}
		return -1
	}
	return sa.indexWide(s)
}

func (sa *shiftAnd) indexWide(s string) int {
	var small [8]uint64
	var d []uint64
	if sa.words <= len(small) {
		d = small[:sa.words]
	} else {
		d = make([]uint64, sa.words)
	}
	hitWord, hitBit := (sa.n-1)/64, uint64(1)<<((sa.n-1)%64)
	for i := 0; i < len(s); i++ {
		m := sa.masks[int(sa.class[s[i]])*sa.words:]
		carry := uint64(1)
		for w := range d {
			next := d[w] >> 63
			d[w] = ((d[w] << 1) | carry) & m[w]
			carry = next
		}
		if d[hitWord]&hitBit != 0 {
			return i - sa.n + 1
		}
	}
	return -1
}
