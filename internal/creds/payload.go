package creds

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/secret"
)

// The payload is a sequence of fields: uvarint tag, uvarint length, value.
// An odd tag is critical: a reader that does not know it rejects the token.
// An even tag is optional: a reader that does not know it skips it. Tag 0
// starts the padding, which runs to the end of the payload (zero bytes).
// New fields get new tags; removing or reinterpreting a tag needs a new
// token version.
const (
	tagPadding           = 0
	tagAccountID         = 1
	tagRoleID            = 3
	tagRoleName          = 5
	tagRolePath          = 7
	tagSessionName       = 9
	tagAccessKeyID       = 11
	tagSecretAccessKey   = 13
	tagIssuedAt          = 15
	tagExpiry            = 17
	tagSourceIdentity    = 19
	tagTag               = 21 // uvarint len, key, uvarint len, value
	tagTransitiveTagKey  = 23
	tagFederatedProvider = 25
	tagWebIdentity       = 27 // uvarint len, key, then (uvarint len, value)*
	tagPolicy            = 29
	tagPolicyARN         = 31
	tagPartition         = 33
	// The session kind and its user are critical: a reader that predates
	// them must not take a user or federated session for a role session.
	tagKind     = 35
	tagUserName = 37
	tagUserID   = 39
	tagUserPath = 41
)

// maxUnixSeconds is 9999-12-31T23:59:59Z; later times are rejected.
const maxUnixSeconds = 253402300799

// validateForSeal checks what Seal needs; the STS layer validates content.
func validateForSeal(s *Session) error {
	switch {
	case s == nil:
		return &SessionError{Reason: "nil session"}
	case s.AccessKeyID == "":
		return &SessionError{Reason: "missing access key id"}
	case s.SecretAccessKey.IsZero():
		return &SessionError{Reason: "missing secret access key"}
	case s.IssuedAt.Unix() < 0 || s.IssuedAt.Unix() > maxUnixSeconds:
		return &SessionError{Reason: "issue time out of range"}
	case s.Expiry.Unix() <= s.IssuedAt.Unix() || s.Expiry.Unix() > maxUnixSeconds:
		return &SessionError{Reason: "expiry not after issue time"}
	case len(s.Tags) > MaxSessionTags:
		return &SessionError{Reason: "more than 50 session tags"}
	case len(s.TransitiveTagKeys) > MaxSessionTags:
		return &SessionError{Reason: "more than 50 transitive tag keys"}
	case s.Kind > KindFederatedUser:
		return &SessionError{Reason: "unknown session kind"}
	}
	return nil
}

// appendPayload appends the encoded session to dst.
func appendPayload(dst []byte, s *Session) []byte {
	dst = appendStringField(dst, tagAccountID, s.AccountID)
	dst = appendStringField(dst, tagRoleID, s.RoleID)
	dst = appendStringField(dst, tagRoleName, s.RoleName)
	dst = appendStringField(dst, tagRolePath, s.RolePath)
	dst = appendStringField(dst, tagSessionName, s.SessionName)
	dst = appendStringField(dst, tagAccessKeyID, s.AccessKeyID)
	dst = appendStringField(dst, tagSecretAccessKey, s.SecretAccessKey.Reveal())
	dst = appendUintField(dst, tagIssuedAt, uint64(s.IssuedAt.Unix()))
	dst = appendUintField(dst, tagExpiry, uint64(s.Expiry.Unix()))
	dst = appendStringField(dst, tagSourceIdentity, s.SourceIdentity)
	for _, t := range s.Tags {
		dst = binary.AppendUvarint(dst, tagTag)
		dst = binary.AppendUvarint(dst, uint64(lenPrefixed(t.Key)+lenPrefixed(t.Value)))
		dst = appendLenPrefixed(dst, t.Key)
		dst = appendLenPrefixed(dst, t.Value)
	}
	for _, k := range s.TransitiveTagKeys {
		dst = appendField(dst, tagTransitiveTagKey, k)
	}
	dst = appendStringField(dst, tagFederatedProvider, s.FederatedProvider)
	for _, key := range slices.Sorted(maps.Keys(s.WebIdentity)) {
		values := s.WebIdentity[key]
		n := lenPrefixed(key)
		for _, v := range values {
			n += lenPrefixed(v)
		}
		dst = binary.AppendUvarint(dst, tagWebIdentity)
		dst = binary.AppendUvarint(dst, uint64(n))
		dst = appendLenPrefixed(dst, key)
		for _, v := range values {
			dst = appendLenPrefixed(dst, v)
		}
	}
	dst = appendStringField(dst, tagPolicy, s.Policy)
	for _, arn := range s.PolicyARNs {
		dst = appendField(dst, tagPolicyARN, arn)
	}
	dst = appendStringField(dst, tagPartition, s.Partition)
	if s.Kind != KindRoleSession {
		dst = appendUintField(dst, tagKind, uint64(s.Kind))
	}
	dst = appendStringField(dst, tagUserName, s.UserName)
	dst = appendStringField(dst, tagUserID, s.UserID)
	dst = appendStringField(dst, tagUserPath, s.UserPath)
	return dst
}

// appendStringField appends a singular field, omitted when empty.
func appendStringField(dst []byte, tag uint64, v string) []byte {
	if v == "" {
		return dst
	}
	return appendField(dst, tag, v)
}

// appendField appends a field even when v is empty (list elements).
func appendField(dst []byte, tag uint64, v string) []byte {
	dst = binary.AppendUvarint(dst, tag)
	return appendLenPrefixed(dst, v)
}

func appendUintField(dst []byte, tag, v uint64) []byte {
	dst = binary.AppendUvarint(dst, tag)
	var tmp [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(tmp[:], v)
	dst = binary.AppendUvarint(dst, uint64(n))
	return append(dst, tmp[:n]...)
}

func appendLenPrefixed(dst []byte, v string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(v)))
	return append(dst, v...)
}

func lenPrefixed(v string) int { return uvarintLen(uint64(len(v))) + len(v) }

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// reader walks a payload held as one string, so decoded strings share its
// memory (one allocation for the whole session's text).
type reader struct {
	s   string
	pos int
}

func (r *reader) done() bool { return r.pos >= len(r.s) }

func (r *reader) uvarint() (uint64, bool) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.pos >= len(r.s) {
			return 0, false
		}
		b := r.s[r.pos]
		r.pos++
		if b < 0x80 {
			if shift == 63 && b > 1 {
				return 0, false
			}
			return v | uint64(b)<<shift, true
		}
		v |= uint64(b&0x7f) << shift
	}
	return 0, false
}

// next returns n bytes as a string.
func (r *reader) next(n uint64) (string, bool) {
	if n > uint64(len(r.s)-r.pos) {
		return "", false
	}
	v := r.s[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return v, true
}

func (r *reader) lenPrefixed() (string, bool) {
	n, ok := r.uvarint()
	if !ok {
		return "", false
	}
	return r.next(n)
}

// decodePayload parses a payload; any error is ErrTokenPayload.
func decodePayload(plain []byte) (*Session, error) {
	r := reader{s: string(plain)}
	s := &Session{}
	var seen uint64 // bit per singular critical tag (tags < 64)
	var secretKey string
	var issued, expiry uint64
	for !r.done() {
		tag, ok := r.uvarint()
		if !ok {
			return nil, ErrTokenPayload
		}
		if tag == tagPadding {
			if strings.Trim(r.s[r.pos:], "\x00") != "" {
				return nil, ErrTokenPayload
			}
			break // the rest is padding
		}
		value, ok := r.lenPrefixed()
		if !ok {
			return nil, ErrTokenPayload
		}
		if singular(tag) {
			if seen&(1<<tag) != 0 {
				return nil, ErrTokenPayload
			}
			seen |= 1 << tag
		}
		if !s.setField(tag, value, &secretKey, &issued, &expiry) {
			return nil, ErrTokenPayload
		}
	}
	const required = 1<<tagAccessKeyID | 1<<tagSecretAccessKey | 1<<tagIssuedAt | 1<<tagExpiry
	// Seal refuses an empty key pair, and the encoder omits empty fields:
	// an empty one here was never sealed by this code.
	if seen&required != required || expiry <= issued || s.AccessKeyID == "" || secretKey == "" {
		return nil, ErrTokenPayload
	}
	s.SecretAccessKey = secret.NewString(secretKey)
	s.IssuedAt = time.Unix(int64(issued), 0).UTC()
	s.Expiry = time.Unix(int64(expiry), 0).UTC()
	return s, nil
}

func singular(tag uint64) bool {
	switch tag {
	case tagTag, tagTransitiveTagKey, tagWebIdentity, tagPolicyARN:
		return false
	}
	return tag < 64 && tag%2 == 1
}

// setField stores one field; false means the field is invalid.
func (s *Session) setField(tag uint64, value string, secretKey *string, issued, expiry *uint64) bool {
	switch tag {
	case tagAccountID:
		s.AccountID = value
	case tagRoleID:
		s.RoleID = value
	case tagRoleName:
		s.RoleName = value
	case tagRolePath:
		s.RolePath = value
	case tagSessionName:
		s.SessionName = value
	case tagAccessKeyID:
		s.AccessKeyID = value
	case tagSecretAccessKey:
		*secretKey = value
	case tagIssuedAt, tagExpiry:
		v := reader{s: value}
		n, ok := v.uvarint()
		if !ok || !v.done() || n > maxUnixSeconds {
			return false
		}
		if tag == tagIssuedAt {
			*issued = n
		} else {
			*expiry = n
		}
	case tagSourceIdentity:
		s.SourceIdentity = value
	case tagTag:
		if len(s.Tags) >= MaxSessionTags {
			return false
		}
		v := reader{s: value}
		key, ok1 := v.lenPrefixed()
		val, ok2 := v.lenPrefixed()
		if !ok1 || !ok2 || !v.done() {
			return false
		}
		s.Tags = append(s.Tags, Tag{Key: key, Value: val})
	case tagTransitiveTagKey:
		if len(s.TransitiveTagKeys) >= MaxSessionTags {
			return false
		}
		s.TransitiveTagKeys = append(s.TransitiveTagKeys, value)
	case tagFederatedProvider:
		s.FederatedProvider = value
	case tagWebIdentity:
		return s.addWebIdentity(value)
	case tagPolicy:
		s.Policy = value
	case tagPolicyARN:
		s.PolicyARNs = append(s.PolicyARNs, value)
	case tagPartition:
		s.Partition = value
	case tagKind:
		v := reader{s: value}
		n, ok := v.uvarint()
		if !ok || !v.done() || n == uint64(KindRoleSession) || n > uint64(KindFederatedUser) {
			return false
		}
		s.Kind = SessionKind(n)
	case tagUserName:
		s.UserName = value
	case tagUserID:
		s.UserID = value
	case tagUserPath:
		s.UserPath = value
	default:
		return tag%2 == 0 // unknown: skip optional, reject critical
	}
	return true
}

func (s *Session) addWebIdentity(value string) bool {
	v := reader{s: value}
	key, ok := v.lenPrefixed()
	if !ok {
		return false
	}
	if _, dup := s.WebIdentity[key]; dup {
		return false
	}
	values := []string{}
	for !v.done() {
		x, ok := v.lenPrefixed()
		if !ok {
			return false
		}
		values = append(values, x)
	}
	if s.WebIdentity == nil {
		s.WebIdentity = map[string][]string{}
	}
	s.WebIdentity[key] = values
	return true
}
