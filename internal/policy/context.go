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
type Context struct {
	base *Context                // read-only context under this one, or nil
	keys map[string]contextValue // lower-cased name → value
}

type contextValue struct {
	name    string // the spelling used when it was set
	values  []string
	multi   bool
	deleted bool // hides the key of the context under this one
}

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{keys: make(map[string]contextValue, 16)}
}

// Set sets a key. One value makes a single-valued key; zero or several
// values make a multivalued key (use SetList for a multivalued key with
// exactly one value). It replaces any earlier value of the key.
func (c *Context) Set(key string, values ...string) {
	c.set(key, values, len(values) != 1)
}

// SetList sets a multivalued key (a set of strings, such as aws:TagKeys),
// even when it has one value or none.
func (c *Context) SetList(key string, values ...string) {
	c.set(key, values, true)
}

func (c *Context) set(key string, values []string, multi bool) {
	if c.keys == nil {
		c.keys = make(map[string]contextValue, 16)
	}
	c.keys[strings.ToLower(key)] = contextValue{name: key, values: append([]string(nil), values...), multi: multi}
}

// Derive returns a context that has c's keys and whose changes leave c as
// it is. It copies nothing: c must not change while the derived context
// is in use (build c first, then derive from it).
func (c *Context) Derive() *Context {
	return &Context{base: c}
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	lower := strings.ToLower(key)
	if c.base == nil {
		delete(c.keys, lower)
		return
	}
	if _, ok := c.base.lookup(lower); !ok {
		delete(c.keys, lower)
		return
	}
	if c.keys == nil {
		c.keys = make(map[string]contextValue, 16)
	}
	c.keys[lower] = contextValue{name: key, deleted: true}
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

// Keys returns the key names in the spelling they were set with, those of
// a derived context's own changes first.
func (c *Context) Keys() []string {
	var out []string
	seen := map[string]bool{}
	for ; c != nil; c = c.base {
		for k, v := range c.keys {
			if !seen[k] {
				seen[k] = true
				if !v.deleted {
					out = append(out, v.name)
				}
			}
		}
	}
	return out
}

// lookup finds an already lower-cased key without allocating.
func (c *Context) lookup(lowerKey string) (contextValue, bool) {
	for ; c != nil; c = c.base {
		if v, ok := c.keys[lowerKey]; ok {
			return v, !v.deleted
		}
	}
	return contextValue{}, false
}
