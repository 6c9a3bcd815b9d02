package s3gw

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/authz"
)

// A key with dot or empty segments is checked as written and as a
// path-resolving backend (versitygw's POSIX one) would store it; keys
// without them, folder markers, bucket and service ARNs are unchanged; a
// key resolving above every bucket is refused.
func TestWithResolvedKeys(t *testing.T) {
	for _, tc := range []struct{ key, extra string }{
		{"blue/x", ""},
		{"blue/x/", ""},
		{"blue/.hidden/..x/...", ""},
		{"blue/../red/x", "data/red/x"},
		{"blue/./x", "data/blue/x"},
		{"blue//x", "data/blue/x"},
		{"/x", "data/x"},
		{"./x", "data/x"},
		{"a//", "data/a/"},
		{"a/./", "data/a/"},
		{"./", "data"},
		{"..", ""},
		{"../other/x", "other/x"},
		{"../other/", "other/"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			in := []authz.Check{{Action: "s3:GetObject", Resource: objectARN("data", tc.key),
				Keys: []authz.Key{{Name: "s3:VersionId", Values: []string{"v"}}}}}
			out, err := withResolvedKeys(in)
			if tc.key == ".." {
				wantErr(t, err, "InvalidArgument", 400, "The object key resolves to a path outside its bucket.")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.extra == "" {
				if len(out) != 1 || &out[0] != &in[0] {
					t.Fatalf("checks changed: %+v", out)
				}
				return
			}
			if len(out) != 2 || out[0].Resource != in[0].Resource || out[1].Resource != arnPrefix+tc.extra ||
				out[1].Action != "s3:GetObject" || len(out[1].Keys) != 1 || out[1].Keys[0].Values[0] != "v" {
				t.Fatalf("got %+v, want the literal check then %s", out, tc.extra)
			}
		})
	}
	for _, key := range []string{"../../x", "a/../../../x", "../.."} {
		_, err := withResolvedKeys([]authz.Check{{Action: "s3:PutObject", Resource: objectARN("data", key)}})
		wantErr(t, err, "InvalidArgument", 400, "The object key resolves to a path outside its bucket.")
	}
	// Bucket and service ARNs, and several checks in order.
	in := []authz.Check{
		{Action: "s3:PutObject", Resource: objectARN("data", "dst/../x")},
		{Action: "s3:ListBucket", Resource: bucketARN("data")},
		{Action: "s3:ListAllMyBuckets", Resource: arnPrefix + "*"},
		{Action: "s3:GetObject", Resource: objectARN("src", "a//b")},
	}
	out, err := withResolvedKeys(in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range out {
		got = append(got, c.Action+" "+c.Resource)
	}
	want := "s3:PutObject arn:aws:s3:::data/dst/../x|s3:ListBucket arn:aws:s3:::data|s3:ListAllMyBuckets arn:aws:s3:::*|" +
		"s3:GetObject arn:aws:s3:::src/a//b|s3:PutObject arn:aws:s3:::data/x|s3:GetObject arn:aws:s3:::src/a/b"
	if strings.Join(got, "|") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
}
