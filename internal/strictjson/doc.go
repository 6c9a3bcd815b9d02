// Package strictjson is stsd's one strict JSON (RFC 8259) scanner, shared by
// the two packages that read JSON written by someone else:
//
//   - policy parses IAM policy documents with Parse, into a tree of its own
//     that keeps member order and byte offsets for its messages;
//   - oidc decodes token headers and payloads, discovery documents and key
//     sets with DecodeObject, into the map[string]any shape encoding/json
//     gives with UseNumber.
//
// encoding/json is not enough for either. It keeps the last of duplicate
// member names without a word, so two readers of one document (our checks
// and a library, or AWS and us) can see different claims or policy
// elements; here a duplicate, compared after unescaping, is an error at any
// depth. It reports no positions for what it decodes. It turns invalid
// UTF-8 into U+FFFD; here invalid UTF-8 is an error. And it has no depth or
// size limit a caller can set; here every call takes Limits.
//
// Both outputs sit on one lexer (whitespace, literals, numbers, strings with
// their escapes, surrogate pairs and UTF-8 checks), so they cannot disagree
// about what a document says. Where encoding/json accepts a document without
// duplicate members, the values are equal to its values (a lone surrogate
// escape becomes U+FFFD, as there); whatever this package accepts,
// encoding/json accepts too (FuzzAgainstEncodingJSON checks both). Every
// call is linear in its input.
package strictjson
