package bootstrap

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Bounds on the document diffs a plan shows.
const (
	diffContext  = 2       // unchanged lines shown around a change
	diffMaxLines = 60      // lines shown per document before "… N more lines"
	diffMaxCells = 1 << 22 // largest LCS table computed (lines × lines)
)

// prettyJSON indents a JSON document (two spaces, key order kept) for
// line-wise comparison; text that is not JSON is returned as it is.
func prettyJSON(doc string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(doc), "", "  "); err != nil {
		return doc
	}
	return strings.TrimSpace(b.String())
}

// documentDiff returns a compact unified diff of two documents, compared
// pretty-printed: changed lines prefixed "- " and "+ ", up to diffContext
// unchanged lines around them prefixed "  ", and "…" between distant
// changes. It returns nil when the documents differ only in formatting,
// and a single "…" line when they are too large to compare line by line.
func documentDiff(oldDoc, newDoc string) []string {
	a, b := splitLines(prettyJSON(oldDoc)), splitLines(prettyJSON(newDoc))
	ops, ok := diffLines(a, b)
	if !ok {
		return []string{"… (too large to compare line by line)"}
	}
	changed := false
	for _, o := range ops {
		if o.op != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		return nil
	}
	// Show changed lines and their context.
	show := make([]bool, len(ops))
	for i, o := range ops {
		if o.op == ' ' {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(ops)-1, i+diffContext); j++ {
			show[j] = true
		}
	}
	var out []string
	last := -1
	for i, o := range ops {
		if !show[i] {
			continue
		}
		if last >= 0 && i > last+1 || last < 0 && i > 0 {
			out = append(out, "…")
		}
		out = append(out, string(o.op)+" "+o.line)
		last = i
	}
	if last < len(ops)-1 {
		out = append(out, "…")
	}
	if len(out) > diffMaxLines {
		more := len(out) - diffMaxLines
		out = append(out[:diffMaxLines:diffMaxLines], "… ("+strconv.Itoa(more)+" more lines)")
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

type diffOp struct {
	op   byte // ' ', '-' or '+'
	line string
}

// diffLines computes a shortest edit script from a to b by longest common
// subsequence, after trimming the common prefix and suffix. ok is false
// when the remaining table would be larger than diffMaxCells.
func diffLines(a, b []string) ([]diffOp, bool) {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > diffMaxCells {
		return nil, false
	}
	var ops []diffOp
	for _, l := range a[:pre] {
		ops = append(ops, diffOp{' ', l})
	}
	// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
	w := len(mb) + 1
	lcs := make([]int32, (len(ma)+1)*w)
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
			ops = append(ops, diffOp{' ', ma[i]})
			i++
			j++
		case i < len(ma) && (j == len(mb) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			ops = append(ops, diffOp{'-', ma[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', mb[j]})
			j++
		}
	}
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, diffOp{' ', l})
	}
	return ops, true
}
