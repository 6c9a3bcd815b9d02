package s3gw

import (
	"path"
	"strings"

	"github.com/stsd/stsd/internal/authz"
)

// withResolvedKeys returns checks plus, for each check on an object whose
// key has a ".", ".." or empty path segment, the same check on the object
// a path-resolving backend would reach instead.
//
// S3 keeps keys as written ("a/../b" is the key "a/../b"), and the gateway
// authorizes that literal ARN. But S3-compatible backends that store
// objects as files resolve such segments: versitygw's POSIX backend writes
// and reads "blue/../red/x" as "red/x", "blue//x" as "blue/x" and "./x"
// as "x". Checked only literally, a role allowed data/blue/* could write
// data/red/x, and a deny on data/secret/* would not stop "./secret/x".
// Requiring the resolved ARN as well keeps the literal key's meaning and
// closes that door whatever the backend does; the resolved ARN may name
// another bucket ("../other/x" is other/x), whose policy then decides.
//
// A key that resolves above every bucket ("../../x") names nothing the
// engine can decide on: the request is refused with InvalidArgument (our
// message; S3, which keeps keys literally, has none).
func withResolvedKeys(checks []authz.Check) ([]authz.Check, error) {
	out := checks
	extended := false
	for _, c := range checks {
		target, ok := strings.CutPrefix(c.Resource, arnPrefix)
		if !ok {
			continue
		}
		bucket, key, ok := strings.Cut(target, "/")
		if !ok || !needsResolving(key) {
			continue
		}
		resolved := path.Clean(bucket + "/" + key)
		if resolved == "." || resolved == ".." || strings.HasPrefix(resolved, "../") {
			return nil, errInvalidArgument("The object key resolves to a path outside its bucket.", "s3_key_escapes_bucket")
		}
		if strings.HasSuffix(key, "/") && resolved != bucket {
			resolved += "/" // a folder marker stays one
		}
		if resolved == target {
			continue
		}
		if !extended {
			out = append(make([]authz.Check, 0, len(checks)+1), checks...)
			extended = true
		}
		out = append(out, authz.Check{Action: c.Action, Resource: arnPrefix + resolved, Keys: c.Keys})
	}
	return out, nil
}

// needsResolving reports whether key has a "." or ".." segment or an
// empty one other than the last (a trailing "/" is a folder marker).
func needsResolving(key string) bool {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		if s == "." || s == ".." || s == "" && i < len(segs)-1 {
			return true
		}
	}
	return false
}
