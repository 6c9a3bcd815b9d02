package strictjson

// Builder makes the caller's node for each value Parse completes, innermost
// first, so the caller owns the tree's representation (and its allocation)
// while Parse owns the grammar, the limits, member order, duplicate
// detection and positions. Offsets are bytes into the document: start is a
// value's first byte and end one past its last.
type Builder[V any] interface {
	// Scalar makes a string (text is the decoded string), a number (its
	// text as written), a boolean (text "true" or "false") or null
	// (text "").
	Scalar(kind Kind, start, end int, text string) V
	// Array makes an array. items is only valid during the call.
	Array(start, end int, items []V) V
	// Object makes an object from its members in document order; no two
	// have the same key. members is only valid during the call.
	Object(start, end int, members []Member[V]) V
}

// Member is an object member as Parse hands it to Builder.Object.
type Member[V any] struct {
	Key      string // unescaped
	KeyStart int    // offset of the key's opening quote
	Value    V
}

// Parse parses doc, one JSON value of any kind, into b's nodes. Failures
// are *SyntaxError: the first violation in document order, with the
// messages the policy package shows its users (for example "duplicate
// field \"Effect\"" or "unexpected character '}': expected a field name in
// double quotes").
func Parse[V any](doc []byte, lim Limits, b Builder[V]) (V, error) {
	var zero V
	if err := lim.checkSize(doc); err != nil {
		return zero, err
	}
	p := &treeParser[V]{lexer: lexer{text: string(doc)}, b: b, maxDepth: lim.MaxDepth}
	p.skipSpace()
	v, err := p.value(1)
	if err != nil {
		return zero, err
	}
	p.skipSpace()
	if p.pos < len(p.text) {
		return zero, p.errorf(p.pos, "unexpected %s after the end of the JSON document", p.describe())
	}
	return v, nil
}

type treeParser[V any] struct {
	lexer
	b        Builder[V]
	maxDepth int
	// The members and items of the open objects and arrays, innermost
	// last: one stack of each for the whole document.
	members []Member[V]
	items   []V
}

// value parses the value at pos (after any whitespace).
func (p *treeParser[V]) value(depth int) (V, *SyntaxError) {
	var zero V
	if depth > p.maxDepth {
		return zero, p.depthError(p.maxDepth)
	}
	if p.pos >= len(p.text) {
		return zero, p.errorf(p.pos, "unexpected end of input: expected a value")
	}
	switch p.text[p.pos] {
	case '{':
		return p.object(depth)
	case '[':
		return p.array(depth)
	}
	start := p.pos
	kind, text, err := p.scalar()
	if err != nil {
		return zero, err
	}
	return p.b.Scalar(kind, start, p.pos, text), nil
}

func (p *treeParser[V]) array(depth int) (V, *SyntaxError) {
	var zero V
	start := p.pos
	p.pos++
	p.skipSpace()
	if p.pos < len(p.text) && p.text[p.pos] == ']' {
		p.pos++
		return p.b.Array(start, p.pos, nil), nil
	}
	base := len(p.items)
	for {
		p.skipSpace()
		item, err := p.value(depth + 1)
		if err != nil {
			return zero, err
		}
		p.items = append(p.items, item)
		p.skipSpace()
		if p.pos >= len(p.text) {
			return zero, p.expected("',' or ']'")
		}
		switch p.text[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v := p.b.Array(start, p.pos, p.items[base:])
			p.items = p.items[:base]
			return v, nil
		default:
			return zero, p.expected("',' or ']'")
		}
	}
}

func (p *treeParser[V]) object(depth int) (V, *SyntaxError) {
	var zero V
	start := p.pos
	p.pos++
	p.skipSpace()
	if p.pos < len(p.text) && p.text[p.pos] == '}' {
		p.pos++
		return p.b.Object(start, p.pos, nil), nil
	}
	base := len(p.members)
	var seen map[string]struct{}
	for {
		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != '"' {
			return zero, p.expected("a field name in double quotes")
		}
		keyStart := p.pos
		key, err := p.str()
		if err != nil {
			return zero, err
		}
		if isDuplicate(p.members[base:], &seen, key) {
			return zero, p.errorf(keyStart, "duplicate field %q", key)
		}
		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != ':' {
			return zero, p.expected("':'")
		}
		p.pos++
		p.skipSpace()
		val, err := p.value(depth + 1)
		if err != nil {
			return zero, err
		}
		p.members = append(p.members, Member[V]{Key: key, KeyStart: keyStart, Value: val})
		p.skipSpace()
		if p.pos >= len(p.text) {
			return zero, p.expected("',' or '}'")
		}
		switch p.text[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v := p.b.Object(start, p.pos, p.members[base:])
			p.members = p.members[:base]
			return v, nil
		default:
			return zero, p.expected("',' or '}'")
		}
	}
}

// isDuplicate reports whether key is already a member; it switches from a
// linear scan to a set for large objects so that checking stays linear.
func isDuplicate[V any](members []Member[V], seen *map[string]struct{}, key string) bool {
	const linearLimit = 8
	if len(members) < linearLimit {
		for _, m := range members {
			if m.Key == key {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]struct{}, 2*len(members))
		for _, m := range members {
			(*seen)[m.Key] = struct{}{}
		}
	}
	if _, ok := (*seen)[key]; ok {
		return true
	}
	(*seen)[key] = struct{}{}
	return false
}
