package s3gw

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"

	"github.com/stsd/stsd/internal/awserr"

	"github.com/stsd/stsd/internal/authz"
)

// deleteObjects authorizes a DeleteObjects request key by key, as S3 does
// ("the Multi-Object Delete operation … checks permissions for each
// object", [API] DeleteObjects): the backend gets a body the gateway
// encodes with only the allowed keys, and each denied key comes back as
// an <Error> with AccessDenied merged into the backend's DeleteResult.
// When no key is allowed the backend is not called.
func (x *exchange) deleteObjects() {
	raw, err := x.readBody(MaxDeleteBody, errMaxMessageLength())
	if err != nil {
		x.fail(err)
		return
	}
	d, err := ParseDelete(bytes.NewReader(raw))
	if err != nil {
		x.fail(err)
		return
	}
	per := x.op.DeleteChecks(d)
	for i := range per {
		// Each key also under the name a path-resolving backend gives it.
		if per[i].Checks, err = withResolvedKeys(per[i].Checks); err != nil {
			x.fail(err)
			return
		}
	}
	var all []authz.Check
	for _, oc := range per {
		all = append(all, oc.Checks...)
	}
	x.res = x.g.decide(x, all)
	allowed := &Delete{Quiet: d.Quiet}
	var denied []deleteError
	i := 0
	for _, oc := range per {
		ok := true
		for range oc.Checks {
			if x.res.Checks[i].Decision.Effect.String() != "allowed" {
				ok = false
			}
			i++
		}
		if ok {
			allowed.Objects = append(allowed.Objects, oc.Object)
		} else {
			denied = append(denied, deleteError{Key: oc.Object.Key, VersionID: oc.Object.VersionID,
				Code: "AccessDenied", Message: "Access Denied"})
		}
	}
	x.denied = len(denied) > 0
	if len(allowed.Objects) == 0 {
		x.writeXML(deleteResult{Errors: denied})
		return
	}
	body, err := encodeDelete(allowed)
	if err != nil {
		x.fail(err)
		return
	}
	sum := md5.Sum(body)
	out := bytesBody(body, http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}})
	out.reencoded = true
	x.forward(out, func(resp *http.Response) error {
		if len(denied) == 0 {
			return nil
		}
		return mergeDeleteErrors(resp, denied)
	})
}

// The Delete request and DeleteResult documents ([API] DeleteObjects).
type deleteRequest struct {
	XMLName xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ Delete"`
	Objects []deleteObject `xml:"Object"`
	Quiet   bool           `xml:"Quiet,omitempty"`
}

type deleteObject struct {
	Key              string `xml:"Key"`
	VersionID        string `xml:"VersionId,omitempty"`
	ETag             string `xml:"ETag,omitempty"`
	LastModifiedTime string `xml:"LastModifiedTime,omitempty"`
	Size             string `xml:"Size,omitempty"`
}

type deleteResult struct {
	XMLName xml.Name        `xml:"http://s3.amazonaws.com/doc/2006-03-01/ DeleteResult"`
	Deleted []deletedObject `xml:"Deleted"`
	Errors  []deleteError   `xml:"Error"`
}

type deletedObject struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          string `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteError struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// encodeDelete is the Delete body the backend gets.
func encodeDelete(d *Delete) ([]byte, error) {
	req := deleteRequest{Quiet: d.Quiet}
	for _, o := range d.Objects {
		req.Objects = append(req.Objects, deleteObject(o))
	}
	b, err := xml.Marshal(req)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// maxDeleteResult bounds the backend's DeleteResult the gateway reads to
// merge into: 1,000 entries of 1,024-byte keys with their markup.
const maxDeleteResult = 16 << 20

// mergeDeleteErrors adds the denied keys to the backend's DeleteResult and
// replaces the response body with the merged document.
func mergeDeleteErrors(resp *http.Response, denied []deleteError) error {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxDeleteResult))
	if err != nil {
		return err
	}
	// Read in any namespace (S3 uses its own; S3-compatible backends may
	// use none), write in S3's.
	var in struct {
		XMLName xml.Name        `xml:"DeleteResult"`
		Deleted []deletedObject `xml:"Deleted"`
		Errors  []deleteError   `xml:"Error"`
	}
	if err := xml.Unmarshal(raw, &in); err != nil {
		return awserr.InternalFailure(fmt.Errorf("the backend's DeleteResult does not parse: %w", err))
	}
	res := deleteResult{Deleted: in.Deleted, Errors: append(in.Errors, denied...)}
	out, err := xml.Marshal(res)
	if err != nil {
		return err
	}
	out = append([]byte(xml.Header), out...)
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", contentLength(int64(len(out))))
	resp.Header.Del("Content-Md5")
	return nil
}
