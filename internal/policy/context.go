package policy

import "strings"

// Context holds the request context keys a policy's conditions and
// variables read. Key names are case-insensitive. Values are strings, as in
// AWS; each condition operator interprets them (number, date, boolean, IP
// address, ARN, base64 binary). Build one per request; after building it is
// only read, so evaluation may share it between goroutines.
type Context struct {
	keys map[string]contextValue // lower-cased name → value
}

type contextValue struct {
	name   string // the spelling used when it was set
	values []string
	multi  bool
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

// Clone returns a copy that can be changed without changing c.
func (c *Context) Clone() *Context {
	out := &Context{keys: make(map[string]contextValue, len(c.keys)+4)}
	for k, v := range c.keys {
		out.keys[k] = v // values are never changed in place
	}
	return out
}

// Delete removes a key.
func (c *Context) Delete(key string) {
	delete(c.keys, strings.ToLower(key))
}

// Get returns the values of a key, whether it is multivalued, and whether it
// is present.
func (c *Context) Get(key string) (values []string, multi, ok bool) {
	if c == nil {
		return nil, false, false
	}
	v, ok := c.keys[strings.ToLower(key)]
	return v.values, v.multi, ok
}

// Len returns the number of keys.
func (c *Context) Len() int {
	if c == nil {
		return 0
	}
	return len(c.keys)
}

// Keys returns the key names in the spelling they were set with.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.keys))
	for _, v := range c.keys {
		out = append(out, v.name)
	}
	return out
}

// lookup finds an already lower-cased key without allocating.
func (c *Context) lookup(lowerKey string) (contextValue, bool) {
	if c == nil {
		return contextValue{}, false
	}
	v, ok := c.keys[lowerKey]
	return v, ok
}
