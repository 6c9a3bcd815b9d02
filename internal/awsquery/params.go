// Package awsquery is the AWS Query protocol as STS and IAM speak it: request
// parameters from a GET query string or a form-encoded POST body (merged, the
// body winning; a parameter repeated within one source rejected), the
// "X.member.N" list encodings, and the response tree that renders as the
// XML envelope or, for clients that ask with Accept: application/json, the
// same tree as JSON.
package awsquery

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/awserr"
)

// Limits that bound what a request can make the parser do.
const (
	// MaxParams bounds the number of parameters in one request.
	MaxParams = 1000
	// MaxListMembers bounds N in "X.member.N".
	MaxListMembers = 1000
)

// Params are the decoded request parameters, names case-sensitive.
type Params struct {
	values map[string]string
}

// NewParams builds Params from a map (tests and internal callers).
func NewParams(m map[string]string) Params { return Params{values: m} }

// Parse decodes the URL query and, when form is true, the form body; body
// parameters override URL ones. A parameter given twice in one source is an
// InvalidQueryParameter error, as is an undecodable string.
func Parse(rawQuery string, body []byte, form bool) (Params, error) {
	p := Params{values: map[string]string{}}
	if err := p.merge(rawQuery); err != nil {
		return Params{}, err
	}
	if form && len(body) > 0 {
		if err := p.merge(string(body)); err != nil {
			return Params{}, err
		}
	}
	return p, nil
}

func (p *Params) merge(raw string) error {
	if raw == "" {
		return nil
	}
	if strings.Count(raw, "&") >= MaxParams {
		return awserr.InvalidQueryParameter("The request has too many parameters.")
	}
	seen := map[string]bool{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return awserr.InvalidQueryParameter("The query string is malformed: invalid escape in a parameter name.")
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return awserr.InvalidQueryParameter("The query string is malformed: invalid escape in the value of " + quote(name) + ".")
		}
		if seen[name] {
			return awserr.InvalidQueryParameter("The parameter " + quote(name) + " is repeated; each parameter may appear only once.")
		}
		seen[name] = true
		p.values[name] = value
	}
	return nil
}

// quote shows a client-supplied name safely in a message.
func quote(s string) string {
	if len(s) > 128 {
		s = s[:128] + "…"
	}
	return strconv.Quote(s)
}

// Get returns the parameter and whether it was present.
func (p Params) Get(name string) (string, bool) {
	v, ok := p.values[name]
	return v, ok
}

// Value returns the parameter, or "" when absent.
func (p Params) Value(name string) string { return p.values[name] }

// Has reports whether the parameter is present.
func (p Params) Has(name string) bool {
	_, ok := p.values[name]
	return ok
}

// Names returns every parameter name, sorted.
func (p Params) Names() []string {
	names := make([]string, 0, len(p.values))
	for n := range p.values {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Len is the number of parameters.
func (p Params) Len() int { return len(p.values) }

// List returns the values of "prefix.member.N" in order of N, and whether the
// list was given at all ("prefix=" alone marks an empty list).
func (p Params) List(prefix string) ([]string, bool) {
	items, present := p.members(prefix, "")
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.value
	}
	return out, present
}

// StructList returns the structures "prefix.member.N.field" in order of N,
// each as field → value for the requested fields, and whether the list was
// given at all.
func (p Params) StructList(prefix string, fields ...string) ([]map[string]string, bool) {
	byN := map[int]map[string]string{}
	present := false
	for _, f := range fields {
		items, ok := p.members(prefix, "."+f)
		present = present || ok
		for _, it := range items {
			m := byN[it.n]
			if m == nil {
				m = map[string]string{}
				byN[it.n] = m
			}
			m[f] = it.value
		}
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	out := make([]map[string]string, len(ns))
	for i, n := range ns {
		out[i] = byN[n]
	}
	return out, present
}

type member struct {
	n     int
	value string
}

func (p Params) members(prefix, suffix string) ([]member, bool) {
	_, present := p.values[prefix]
	head := prefix + ".member."
	var items []member
	for name, value := range p.values {
		rest, ok := strings.CutPrefix(name, head)
		if !ok {
			continue
		}
		rest, ok = strings.CutSuffix(rest, suffix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || n > MaxListMembers || strconv.Itoa(n) != rest {
			continue
		}
		present = true
		items = append(items, member{n: n, value: value})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	return items, present
}
