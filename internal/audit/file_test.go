package audit

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// padded is an event of about 1 KB, the size of a real one.
func padded(id string) *Event {
	e := event(id)
	e.Decision.Detail = strings.Repeat("x", 900)
	return e
}

// recordAll records n padded events in bursts, so the writer sees many
// batches, and closes the logger.
func recordAll(t *testing.T, l *Logger, prefix string, n int) {
	t.Helper()
	for i := range n {
		if err := l.Record(padded(fmt.Sprintf("%s-%d", prefix, i))); err != nil {
			t.Fatal(err)
		}
		if i%500 == 499 {
			time.Sleep(2 * flushInterval)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// auditFiles lists the files of dir whose name starts with "audit".
func auditFiles(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "audit*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(matches)
	return matches
}

// The file rotates at the size limit, the existing file is appended to
// (never truncated), every file holds whole lines only, nothing is lost,
// and every file has mode 0600.
func TestOpenFileRotatesOnWholeLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	if err := os.WriteFile(path, []byte(`{"requestID":"before-start"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path, Rotation{MaxSizeMB: 1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3500 // ≈ 3.5 MB: three rotations
	recordAll(t, New(f, Options{}), "e", n)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	files := auditFiles(t, dir)
	if len(files) < 4 {
		t.Fatalf("files %v: want audit.log and at least 3 rotated files", files)
	}
	seen := map[string]bool{}
	for _, name := range files {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 1<<20 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %d bytes, mode %v; want at most 1 MiB, 0600", name, fi.Size(), fi.Mode().Perm())
		}
		for _, e := range readEvents(t, name) { // fails on any partial line
			if seen[e.RequestID] {
				t.Errorf("event %s written twice", e.RequestID)
			}
			seen[e.RequestID] = true
		}
	}
	if len(seen) != n+1 || !seen["before-start"] {
		t.Errorf("%d distinct events in the files, want %d and the line written before the start", len(seen), n+1)
	}
}

// Retention: at most MaxBackups rotated files survive, older than
// MaxAgeDays ones are removed, and Compress gzips them (mode kept).
func TestOpenFileRetentionAndCompression(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	old := filepath.Join(dir, "audit-2000-01-02T03-04-05.000.log")
	if err := os.WriteFile(old, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path, Rotation{MaxSizeMB: 1, MaxAgeDays: 30, MaxBackups: 2, Compress: true})
	if err != nil {
		t.Fatal(err)
	}
	recordAll(t, New(f, Options{}), "e", 4500) // ≈ 4.5 MB: four rotations
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var files []string
	waitFor(t, "compression and removal finish", func() bool {
		files = auditFiles(t, dir)
		gz := 0
		for _, name := range files {
			if strings.HasSuffix(name, ".gz") {
				gz++
			}
		}
		return len(files) == 3 && gz == 2
	})
	for _, name := range files {
		if name == old {
			t.Errorf("the rotated file from 2000 outlived max age 30 days")
		}
		if !strings.HasSuffix(name, ".gz") {
			continue
		}
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", name, fi.Mode().Perm())
		}
		// A file is cut before the chunk that would take it past 1 MiB, and
		// chunks are at most chunkSize bytes of whole lines: a rotated file
		// holds at least (1 MiB − chunkSize) of them.
		line, err := json.Marshal(padded("e-4499"))
		if err != nil {
			t.Fatal(err)
		}
		if lines, least := gunzipLines(t, name), (1<<20-chunkSize-len(line)-1)/(len(line)+1); lines < least {
			t.Errorf("%s: %d lines, want a whole rotated file (at least %d)", name, lines, least)
		}
	}
}

// gunzipLines counts the lines of a gzipped file.
func gunzipLines(t *testing.T, name string) int {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	n := 0
	for sc.Scan() {
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// A path that cannot be opened fails OpenFile (the start), not a request.
func TestOpenFileFailsNow(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := OpenFile(filepath.Join(notDir, "audit.log"), Rotation{MaxSizeMB: 1}); err == nil {
		f.Close()
		t.Fatal("OpenFile under a regular file succeeded")
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "audit.log"), Rotation{}); err == nil {
		t.Fatal("OpenFile with max size 0 succeeded (lumberjack would silently use 100 MB)")
	}
}
