// Package guard holds repository-wide checks that run with the tests: every
// package has a doc comment, no file grows past the size limit, and imports
// flow one way (leaf packages import no sibling).
package guard
