package s3gw

import (
	"bytes"
	"net/http"
)

// putObjectTagging reads the Tagging body before authorizing, since S3's
// checks name its tag keys (s3:RequestObjectTag/<key>,
// s3:RequestObjectTagKeys), then forwards the very bytes it read.
func (x *exchange) putObjectTagging() {
	raw, err := x.readBody(MaxTaggingBody, errMaxMessageLength())
	if err != nil {
		x.fail(err)
		return
	}
	tags, err := ParseTagging(bytes.NewReader(raw))
	if err != nil {
		x.fail(err)
		return
	}
	if !x.authorize(x.op.TaggingChecks(tags)) {
		return
	}
	set := http.Header{}
	if v := x.r.Header.Values("Content-Md5"); len(v) > 0 {
		set["Content-Md5"] = v
	}
	x.forward(bytesBody(raw, set), nil)
}
