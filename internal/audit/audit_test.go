package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
