package bootstrap

import (
	"errors"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/iamwire"
)

// maxProblems bounds the problems one Load reports.
const maxProblems = 200

// Problem is one thing wrong with a bootstrap file.
type Problem struct {
	File         string
	Line, Column int
	// Path locates the value in the schema, e.g. "roles[1].trust_policy".
	Path    string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteString(":" + strconv.Itoa(p.Column))
		}
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LoadError lists every problem found in a file.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "bootstrap: " + strconv.Itoa(len(e.Problems)) + " problem(s):\n" + strings.Join(lines, "\n")
}

// collector gathers problems, locating each by its schema path in the
// file's node tree.
type collector struct {
	file     string
	root     *yaml.Node
	problems []Problem
}

// seg is one step of a schema path: a mapping key (string) or a sequence
// index (int).
type seg = any

func (c *collector) add(path []seg, msg string) {
	if len(c.problems) >= maxProblems {
		return
	}
	line, col := locate(c.root, path)
	c.problems = append(c.problems, Problem{File: c.file, Line: line, Column: col, Path: pathString(path), Message: msg})
}

// addErr records err, rendering IAM errors as "<Code>: <message>" with the
// code and message IAM answers them with (iamwire).
func (c *collector) addErr(path []seg, err error) {
	if err == nil {
		return
	}
	var e *iam.Error
	if errors.As(err, &e) {
		c.add(path, iamwire.Code(e.Kind())+": "+iamwire.Message(e))
		return
	}
	c.add(path, err.Error())
}

func pathString(path []seg) string {
	var b strings.Builder
	for _, s := range path {
		switch v := s.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// locate returns the position of the deepest node of path present in the
// tree (for a mapping key, the position of its value).
func locate(root *yaml.Node, path []seg) (line, col int) {
	n := root
	if n == nil {
		return 0, 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	line, col = n.Line, n.Column
	for _, s := range path {
		var next *yaml.Node
		switch v := s.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == v {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && v >= 0 && v < len(n.Content) {
				next = n.Content[v]
			}
		}
		if next == nil {
			return line, col
		}
		n = next
		line, col = n.Line, n.Column
	}
	return line, col
}
