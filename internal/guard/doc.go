// Package guard holds repository-wide checks that run with the tests: every
// package has a doc comment, no file grows past the size limit, and imports
// flow one way (a leaf package imports no sibling except the leaves listed
// for it, such as policy's strictjson).
package guard
