package boltstore_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/boltstore"
)

const writerEnv = "BOLTSTORE_WRITER_PATH"

// TestWriterHelper is the child process of TestAcknowledgedWritesSurviveKill:
// it writes keys forever and prints each acknowledged revision.
func TestWriterHelper(t *testing.T) {
	path := os.Getenv(writerEnv)
	if path == "" {
		t.Skip("run by TestAcknowledgedWritesSurviveKill")
	}
	s, err := boltstore.Open(path)
	if err != nil {
		fmt.Println("open error:", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		rev, err := s.Put(t.Context(), "k/"+strconv.Itoa(i), []byte(strconv.Itoa(i)))
		if err != nil {
			fmt.Println("put error:", err)
			os.Exit(2)
		}
		fmt.Printf("ack %d %d\n", i, rev)
	}
}

// TestAcknowledgedWritesSurviveKill kills a writing process with SIGKILL
// and checks that every write it acknowledged is in the file, and that the
// file lock held by the live process makes Open fail with ErrLocked.
func TestAcknowledgedWritesSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns the test binary")
	}
	path := filepath.Join(t.TempDir(), "stsd.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()

	acked := map[int]int64{}
	lines := bufio.NewScanner(stdout)
	for len(acked) < 30 && lines.Scan() {
		var i int
		var rev int64
		if _, err := fmt.Sscanf(lines.Text(), "ack %d %d", &i, &rev); err != nil {
			t.Fatalf("child said %q", lines.Text())
		}
		acked[i] = rev
	}
	if len(acked) < 30 {
		t.Fatalf("child stopped after %d writes: %v", len(acked), lines.Err())
	}

	_, err = boltstore.Open(path, boltstore.WithOpenTimeout(100*time.Millisecond))
	if !errors.Is(err, boltstore.ErrLocked) || !strings.Contains(err.Error(), "is another stsd using this data dir?") {
		t.Fatalf("Open while another process holds the file: %v, want ErrLocked", err)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	s := mustOpen(t, path)
	defer s.Close()
	for i, rev := range acked {
		kv, err := s.Get(t.Context(), "k/"+strconv.Itoa(i))
		if err != nil || string(kv.Value) != strconv.Itoa(i) || kv.Revision != rev {
			t.Fatalf("acknowledged write %d (rev %d) after kill: %q rev %d, %v", i, rev, kv.Value, kv.Revision, err)
		}
	}
	_, last, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	next, err := s.Put(t.Context(), "after", nil)
	if err != nil || next != last+1 {
		t.Fatalf("Put after recovery = %d, %v; want revision %d", next, err, last+1)
	}
	if _, err := s.Watch(t.Context(), "", last-1); !errors.Is(err, store.ErrCompacted) {
		t.Fatalf("Watch from before the restart: %v, want ErrCompacted", err)
	}
}
