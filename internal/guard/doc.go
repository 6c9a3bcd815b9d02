// Package guard holds repository-wide checks that run with the tests: every
// package is in one layer of the architecture's layer table and imports only
// packages of lower layers (the table docs/architecture.md shows), README.md's
// layout lists every package, every package has a doc comment, no file grows
// past the size limit, and the leaf packages import no sibling except the
// leaves listed for them, such as policy's arn and strictjson.
package guard
