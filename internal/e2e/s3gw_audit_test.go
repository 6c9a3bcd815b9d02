package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// s3Event is the part of an S3 data event the audit test reads.
type s3Event struct {
	EventSource  string `json:"eventSource"`
	EventName    string `json:"eventName"`
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
	UserIdentity *struct {
		ARN string `json:"arn"`
	} `json:"userIdentity"`
	RequestParameters struct {
		BucketName string `json:"bucketName"`
		Key        string `json:"key"`
		Checks     []struct {
			Action, Resource, Decision string
		} `json:"checks"`
		BytesIn  int64 `json:"bytesTransferredIn"`
		BytesOut int64 `json:"bytesTransferredOut"`
		Status   int   `json:"httpStatus"`
	} `json:"requestParameters"`
	Decision *struct {
		Effect string `json:"effect"`
		Reason string `json:"reason"`
	} `json:"decision"`
}

// The audit modes: s3.audit off writes no data event, denied only the
// denied and unauthenticated requests (a DeleteObjects with a denied key
// among them), all of them; each event names the operation, the caller,
// the decision and the bytes, and no event or log line holds a secret.
// The node's /metrics counts requests by operation and decision and bytes
// by operation and direction, whatever the audit mode.
func TestS3GatewayAuditModes(t *testing.T) {
	const size = 1000
	body := bytes.Repeat([]byte("a"), size)
	sessionARN := "arn:aws:sts::" + account + ":assumed-role/team/audit"
	type want struct {
		name, code, effect string
		in, out            int64
		status             int
		reason             string // the decision record's internal reason
	}
	put := want{"PutObject", "", "allowed", size, 0, 200, "ok"}
	get := want{"GetObject", "", "allowed", 0, size, 200, "ok"}
	denied := want{"GetObject", "AccessDenied", "implicitDeny", 0, 0, 403, "not_authorized_implicitDeny"}
	unauth := want{"GetObject", "SignatureDoesNotMatch", "", 0, 0, 403, "sigv4_mismatch"}
	// A DeleteObjects with one denied key: 200, its decision the first
	// denied key's (-1: XML sizes not compared).
	del := want{"DeleteObjects", "", "implicitDeny", -1, -1, 200, "ok"}
	for _, tc := range []struct {
		mode string
		want []want
	}{
		{"off", nil},
		{"denied", []want{denied, unauth, del}},
		{"all", []want{put, get, denied, unauth, del}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			n := startS3Node(t, s3NodeOptions{audit: tc.mode})
			role := n.s3Role("team", map[string]string{"s3": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data/blue/*"}]}`})
			creds := n.s3Session(role, "audit", nil, "")
			c := n.s3Client(creds)
			ctx := context.Background()
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/a"), Body: bytes.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/a")})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, out.Body)
			out.Body.Close()
			_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("red/a")})
			wantS3Error(t, err, "AccessDenied", http.StatusForbidden, "")
			wrong := creds
			// A secret that differs from the real one whatever its first
			// character is.
			wrong.SecretAccessKey = wrongSecret(creds.SecretAccessKey)
			if creds.SecretAccessKey[0] == 'x' {
				wrong.SecretAccessKey = "y" + creds.SecretAccessKey[1:]
			}
			_, err = n.s3Client(wrong).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/a")})
			wantS3Error(t, err, "SignatureDoesNotMatch", http.StatusForbidden, "")
			if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{
				Objects: []s3types.ObjectIdentifier{{Key: aws.String("blue/a")}, {Key: aws.String("red/a")}}}}); err != nil {
				t.Fatal(err)
			}

			req, _ := http.NewRequest(http.MethodGet, n.app.URL+"/metrics", nil)
			_, _, metrics := n.do(req)
			for _, line := range []string{
				`stsd_s3_requests_total{decision="allowed",operation="PutObject",status="200"} 1`,
				`stsd_s3_requests_total{decision="allowed",operation="GetObject",status="200"} 1`,
				`stsd_s3_requests_total{decision="denied",operation="GetObject",status="403"} 1`,
				`stsd_s3_requests_total{decision="unauthenticated",operation="GetObject",status="403"} 1`,
				`stsd_s3_requests_total{decision="denied",operation="DeleteObjects",status="200"} 1`,
				`stsd_s3_bytes_total{direction="in",operation="PutObject"} ` + strconv.Itoa(size),
				`stsd_s3_bytes_total{direction="out",operation="GetObject"} ` + strconv.Itoa(size),
				`stsd_s3_request_duration_seconds_count{operation="GetObject"} 3`,
			} {
				if !strings.Contains(metrics, line+"\n") {
					t.Errorf("/metrics lacks %s", line)
				}
			}

			n.stop()
			raw := n.audit.String()
			var events []s3Event
			for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
				if line == "" {
					continue
				}
				var e s3Event
				if err := json.Unmarshal([]byte(line), &e); err != nil {
					t.Fatalf("audit line %q: %v", line, err)
				}
				if e.EventSource == "s3.amazonaws.com" {
					events = append(events, e)
				}
			}
			if len(events) != len(tc.want) {
				t.Fatalf("%d S3 data events, want %d:\n%s", len(events), len(tc.want), raw)
			}
			for i, w := range tc.want {
				e := events[i]
				p := e.RequestParameters
				effect, reason := "", ""
				if e.Decision != nil {
					effect, reason = e.Decision.Effect, e.Decision.Reason
				}
				if e.EventName != w.name || e.ErrorCode != w.code || effect != w.effect || reason != w.reason || p.Status != w.status ||
					(w.in >= 0 && p.BytesIn != w.in) || (w.out >= 0 && p.BytesOut != w.out) || p.BucketName != "data" {
					t.Errorf("event %d: %+v, want %+v", i, e, w)
				}
				if w.code == "SignatureDoesNotMatch" {
					if e.UserIdentity != nil {
						t.Errorf("an unauthenticated event names a caller: %+v", e.UserIdentity)
					}
				} else if e.UserIdentity == nil || e.UserIdentity.ARN != sessionARN {
					t.Errorf("event %d caller %+v", i, e.UserIdentity)
				}
			}
			if tc.mode != "off" {
				// The partly denied DeleteObjects records each key's check.
				d := events[len(events)-1].RequestParameters.Checks
				if len(d) != 2 || d[0].Resource != "arn:aws:s3:::data/blue/a" || d[0].Decision != "allowed" ||
					d[1].Resource != "arn:aws:s3:::data/red/a" || d[1].Decision != "implicitDeny" {
					t.Errorf("DeleteObjects checks %+v", d)
				}
			}
			for name, s := range map[string]string{"session token": creds.SessionToken, "secret key": creds.SecretAccessKey,
				"wrong secret": wrong.SecretAccessKey, "signature": "Signature=", "token header": "X-Amz-Security-Token"} {
				if strings.Contains(raw, s) || strings.Contains(n.logs.String(), s) {
					t.Errorf("the %s is in the audit log or the logs", name)
				}
			}
		})
	}
}
