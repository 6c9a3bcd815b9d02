package background

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stsd/stsd/internal/testutil/syncio"
)

func TestStopEndsEveryLoopAndWaits(t *testing.T) {
	var running, returned atomic.Int32
	loop := func(ctx context.Context) {
		running.Add(1)
		<-ctx.Done()
		time.Sleep(time.Millisecond) // Stop must wait for this
		returned.Add(1)
	}
	l := Start(loop, loop, loop)
	for running.Load() != 3 {
		time.Sleep(time.Millisecond)
	}
	l.Stop()
	if n := returned.Load(); n != 3 {
		t.Fatalf("Stop returned with %d of 3 loops returned", n)
	}
	l.Stop() // a second Stop is harmless
	var none *Loops
	none.Stop()
}

func TestEveryCallsEachIntervalAndLogsFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs syncio.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		var calls atomic.Int32
		round := func(context.Context) error {
			if calls.Add(1) == 2 {
				return errors.New("store unavailable")
			}
			return nil
		}
		l := Start(Every(time.Minute, round, log, "thing: maintenance failed"))
		defer l.Stop()

		synctest.Wait()
		if n := calls.Load(); n != 0 {
			t.Fatalf("%d rounds before the first interval", n)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := calls.Load(); n != 1 {
			t.Fatalf("%d rounds after one interval, want 1", n)
		}
		if logs.String() != "" {
			t.Fatalf("a good round logged: %s", logs.String())
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, `msg="thing: maintenance failed" err="store unavailable"`) {
			t.Fatalf("failed round logged %q", got)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := calls.Load(); n != 3 {
			t.Fatalf("%d rounds after three intervals, want 3 (a failure does not stop the loop)", n)
		}
	})
}

// A round that fails because Stop ended its context is not a failure to
// report.
func TestEveryDoesNotLogTheFailureOfStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs syncio.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		started := make(chan struct{})
		round := func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}
		l := Start(Every(time.Minute, round, log, "thing: maintenance failed"))
		<-started
		l.Stop()
		if got := logs.String(); got != "" {
			t.Fatalf("Stop during a round logged %q", got)
		}
	})
}
