package iamwire

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/iam"
)

// TestTable pins every kind's code and status, and that the table is a
// bijection: every kind iam names has one code, and no two share it.
func TestTable(t *testing.T) {
	want := map[iam.Kind]wire{
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
	for k, w := range want {
		if Code(k) != w.code || Status(k) != w.status {
			t.Errorf("%s = %s %d, want %s %d", k, Code(k), Status(k), w.code, w.status)
		}
	}
	if len(table) != len(want) {
		t.Errorf("table has %d kinds, want %d", len(table), len(want))
	}
	kindOf := map[string]iam.Kind{}
	for k, w := range table {
		if other, dup := kindOf[w.code]; dup {
			t.Errorf("%s and %s share the code %s", k, other, w.code)
		}
		kindOf[w.code] = k
	}
	for k := iam.Kind(1); k < 64; k++ {
		if _, ok := table[k]; !ok && !strings.HasPrefix(k.String(), "kind ") {
			t.Errorf("iam kind %s has no IAM code", k)
		}
	}
}
