package console

import (
	"net/http"
	"strconv"
	"strings"
)

// maxFormBytes bounds a console form (a policy document is at most a few
// KiB; 256 KiB leaves room and bounds what a request can make us parse).
const maxFormBytes = 256 << 10

// form parses the POST body once, capped.
func form(q *request) {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormBytes)
	_ = q.r.ParseForm()
}

// lines splits a textarea into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// setList writes a Query-protocol list: name.member.N.
func setList(params map[string]string, name string, values []string) {
	for i, v := range values {
		params[name+".member."+strconv.Itoa(i+1)] = v
	}
}

// redirect answers a successful change with a redirect to a page (POST,
// redirect, GET: reloading does not repeat the change).
func redirect(q *request, target string) {
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
}
