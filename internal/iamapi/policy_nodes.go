package iamapi

import (
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
)

// Response pieces shared by the actions that return policies and entities.

// encodePolicyDocument percent-encodes a policy document as IAM returns it
// (RFC 3986: every byte but the unreserved A-Z a-z 0-9 - . _ ~ becomes %XX,
// spaces included, so botocore's unquote and Java's URLDecoder both restore
// the JSON exactly).
func encodePolicyDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(doc) * 2)
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return c == '-' || c == '.' || c == '_' || c == '~'
}

// boundaryNode is the PermissionsBoundary member of a role or user
// (AttachedPermissionsBoundary), absent when none is set.
func boundaryNode(arn string) awsquery.Node {
	if arn == "" {
		return awsquery.Absent("PermissionsBoundary")
	}
	return awsquery.Struct("PermissionsBoundary",
		awsquery.Str("PermissionsBoundaryType", "PermissionsBoundaryPolicy"),
		awsquery.Str("PermissionsBoundaryArn", arn))
}
