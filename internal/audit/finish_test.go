package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/awserr"
)

// Finish fills in the outcome: the AWS error the client saw, no response
// elements, and the decision's reason and detail from the internal ones
// unless the dispatcher set them.
func TestFinishCompletesTheEvent(t *testing.T) {
	cause := errors.New("jwks fetch timed out")
	denied := awserr.AccessDenied("Not authorized.").WithReason("keys_unavailable", cause)
	tests := []struct {
		name string
		d    Decision
		err  error
		want string
	}{
		{"success", Decision{}, nil,
			`{"responseElements":"kept","decision":{"reason":"ok"}}`},
		{"error", Decision{}, denied,
			`{"errorCode":"AccessDenied","errorMessage":"Not authorized.","decision":{"reason":"keys_unavailable","detail":"jwks fetch timed out"}}`},
		{"error with the dispatcher's reason", Decision{Reason: "trust_policy_denied", Detail: "sts:AssumeRole"}, denied,
			`{"errorCode":"AccessDenied","errorMessage":"Not authorized.","decision":{"reason":"trust_policy_denied","detail":"sts:AssumeRole"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &Event{ResponseElements: "kept"}
			var l *Logger // nil: only completes
			l.Finish(ev, tt.d, tt.err)
			got, err := json.Marshal(struct {
				ResponseElements any       `json:"responseElements,omitempty"`
				ErrorCode        string    `json:"errorCode,omitempty"`
				ErrorMessage     string    `json:"errorMessage,omitempty"`
				Decision         *Decision `json:"decision"`
			}{ev.ResponseElements, ev.ErrorCode, ev.ErrorMessage, ev.Decision})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("event\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// A Finish after Close is logged with the request id, not lost silently.
func TestFinishAfterCloseIsLogged(t *testing.T) {
	var logs bytes.Buffer
	var out bytes.Buffer
	l := New(&out, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l.Finish(&Event{RequestID: "req-1"}, Decision{}, nil)
	if got := logs.String(); !strings.Contains(got, "audit record failed") || !strings.Contains(got, "request_id=req-1") {
		t.Fatalf("log = %q", got)
	}
	if out.Len() != 0 {
		t.Fatalf("output after Close: %q", out.String())
	}
}
