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
// adds only its own. A context built from nothing keeps its keys in a map
// (a caller's may have a hundred tags); a derived one keeps its few
// changes in a slice, searched in order, which costs a fraction of a
// map's allocation.
type Context struct {
	keys map[string]contextValue // lower-cased name → value (NewContext)
	base *Context                // read-only context under this one (Derive)
	own  []ownValue              // a derived context's changes
}

type contextValue struct {
	name    string // the spelling used when it was set
	values  []string
	multi   bool
	deleted bool // hides the key of the context under this one
}

// ownValue is one change of a derived context.
type ownValue struct {
	lower string
	contextValue
}

// ownChanges is the room a derived context makes for its changes at
// first: the request's own keys (time, source address, transport, the
// service's keys).
const ownChanges = 12

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{keys: make(map[string]contextValue, 16)}
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

// put records v as the value of key: in the map of a context built from
// nothing, among the changes of a derived one (a deletion only when the
// contexts under it have the key).
func (c *Context) put(key string, v contextValue) {
	lower := strings.ToLower(key)
	if c.base == nil {
		if v.deleted {
			delete(c.keys, lower)
			return
		}
		if c.keys == nil {
			c.keys = make(map[string]contextValue, 16)
		}
		c.keys[lower] = v
		return
	}
	for i := range c.own {
		if c.own[i].lower == lower {
			c.own[i].contextValue = v
			return
		}
	}
	if v.deleted {
		if _, ok := c.base.lookup(lower); !ok {
			return
		}
	}
	if c.own == nil {
		c.own = make([]ownValue, 0, ownChanges)
	}
	c.own = append(c.own, ownValue{lower: lower, contextValue: v})
}

// Get returns the values of a key, whether it is multivalued, and whether it
// is present.
func (c *Context) Get(key string) (values []string, multi, ok bool) {
	v, ok := c.lookup(strings.ToLower(key))
	return v.values, v.multi, ok
}

// Len returns the number of keys.
func (c *Context) Len() int {
	if c == nil {
		return 0
	}
	if c.base == nil {
		return len(c.keys)
	}
	return len(c.Keys())
}

// Keys returns the key names in the spelling they were set with, a
// derived context's own first.
func (c *Context) Keys() []string {
	var out []string
	seen := map[string]bool{}
	add := func(lower string, v contextValue) {
		if !seen[lower] {
			seen[lower] = true
			if !v.deleted {
				out = append(out, v.name)
			}
		}
	}
	for ; c != nil; c = c.base {
		for _, o := range c.own {
			add(o.lower, o.contextValue)
		}
		for lower, v := range c.keys {
			add(lower, v)
		}
	}
	return out
}

// lookup finds an already lower-cased key without allocating.
func (c *Context) lookup(lowerKey string) (contextValue, bool) {
	for ; c != nil; c = c.base {
		for i := range c.own {
			if c.own[i].lower == lowerKey {
				return c.own[i].contextValue, !c.own[i].deleted
			}
		}
		if v, ok := c.keys[lowerKey]; ok {
			return v, true
		}
	}
	return contextValue{}, false
}
