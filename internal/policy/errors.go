package policy

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a policy document.
type Problem struct {
	// Offset is the byte offset in the document where the problem is.
	Offset int
	// Line and Column are 1-based; Column counts bytes.
	Line, Column int
	// Message says what is wrong, in IAM's words where IAM has words for it.
	Message string
}

// String renders the problem with its position.
func (p Problem) String() string {
	return fmt.Sprintf("line %d, column %d: %s", p.Line, p.Column, p.Message)
}

// ParseError is returned by Parse and ParseAs. It lists every problem found.
// Its Error text is suitable as the message of an IAM
// MalformedPolicyDocument error.
type ParseError struct {
	Problems []Problem
}

// Error joins the problem messages (positions are in Problems).
func (e *ParseError) Error() string {
	if len(e.Problems) == 0 {
		return "Syntax errors in policy."
	}
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}

// problems collects problems while parsing one document.
type problems struct {
	lines *lineIndex
	list  []Problem
}

func (ps *problems) add(offset int, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		return
	}
	line, col := ps.lines.position(offset)
	ps.list = append(ps.list, Problem{Offset: offset, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// maxProblems bounds the problems reported for one document.
const maxProblems = 100

// lineIndex maps byte offsets to 1-based line and column numbers.
type lineIndex struct {
	starts []int // offset of the first byte of each line
}

func newLineIndex(doc []byte) *lineIndex {
	li := &lineIndex{starts: []int{0}}
	for i, c := range doc {
		if c == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) position(offset int) (line, col int) {
	lo, hi := 0, len(li.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if li.starts[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, offset - li.starts[lo] + 1
}
