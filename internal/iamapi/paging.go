package iamapi

import (
	"encoding/base64"
	"sort"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/strictb64"
)

// Pagination limits of IAM's list actions.
const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
	maxMarkerLength = 320
)

// markerEncoding spells a marker: unpadded base64url of the sort key the
// next page starts at. Markers are decoded with strictb64 and Strict, so
// only the spelling a list call returned is accepted (no line breaks, no
// other trailing bits).
var markerEncoding = base64.RawURLEncoding.Strict()

// pageRequest is the Marker and MaxItems of a list call.
type pageRequest struct {
	after    string // sort key the page starts at (inclusive); "" from the start
	maxItems int
}

// pageParams reads and validates Marker and MaxItems.
func (x *exchange) pageParams() (pageRequest, error) {
	pr := pageRequest{maxItems: defaultMaxItems}
	n, ok, err := x.integer("MaxItems", "maxItems", 1, maxMaxItems)
	if ok {
		pr.maxItems = n
	}
	var markerErr error
	if m, sent := x.optional("Marker"); sent {
		switch {
		case m == "":
			markerErr = iam.NewValidationError(awserr.Violation{Member: "marker", Value: m, Constraint: "Member must have length greater than or equal to 1"})
		case len(m) > maxMarkerLength:
			markerErr = iam.NewValidationError(awserr.Violation{Member: "marker", Value: m, Constraint: "Member must have length less than or equal to 320"})
		default:
			key, derr := strictb64.DecodeString(markerEncoding, m)
			if derr != nil || len(key) == 0 {
				markerErr = invalidInput("Invalid Marker.")
			}
			pr.after = string(key)
		}
	}
	return pr, iam.Join(err, markerErr)
}

// paginate sorts items by key and returns the page the request asks for
// and the marker of the next page ("" when this is the last).
func paginate[T any](items []T, key func(T) string, pr pageRequest) (page []T, next string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := sort.Search(len(items), func(i int) bool { return key(items[i]) >= pr.after })
	items = items[start:]
	if len(items) <= pr.maxItems {
		return items, ""
	}
	return items[:pr.maxItems], markerEncoding.EncodeToString([]byte(key(items[pr.maxItems])))
}

// pageNodes are the IsTruncated and Marker members of a list result.
func pageNodes(next string) []awsquery.Node {
	return []awsquery.Node{awsquery.Bool("IsTruncated", next != ""), awsquery.OptStr("Marker", next)}
}

// tagNodes renders a tag list as IAM's Tags member.
func tagNodes(name string, tags []iam.Tag) awsquery.Node {
	items := make([]awsquery.Node, len(tags))
	for i, t := range tags {
		items[i] = awsquery.Struct("member", awsquery.Str("Key", t.Key), awsquery.Str("Value", t.Value))
	}
	return awsquery.List(name, items...)
}
