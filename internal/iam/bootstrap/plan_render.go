package bootstrap

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

// String renders the plan as Write does.
func (p *Plan) String() string {
	var b strings.Builder
	_ = p.Write(&b)
	return b.String()
}

// Write renders the plan for review, one line per created or deleted
// entity and per changed field, in the order Apply works, then a summary;
// for example:
//
//	~ policy ArtifactsRead: document: changed (152 → 128 bytes)
//	      "Action": [
//	        "s3:GetObject",
//	    -   "s3:ListBucket"
//	      ],
//	    the document becomes version v2, the default
//	+ role app-deployer (arn:aws:iam::000000000000:role/app-deployer)
//	~ role ci: max_session_duration: 3600 → 7200
//	- policy old-policy (arn:aws:iam::000000000000:policy/old-policy)
//
//	Plan: 1 to create, 2 to update, 1 to delete.
//
// Documents are compared pretty-printed, showing changed lines with two
// lines of context. An empty plan is "No changes.".
func (p *Plan) Write(w io.Writer) error {
	if p.Empty() {
		_, err := io.WriteString(w, "No changes.\n")
		return err
	}
	var b strings.Builder
	for _, s := range p.Steps {
		head := string(s.Op) + " " + s.Kind + " " + s.Name
		switch s.Op {
		case OpCreate, OpDelete:
			b.WriteString(head + " (" + s.ARN + ")\n")
		case OpUpdate:
			for _, f := range s.Fields {
				writeField(&b, head, f)
			}
		}
		for _, n := range s.Notes {
			b.WriteString("    " + n + "\n")
		}
	}
	c, u, d := p.Counts()
	b.WriteString("\nPlan: " + strconv.Itoa(c) + " to create, " + strconv.Itoa(u) + " to update, " + strconv.Itoa(d) + " to delete.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeField(b *strings.Builder, head string, f FieldChange) {
	b.WriteString(head + ": " + f.Field + ": ")
	if !f.Document {
		b.WriteString(f.Old + " → " + f.New + "\n")
		return
	}
	var diff []string
	switch {
	case f.Old == "":
		b.WriteString("added (" + size(f.New) + ")\n")
		diff = documentDiff("", f.New)
	case f.New == "":
		b.WriteString("removed (" + size(f.Old) + ")\n")
	default:
		diff = documentDiff(f.Old, f.New)
		if diff == nil {
			b.WriteString("formatting changed (" + strconv.Itoa(len(f.Old)) + " → " + size(f.New) + ")\n")
		} else {
			b.WriteString("changed (" + strconv.Itoa(len(f.Old)) + " → " + size(f.New) + ")\n")
		}
	}
	for _, l := range diff {
		b.WriteString("    " + l + "\n")
	}
}

func size(doc string) string { return strconv.Itoa(len(doc)) + " bytes" }

// fields collects the changes of an update.
type fields []FieldChange

func (fc *fields) str(name, old, new string) {
	if old != new {
		*fc = append(*fc, FieldChange{Field: name, Old: orNone(old), New: orNone(new)})
	}
}

func (fc *fields) num(name string, old, new int) {
	if old != new {
		*fc = append(*fc, FieldChange{Field: name, Old: strconv.Itoa(old), New: strconv.Itoa(new)})
	}
}

func (fc *fields) doc(name, old, new string) {
	if old != new {
		*fc = append(*fc, FieldChange{Field: name, Old: old, New: new, Document: true})
	}
}

func (fc *fields) list(name string, old, new []string) {
	if !slices.Equal(old, new) {
		*fc = append(*fc, FieldChange{Field: name, Old: showList(old), New: showList(new)})
	}
}

func (fc *fields) tags(name string, old, new []iam.Tag) {
	if !slices.Equal(old, new) {
		*fc = append(*fc, FieldChange{Field: name, Old: showTags(old), New: showTags(new)})
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return quoted(s)
}

// quoted returns s as it is when it is a simple token (names, ARNs, URLs)
// and Go-quoted otherwise (empty, spaces, punctuation, control characters).
func quoted(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/=+@*-", r)) {
			return strconv.Quote(s)
		}
	}
	return s
}

func showList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quoted(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func showTags(tags []iam.Tag) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = quoted(t.Key) + ": " + quoted(t.Value)
	}
	return "{" + strings.Join(q, ", ") + "}"
}
