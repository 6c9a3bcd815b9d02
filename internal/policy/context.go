package policy

import "strings"

// Context holds the request context keys a policy's conditions and
// variables read. Key names are case-insensitive. Values are strings, as in
// AWS; each condition operator interprets them (number, date, boolean, IP
// address, ARN, base64 binary). Build one per request; after building it is
// only read, so evaluation may share it between goroutines.
//
// A context may be derived from another (Derive): it reads the keys of the
// one under it and keeps its own changes, so the keys shared by many
// requests (those describing the caller) are built once and each request
// adds only its own.
//
// Keys are kept in a slice in the order they were first set, searched in
// order: a request's context has some ten to thirty keys, for which this
// costs a fraction of a map's allocation. A context that grows past
// indexFrom keys (a caller with many tags) also gets a map index.
type Context struct {
	base    *Context // read-only context under this one (Derive), or nil
	entries []entry
	index   map[string]int // lower-cased name → position in entries, once len(entries) > indexFrom
}

type contextValue struct {
	name    string // the spelling used when it was set
	values  []string
	multi   bool
	deleted bool // hides the key of the context under this one
}

// entry is one key of a context.
type entry struct {
	lower string
	contextValue
}

const (
	// firstEntries is the room a context makes for keys at first.
	firstEntries = 16
	// indexFrom is the number of keys beyond which a context indexes
	// them in a map.
	indexFrom = 32
)

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{}
}

// Derive returns a context that has c's keys and whose changes leave c as
// it is. It copies nothing: c must not change while the derived context
// is in use (build c first, then derive from it).
func (c *Context) Derive() *Context {
	return &Context{base: c}
}

// Set sets a key. One value makes a single-valued key; zero or several
// values make a multivalued key (use SetList for a multivalued key with
// exactly one value). It replaces any earlier value of the key.
func (c *Context) Set(key string, values ...string) {
	c.put(key, contextValue{name: key, values: append([]string(nil), values...), multi: len(values) != 1})
}

// SetList sets a multivalued key (a set of strings, such as aws:TagKeys),
// even when it has one value or none.
func (c *Context) SetList(key string, values ...string) {
	c.put(key, contextValue{name: key, values: append([]string(nil), values...), multi: true})
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	c.put(key, contextValue{name: key, deleted: true})
}

// put records v as the value of key, replacing the key's entry if it has
// one. A deletion is recorded only where it hides something.
func (c *Context) put(key string, v contextValue) {
	lower := strings.ToLower(key)
	if i, ok := c.find(lower); ok {
		c.entries[i].contextValue = v
		return
	}
	if v.deleted {
		if _, ok := c.base.lookup(lower); !ok {
			return
		}
	}
	if c.entries == nil {
		c.entries = make([]entry, 0, firstEntries)
	}
	c.entries = append(c.entries, entry{lower: lower, contextValue: v})
	switch n := len(c.entries); {
	case c.index != nil:
		c.index[lower] = n - 1
	case n > indexFrom:
		c.index = make(map[string]int, 2*n)
		for i, e := range c.entries {
			c.index[e.lower] = i
		}
	}
}

// find is the position of lowerKey among c's own entries.
func (c *Context) find(lowerKey string) (int, bool) {
	if c.index != nil {
		i, ok := c.index[lowerKey]
		return i, ok
	}
	for i := range c.entries {
		if c.entries[i].lower == lowerKey {
			return i, true
		}
	}
	return 0, false
}

// Get returns the values of a key, whether it is multivalued, and whether it
// is present.
func (c *Context) Get(key string) (values []string, multi, ok bool) {
	v, ok := c.lookup(strings.ToLower(key))
	return v.values, v.multi, ok
}

// Len returns the number of keys.
func (c *Context) Len() int {
	return len(c.Keys())
}

// Keys returns the key names in the spelling they were set with: a
// context's own in the order they were first set, then those of the
// context it was derived from.
func (c *Context) Keys() []string {
	var out []string
	seen := map[string]bool{}
	for ; c != nil; c = c.base {
		for _, e := range c.entries {
			if !seen[e.lower] {
				seen[e.lower] = true
				if !e.deleted {
					out = append(out, e.name)
				}
			}
		}
	}
	return out
}

// lookup finds an already lower-cased key without allocating.
func (c *Context) lookup(lowerKey string) (contextValue, bool) {
	for ; c != nil; c = c.base {
		if i, ok := c.find(lowerKey); ok {
			e := c.entries[i]
			return e.contextValue, !e.deleted
		}
	}
	return contextValue{}, false
}
