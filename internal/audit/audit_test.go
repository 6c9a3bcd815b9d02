package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecordWritesOneJSONLinePerEventInOrder(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, nil)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := l.Record(&Event{EventName: "GetCallerIdentity", RequestID: fmt.Sprint(i), EventTime: time.Unix(0, 0).UTC(),
				Decision: &Decision{Reason: "ok"}})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	seen := map[string]bool{}
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		seen[e.RequestID] = true
	}
	if len(seen) != 100 {
		t.Errorf("got %d distinct events, want 100", len(seen))
	}
}

func TestRecordAfterClose(t *testing.T) {
	l := NewLogger(&bytes.Buffer{}, nil)
	_ = l.Close()
	if err := l.Record(&Event{}); !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v, want ErrClosed", err)
	}
	_ = l.Close() // idempotent
}

// slowWriter makes the writer fall behind so Record must wait for space.
type slowWriter struct{ n int }

func (s *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	s.n += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// More events than the queue holds, against a slow disk: Record waits for
// space instead of dropping, and every event is written.
func TestBackpressureLosesNothing(t *testing.T) {
	w := &slowWriter{}
	l := NewLogger(w, nil)
	const total = 3*queueLength + 7
	for i := range total {
		if err := l.Record(&Event{RequestID: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if w.n != total {
		t.Errorf("wrote %d events, want %d", w.n, total)
	}
}

// The userAgent an event records is at most MaxUserAgentBytes, cut on a
// character boundary; shorter ones are kept whole.
func TestUserAgentBounded(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aws-sdk-go-v2/1.0", "aws-sdk-go-v2/1.0"},
		{strings.Repeat("a", MaxUserAgentBytes), strings.Repeat("a", MaxUserAgentBytes)},
		{strings.Repeat("a", 64<<10), strings.Repeat("a", MaxUserAgentBytes)},
		{strings.Repeat("a", MaxUserAgentBytes-1) + "é", strings.Repeat("a", MaxUserAgentBytes-1)},
	} {
		var buf bytes.Buffer
		l := NewLogger(&buf, nil)
		if err := l.Record(&Event{EventName: "GetCallerIdentity", UserAgent: tc.in}); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		var got Event
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.UserAgent != tc.want {
			t.Errorf("user agent of %d bytes recorded as %d bytes, want %d", len(tc.in), len(got.UserAgent), len(tc.want))
		}
	}
}
