// Package iamwire is the one table from the iam package's error kinds to
// the error code and HTTP status IAM answers them with (IAM API Reference,
// "Common Errors" and each action's "Errors"). iam returns kinds and knows
// no wire code; iamapi answers with this table, and iam/bootstrap names the
// same codes in its problem lines, which is why the table is its own
// package below both (docs/architecture.md, "Errors").
package iamwire

import (
	"net/http"

	"github.com/stsd/stsd/internal/iam"
)

type wire struct {
	code   string
	status int
}

// table maps every iam.Kind to its code and status; no two kinds share a
// code, so every code on the wire names one kind.
var table = map[iam.Kind]wire{
	iam.KindValidation:       {"ValidationError", http.StatusBadRequest},
	iam.KindInvalidInput:     {"InvalidInput", http.StatusBadRequest},
	iam.KindMalformedPolicy:  {"MalformedPolicyDocument", http.StatusBadRequest},
	iam.KindNotFound:         {"NoSuchEntity", http.StatusNotFound},
	iam.KindAlreadyExists:    {"EntityAlreadyExists", http.StatusConflict},
	iam.KindLimitExceeded:    {"LimitExceeded", http.StatusConflict},
	iam.KindDeleteConflict:   {"DeleteConflict", http.StatusConflict},
	iam.KindConcurrentChange: {"ConcurrentModification", http.StatusConflict},
	iam.KindStoreFailure:     {"ServiceFailure", http.StatusInternalServerError},
}

// Code is the IAM error code of kind k.
func Code(k iam.Kind) string { return of(k).code }

// Status is the HTTP status IAM answers kind k with.
func Status(k iam.Kind) int { return of(k).status }

// of looks k up; a kind missing from the table is a programming error
// that the table's test catches.
func of(k iam.Kind) wire {
	w, ok := table[k]
	if !ok {
		panic("iamwire: no IAM code for iam kind " + k.String())
	}
	return w
}
