// Package bootstrap reads the declarative YAML file given to
// `stsd serve --bootstrap FILE` — OIDC providers, managed policies and
// roles of one account — and applies it to the store idempotently.
//
// Load decodes the file strictly (unknown keys are errors), validates every
// entity with IAM's rules in one pass, and reports every problem with its
// file, line and column. Apply then creates what is missing and updates
// what differs; applying the same file twice writes nothing, and existing
// role IDs and creation dates are kept. Entities in the store that the file
// does not mention are left alone.
//
// The schema is documented in docs/configuration.md.
package bootstrap
