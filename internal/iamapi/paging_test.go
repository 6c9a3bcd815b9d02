package iamapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// A marker has one spelling: the one a list call returned. The same
// marker with a line break (which base64 decoders skip), with padding, or
// with other trailing bits is IAM's "Invalid Marker.", as any other
// malformed marker is.
func TestContractMarkerOtherSpellingsRejected(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		if _, err := n.root().CreateUser(ctx, &iamsdk.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{MaxItems: aws.Int32(2)})
	if err != nil || !first.IsTruncated {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	marker := aws.ToString(first.Marker)
	second, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{MaxItems: aws.Int32(2), Marker: aws.String(marker)})
	if err != nil || userNames(second.Users) != "carol dave" {
		t.Fatalf("second page with the marker as returned: %+v, %v", second, err)
	}
	spellings := map[string]string{
		"LF inside":     marker[:2] + "\n" + marker[2:],
		"CR inside":     marker[:2] + "\r" + marker[2:],
		"CRLF at end":   marker + "\r\n",
		"LF at start":   "\n" + marker,
		"padding":       marker + strings.Repeat("=", (4-len(marker)%4)%4) + "=",
		"trailing bits": otherTrailingBits(t, marker),
	}
	for name, m := range spellings {
		t.Run(name, func(t *testing.T) {
			_, err := n.root().ListUsers(ctx, &iamsdk.ListUsersInput{MaxItems: aws.Int32(2), Marker: aws.String(m)})
			wantAPIError(t, err, "InvalidInput", http.StatusBadRequest, "Invalid Marker.")
		})
	}
	// 4 CreateUser, 2 ListUsers pages, then one rejection per spelling.
	events := n.auditEvents(6 + len(spellings))
	if len(events) != 6+len(spellings) {
		t.Fatalf("%d audit events, want %d", len(events), 6+len(spellings))
	}
	for _, e := range events[6:] {
		if e.EventName != "ListUsers" || e.ErrorCode != "InvalidInput" || e.Decision.Reason != "iam_InvalidInput" {
			t.Errorf("audited rejection = %+v, want ListUsers InvalidInput with reason iam_InvalidInput", e)
		}
	}
}

// otherTrailingBits returns marker with the unused low bits of its last
// character set, which a lenient decoder reads as the same bytes.
func otherTrailingBits(t *testing.T, marker string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if len(marker)%4 == 0 {
		t.Fatalf("marker %q has no unused bits; pick names whose sort key is not a multiple of 3 bytes", marker)
	}
	last := strings.IndexByte(alphabet, marker[len(marker)-1])
	other := marker[:len(marker)-1] + string(alphabet[last|1])
	a, errA := base64.RawURLEncoding.DecodeString(marker)
	b, errB := base64.RawURLEncoding.DecodeString(other)
	if errA != nil || errB != nil || string(a) != string(b) || other == marker {
		t.Fatalf("%q and %q are not two spellings of one value", marker, other)
	}
	return other
}
