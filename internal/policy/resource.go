package policy

import "strings"

// resourcePattern is one Resource or NotResource value.
type resourcePattern struct {
	raw       string
	tpl       template
	static    arnPattern // valid when hasStatic
	hasStatic bool       // false when the value has policy variables
}

// match reports whether the resource matches. A value whose policy
// variable has no value (and no default) matches nothing; unresolved then
// names the variable.
func (r *resourcePattern) match(resource string, ctx *Context) (matched bool, unresolved string) {
	if r.hasStatic {
		return r.static.match(resource), ""
	}
	buf, name, ok := r.tpl.resolve(nil, ctx, true)
	if !ok {
		return false, name
	}
	return compileARNPattern(string(buf)).match(resource), ""
}

// isResourceARN reports whether a Resource or NotResource value is "*" or
// an ARN, as IAM requires of identity-based and resource-based policies
// (IAM User Guide, "IAM JSON policy elements: Resource": "You specify a
// resource using an ARN"; the ARN format is
// arn:partition:service:region:account-id:resource, six colon-separated
// segments, the last of which may itself contain colons). IAM rejects
// other values with MalformedPolicyDocument `Resource X must be in ARN
// format or "*".` The value is checked as written, each policy variable
// standing for one character: a variable cannot supply the "arn:" prefix
// or a missing segment. Fewer than six segments are accepted only when the
// last ends with a '*' wildcard, which "can expand to match beyond the
// colon boundaries" (the same page), and never without a service segment.
func isResourceARN(tpl *template) bool {
	shape := tpl.shape()
	if shape == "*" {
		return true
	}
	rest, ok := strings.CutPrefix(shape, "arn:")
	if !ok {
		return false
	}
	segments := strings.Count(rest, ":") + 2
	if segments >= 6 {
		return true
	}
	return segments >= 3 && strings.HasSuffix(shape, "*") && !strings.HasSuffix(shape, `\*`)
}
