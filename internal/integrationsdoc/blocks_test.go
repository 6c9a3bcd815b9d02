package integrationsdoc

import (
	"bufio"
	"fmt"
	"strings"
)

// Blocks returns the fenced code blocks of a Markdown text keyed by their
// whole info string ("json trust-policy", "yaml bootstrap v2"); blocks
// with an info string of one word (a language only) or none are skipped.
// A key seen twice is an error, as is an unclosed block.
func Blocks(markdown string) (map[string]string, error) {
	blocks := map[string]string{}
	var key string
	var body *strings.Builder
	sc := bufio.NewScanner(strings.NewReader(markdown))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		fence := strings.HasPrefix(strings.TrimSpace(text), "```")
		switch {
		case body == nil && fence:
			key = strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(text), "```")), " ")
			body = &strings.Builder{}
		case body != nil && strings.TrimSpace(text) == "```":
			if strings.Contains(key, " ") {
				if _, dup := blocks[key]; dup {
					return nil, fmt.Errorf("line %d: a second %q block", line, key)
				}
				blocks[key] = body.String()
			}
			body = nil
		case body != nil:
			body.WriteString(text + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if body != nil {
		return nil, fmt.Errorf("the %q block is not closed", key)
	}
	return blocks, nil
}
