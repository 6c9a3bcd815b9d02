package iam

import (
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/strictb64"
)

// An OIDC provider's stsd extensions — a JWKS URL or a static key set —
// have no parameter in IAM's API. Through the API they are tags with
// reserved keys, so every IAM client can set them, the stock Terraform
// provider included (aws_iam_openid_connect_provider's tags):
//
//	stsd:jwks-url              the JWKS URL (the rules of the provider URL)
//	stsd:static-jwks/I-of-N    part I of N of the key set's JSON in standard
//	                           base64 with padding; every part but the last
//	                           is ProviderJWKSPartLength characters
//
// The settings are stored in OIDCProvider.JWKSURL and StaticJWKS, never as
// tags: ProviderSettingTags renders them as these tags whatever set them
// (the API or a bootstrap file), and SplitProviderSettingTags reads them
// back. Rendering what was read gives the same tags, so a client that
// compares what it sent with what it reads (Terraform) sees no change.
// The part count is in every key so that a key set of another size has
// other keys: a client replacing it removes every old part before adding
// the new ones, and never leaves a mix of two key sets.
const (
	ProviderTagPrefix      = "stsd:"
	ProviderTagJWKSURL     = "stsd:jwks-url"
	ProviderTagStaticJWKS  = "stsd:static-jwks/"
	ProviderJWKSPartLength = MaxTagValueLength
)

// jwksEncoding is the base64 of stsd:static-jwks parts: standard alphabet,
// padded (Terraform's base64encode, `base64 -w0`), one spelling.
var jwksEncoding = base64.StdEncoding.Strict()

// IsProviderSettingTagKey reports whether a tag key is in the reserved
// stsd: namespace of providers (the prefix compared ignoring case, as tag
// keys are).
func IsProviderSettingTagKey(key string) bool {
	return len(key) >= len(ProviderTagPrefix) && strings.EqualFold(key[:len(ProviderTagPrefix)], ProviderTagPrefix)
}

// errReservedProviderTag is the answer to a stsd: key stsd does not define
// (or one spelled in another case).
func errReservedProviderTag(key string) error {
	return &Error{Reason: ReasonUnknownProviderSettingTag, Subject: key}
}

// ValidateProviderTags refuses reserved stsd: keys among the tags stored
// on a provider: its settings are stored in their own fields.
func ValidateProviderTags(tags []Tag) error {
	for _, t := range tags {
		if IsProviderSettingTagKey(t.Key) {
			return &Error{Reason: ReasonProviderSettingTagStored, Subject: t.Key}
		}
	}
	return nil
}

// ProviderSettingTags renders a provider's JWKS URL or static key set as
// its reserved tags, the static key set's parts in order.
func ProviderSettingTags(p *OIDCProvider) []Tag {
	var out []Tag
	if p.JWKSURL != "" {
		out = append(out, Tag{Key: ProviderTagJWKSURL, Value: p.JWKSURL})
	}
	if p.StaticJWKS != "" {
		enc := jwksEncoding.EncodeToString([]byte(p.StaticJWKS))
		n := (len(enc) + ProviderJWKSPartLength - 1) / ProviderJWKSPartLength
		for i := range n {
			end := min((i+1)*ProviderJWKSPartLength, len(enc))
			out = append(out, Tag{Key: jwksPartKey(i+1, n), Value: enc[i*ProviderJWKSPartLength : end]})
		}
	}
	return out
}

// ProviderTags is every tag of a provider as the API shows it: the stored
// tags and the reserved ones that render its JWKS settings.
func ProviderTags(p *OIDCProvider) []Tag {
	return append(slices.Clone(p.Tags), ProviderSettingTags(p)...)
}

func jwksPartKey(i, n int) string {
	return ProviderTagStaticJWKS + strconv.Itoa(i) + "-of-" + strconv.Itoa(n)
}

// SplitProviderSettingTags separates a provider's tags as a client sent
// them into the tags to store and the JWKS settings the reserved ones
// carry: the JWKS URL as written, the static key set decoded from its
// parts (checked here only for its encoding and size; the provider's
// Validate and the OIDC verifier check the rest). Errors are KindInvalidInput.
func SplitProviderSettingTags(tags []Tag) (stored []Tag, jwksURL, staticJWKS string, err error) {
	parts := map[int]string{}
	count := 0
	for _, t := range tags {
		switch {
		case !IsProviderSettingTagKey(t.Key):
			stored = append(stored, t)
		case t.Key == ProviderTagJWKSURL:
			jwksURL = t.Value
		case strings.HasPrefix(t.Key, ProviderTagStaticJWKS):
			i, n, ok := parseJWKSPartKey(strings.TrimPrefix(t.Key, ProviderTagStaticJWKS))
			if !ok {
				return nil, "", "", errReservedProviderTag(t.Key)
			}
			if count != 0 && n != count {
				return nil, "", "", errJWKSParts(tags)
			}
			count, parts[i] = n, t.Value
		default:
			return nil, "", "", errReservedProviderTag(t.Key)
		}
	}
	if count == 0 {
		return stored, jwksURL, "", nil
	}
	if len(parts) != count {
		return nil, "", "", errJWKSParts(tags)
	}
	var enc strings.Builder
	for i := 1; i <= count; i++ {
		if v := parts[i]; i < count && len(v) != ProviderJWKSPartLength {
			return nil, "", "", &Error{Reason: ReasonJWKSPartLength, Subject: jwksPartKey(i, count), Detail: strconv.Itoa(len(v))}
		}
		enc.WriteString(parts[i])
	}
	doc, derr := strictb64.DecodeString(jwksEncoding, enc.String())
	if derr != nil || len(doc) == 0 {
		return nil, "", "", &Error{Reason: ReasonJWKSPartsEncoding}
	}
	if len(doc) > MaxStaticJWKSBytes {
		return nil, "", "", &Error{Reason: ReasonStaticJWKSSize}
	}
	return stored, jwksURL, string(doc), nil
}

// parseJWKSPartKey reads "I-of-N": decimal numbers without leading zeros,
// 1 ≤ I ≤ N ≤ MaxTags.
func parseJWKSPartKey(s string) (i, n int, ok bool) {
	a, b, found := strings.Cut(s, "-of-")
	if !found {
		return 0, 0, false
	}
	i, okI := smallNumber(a)
	n, okN := smallNumber(b)
	return i, n, okI && okN && i <= n
}

func smallNumber(s string) (int, bool) {
	if s == "" || len(s) > 2 || s[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxTags {
		return 0, false
	}
	return n, true
}

// errJWKSParts answers static key set parts that are not parts 1..N of
// one set.
func errJWKSParts(tags []Tag) error {
	var keys []string
	for _, t := range tags {
		if strings.HasPrefix(t.Key, ProviderTagStaticJWKS) {
			keys = append(keys, strings.TrimPrefix(t.Key, ProviderTagStaticJWKS))
		}
	}
	sort.Strings(keys)
	return &Error{Reason: ReasonJWKSPartsMismatch, Subject: strings.Join(keys, ", ")}
}
