package iam

import (
	"strings"
	"testing"
)

// A key set rendered as stsd:static-jwks parts reads back to the same
// bytes, at every length around the part boundaries, and the parts read
// back render to the same tags.
func TestProviderSettingTagsRoundTrip(t *testing.T) {
	for _, n := range []int{1, 2, 3, 190, 191, 192, 193, 383, 384, 385, 9000} {
		doc := `{"keys":[` + strings.Repeat(" ", n) + `]}`
		p := &OIDCProvider{StaticJWKS: doc, Tags: []Tag{{Key: "team", Value: "x"}}}
		tags := ProviderTags(p)
		for i, tag := range tags[1:] {
			if i < len(tags)-2 && len(tag.Value) != ProviderJWKSPartLength {
				t.Fatalf("n=%d: part %s has %d characters", n, tag.Key, len(tag.Value))
			}
		}
		stored, url, static, err := SplitProviderSettingTags(tags)
		if err != nil || url != "" || static != doc || len(stored) != 1 || stored[0].Key != "team" {
			t.Fatalf("n=%d: split = %v %q %q, %v", n, stored, url, static, err)
		}
		again := ProviderTags(&OIDCProvider{StaticJWKS: static, Tags: stored})
		if len(again) != len(tags) {
			t.Fatalf("n=%d: %d tags, then %d", n, len(tags), len(again))
		}
		for i := range tags {
			if again[i] != tags[i] {
				t.Fatalf("n=%d: tag %d %v, then %v", n, i, tags[i], again[i])
			}
		}
	}
	p := &OIDCProvider{JWKSURL: "https://idp.example.com/keys"}
	if tags := ProviderSettingTags(p); len(tags) != 1 || tags[0] != (Tag{Key: ProviderTagJWKSURL, Value: p.JWKSURL}) {
		t.Fatalf("JWKS URL tags = %v", tags)
	}
}

// A provider stores no stsd: tag: its settings have their own fields.
func TestProviderReservedTagsNotStored(t *testing.T) {
	err := ValidateProviderTags([]Tag{{Key: "team", Value: "x"}, {Key: "Stsd:jwks-url", Value: "https://idp.example.com/keys"}})
	wantErr(t, err, KindInvalidInput, "Tag key Stsd:jwks-url is reserved for the provider's JWKS settings (stsd:jwks-url, stsd:static-jwks/I-of-N), which are not stored as tags.")
	if err := ValidateProviderTags([]Tag{{Key: "stsd", Value: "x"}, {Key: "sts:x", Value: ""}}); err != nil {
		t.Fatal(err)
	}
}
