package policy

// resourcePattern is one Resource or NotResource value.
type resourcePattern struct {
	raw       string
	tpl       template
	static    arnPattern // valid when hasStatic
	hasStatic bool       // false when the value has policy variables
}

// match reports whether the resource matches; ok is false (with the
// variable name) when a policy variable cannot be resolved.
func (r *resourcePattern) match(resource string, ctx *Context) (matched bool, unresolved string, ok bool) {
	if r.hasStatic {
		return r.static.match(resource), "", true
	}
	buf, name, ok := r.tpl.resolve(nil, ctx, true)
	if !ok {
		return false, name, false
	}
	return compileARNPattern(string(buf)).match(resource), "", true
}
