package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/testutil/syncio"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

// readOnlyFile is a real file opened O_RDONLY: every Write fails (EBADF),
// as an audit file whose descriptor the system no longer lets us write.
func readOnlyFile(t *testing.T) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "readonly.log")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// appendFile opens a fresh writable file and returns it with its path.
func appendFile(t *testing.T) (*os.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, path
}

// fullDisk writes to a real file until room bytes are used, then fails
// with ENOSPC after a partial write, as a file system that fills up does.
type fullDisk struct {
	mu   sync.Mutex
	f    *os.File
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(p) <= d.room {
		n, err := d.f.Write(p)
		d.room -= n
		return n, err
	}
	n, err := d.f.Write(p[:d.room])
	d.room -= n
	if err == nil {
		err = syscall.ENOSPC
	}
	return n, err
}

func (d *fullDisk) setRoom(n int) {
	d.mu.Lock()
	d.room = n
	d.mu.Unlock()
}

// logLines is the JSON log lines in logs whose message is msg.
func logLines(logs *syncio.Buffer, msg string) []string {
	var out []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"msg":"`+msg+`"`) {
			out = append(out, line)
		}
	}
	return out
}

func event(id string) *Event {
	return &Event{EventName: "GetCallerIdentity", RequestID: id, EventTime: time.Unix(0, 0).UTC(), Decision: &Decision{Reason: "ok"}}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// readEvents parses every line of the file at path.
func readEvents(t *testing.T, path string) []Event {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: line %q is not an event: %v", path, sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// Fail open: a failing output changes nothing for callers (Record and
// Check succeed), every lost event and failed write is counted, the
// failure is logged once a minute at most with the counts of the lines
// not logged, and the recovery is logged. No log line carries an event.
func TestFailOpenCountsLossAndLogsOncePerMinute(t *testing.T) {
	sw := syncio.NewSwitch(readOnlyFile(t))
	var logs syncio.Buffer
	clock := testclock.New(time.Unix(1_000_000_000, 0)) // the clock of the log limit
	l := New(sw, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Now: clock.Now})
	for i := range 5 {
		if err := l.Record(event("lost-" + string(rune('a'+i)))); err != nil {
			t.Fatalf("Record while the output fails (fail open) = %v, want nil", err)
		}
		waitFor(t, "the write fails", func() bool { return l.Stats().WriteFailures == uint64(i+1) })
		if err := l.Check(); err != nil {
			t.Fatalf("Check of a fail-open logger = %v, want nil", err)
		}
	}
	st := l.Stats()
	if st.EventsLost != 5 || st.EventsWritten != 0 || st.Writable {
		t.Errorf("stats after 5 failed writes = %+v, want 5 lost, 0 written, not writable", st)
	}
	if got := logLines(&logs, "audit log write failed"); len(got) != 1 || !strings.Contains(got[0], `"events_lost":1`) ||
		!strings.Contains(got[0], "bad file descriptor") {
		t.Fatalf("failure log lines within a minute = %q, want one naming the error and 1 event lost", got)
	}

	clock.Advance(61 * time.Second)
	if err := l.Record(event("lost-f")); err != nil {
		t.Fatal(err)
	}
	// The writer counts a failure before it logs it: wait for both.
	waitFor(t, "the sixth write fails and is logged", func() bool {
		return l.Stats().WriteFailures == 6 && len(logLines(&logs, "audit log write failed")) >= 2
	})
	if got := logLines(&logs, "audit log write failed"); len(got) != 2 || !strings.Contains(got[1], `"events_lost":5`) {
		t.Fatalf("failure log lines after a minute = %q, want a second one counting the 5 events since the first", got)
	}

	good, path := appendFile(t)
	sw.Set(good)
	if err := l.Record(event("kept")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a write succeeds", func() bool { return l.Stats().Writable })
	if err := l.Close(); err != nil {
		t.Fatalf("Close after a successful write = %v", err)
	}
	if got := logLines(&logs, "audit log writable again"); len(got) != 1 {
		t.Errorf("recovery log lines = %q, want one", got)
	}
	if st := l.Stats(); st.EventsWritten != 1 || st.EventsLost != 6 || st.BytesWritten == 0 {
		t.Errorf("final stats = %+v, want 1 written, 6 lost", st)
	}
	if ev := readEvents(t, path); len(ev) != 1 || ev[0].RequestID != "kept" {
		t.Errorf("file holds %+v, want the one event recorded after recovery", ev)
	}
	if strings.Contains(logs.String(), "lost-") || strings.Contains(logs.String(), "kept") {
		t.Errorf("the log carries event content:\n%s", logs.String())
	}
}

// Fail closed: once a write has failed, Check refuses with AWS's 503
// ServiceUnavailable (the cause kept internal) until a write succeeds;
// Record still queues, and writing a queued event is what recovers.
func TestFailClosedRefusesUntilAWriteSucceeds(t *testing.T) {
	sw := syncio.NewSwitch(readOnlyFile(t))
	l := New(sw, Options{FailClosed: true})
	if err := l.Check(); err != nil {
		t.Fatalf("Check before any write = %v, want nil", err)
	}
	if err := l.Record(event("lost")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Check refuses", func() bool { return l.Check() != nil })
	err := l.Check()
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ServiceUnavailable" || ae.Status != http.StatusServiceUnavailable ||
		ae.Message != "The request has failed due to a temporary failure of the server." || ae.Reason != "audit_write_failed" {
		t.Fatalf("Check = %#v, want ServiceUnavailable 503 with reason audit_write_failed", err)
	}
	if !errors.Is(err, syscall.EBADF) || strings.Contains(err.Error(), "bad file descriptor") {
		t.Errorf("Check error %q: want the write error as internal cause only", err)
	}
	if err := l.Record(event("probe")); err != nil {
		t.Fatalf("Record while refusing = %v, want nil (it queues the probe)", err)
	}
	waitFor(t, "the probe write fails too", func() bool { return l.Stats().EventsLost == 2 })
	if l.Check() == nil {
		t.Fatal("Check passed while the output still fails")
	}

	good, path := appendFile(t)
	sw.Set(good)
	if err := l.Record(event("probe-2")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Check allows again", func() bool { return l.Check() == nil })
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if ev := readEvents(t, path); len(ev) != 1 || ev[0].RequestID != "probe-2" {
		t.Errorf("file holds %+v, want the probe written after recovery", ev)
	}
}

// Check on a nil Logger (a service built without an audit log) allows.
func TestCheckNilLogger(t *testing.T) {
	var l *Logger
	if err := l.Check(); err != nil {
		t.Errorf("nil Logger Check = %v", err)
	}
}

// A write that fails half-way leaves a partial line; the next successful
// write starts on a new line, so later events stay parseable.
func TestPartialWriteDoesNotGlueTheNextEvent(t *testing.T) {
	f, path := appendFile(t)
	disk := &fullDisk{f: f, room: 40}
	l := New(disk, Options{})
	if err := l.Record(event("torn")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the write fails", func() bool { return l.Stats().WriteFailures == 1 })
	disk.setRoom(1 << 20)
	if err := l.Record(event("whole")); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 2 || len(lines[0]) != 40 {
		t.Fatalf("file = %q, want the 40-byte partial line, then the next event on its own line", raw)
	}
	var e Event
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil || e.RequestID != "whole" {
		t.Errorf("line after the partial one = %q (%v), want the event \"whole\"", lines[1], err)
	}
}

// A failing output does not stall Record: the writer keeps draining (and
// losing) batches, so more events than the queue holds go through.
func TestFailingOutputDoesNotBlockRecord(t *testing.T) {
	l := New(readOnlyFile(t), Options{})
	const total = 3*queueLength + 7
	for range total {
		if err := l.Record(event("e")); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("Close = %v, want the last write's error", err)
	}
	if st := l.Stats(); st.EventsLost != total || st.EventsWritten != 0 {
		t.Errorf("stats = %+v, want all %d events counted as lost", st, total)
	}
}
