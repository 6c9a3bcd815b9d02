// Package bootstrap reads and writes the declarative YAML file of one
// account's OIDC providers, OAuth providers (ProviderId), managed policies
// and roles: the file given to
// `stsd serve --bootstrap FILE`, printed by `stsd export` and applied by
// `stsd apply FILE`.
//
// Load decodes the file strictly (unknown keys are errors), validates every
// entity with IAM's rules in one pass, and reports every problem with its
// file, line and column. Apply then creates what is missing and updates
// what differs; applying the same file twice writes nothing, and existing
// role IDs and creation dates are kept. Entities in the store that the file
// does not mention are left alone.
//
// Export reads an account back into a File and Encode writes it as YAML
// that Load reads back to the same state. MakePlan compares a file with
// the store without writing, deletions included, and (*Plan).Apply makes
// the store match the file exactly, with compare-and-swap against the
// revisions the plan saw. Users and access keys are never part of the file.
//
// The schema is documented in docs/configuration.md.
package bootstrap
