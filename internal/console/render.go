package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// pages holds one template set per page: the layout plus the page.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"pretty": prettyJSON,
	"json": func(v any) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return ""
		}
		return string(b)
	},
	"add": func(a, b int) int { return a + b },
}

func loadPages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", base, err)
		}
		p.byName[base] = t
	}
	return p, nil
}

// view is what every page renders: the layout's fields and the page's own
// data.
type view struct {
	Title  string
	Nav    string // the nav entry to highlight
	Caller string // the signed-in ARN ("" on the sign-in page)
	CSRF   string
	// Error is a message shown above the page (an API error, a denial).
	Error string
	// Notice is a message of success.
	Notice string
	Data   any
}

func (p *pages) render(w http.ResponseWriter, status int, name string, v *view) {
	t, ok := p.byName[name]
	if !ok {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// page renders a signed-in page.
func (c *Console) page(q *request, status int, name, nav, title string, data any, errMsg string) {
	c.pages.render(q.w, status, name, &view{Title: title, Nav: nav, Caller: q.caller.ARN, CSRF: q.sess.csrf, Data: data, Error: errMsg})
}

// renderError renders a page that only says what went wrong.
func (c *Console) renderError(q *request, status int, msg string) {
	c.page(q, status, "error", "", http.StatusText(status), nil, msg)
}

// prettyJSON indents a JSON document; anything else is returned as is.
func prettyJSON(doc string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(doc), "", "  "); err != nil {
		return doc
	}
	return buf.String()
}
