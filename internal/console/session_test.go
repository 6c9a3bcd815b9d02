package console

import (
	"testing"
	"time"
)

func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := newSessions(func() time.Time { return now }, 30*time.Minute, 2*time.Hour)
	token, sess := s.create("AKIAEXAMPLE")
	if _, ok := s.byID[token]; ok {
		t.Fatal("the raw cookie value is a key of the session table")
	}
	// Used every 29 minutes, the session lives until its absolute timeout.
	for i := 0; i < 4; i++ {
		now = now.Add(29 * time.Minute)
		if _, ok := s.get(token); !ok {
			t.Fatalf("session ended after %v of activity", now.Sub(sess.created))
		}
	}
	now = sess.created.Add(2 * time.Hour)
	if _, ok := s.get(token); ok {
		t.Fatal("session outlived its absolute timeout")
	}
	token, _ = s.create("AKIAEXAMPLE")
	now = now.Add(30 * time.Minute)
	if _, ok := s.get(token); ok {
		t.Fatal("session outlived its idle timeout")
	}
	if len(s.byID) != 0 {
		t.Fatalf("expired sessions kept: %d", len(s.byID))
	}
	token, _ = s.create("AKIAEXAMPLE")
	s.end(token)
	if _, ok := s.get(token); ok {
		t.Fatal("an ended session still serves")
	}
}

func TestSessionTableIsBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := newSessions(func() time.Time { return now }, time.Hour, 2*time.Hour)
	first, _ := s.create("AKIA1")
	for i := 0; i < maxSessions; i++ {
		now = now.Add(time.Millisecond)
		s.create("AKIA2")
	}
	if len(s.byID) > maxSessions {
		t.Fatalf("%d sessions", len(s.byID))
	}
	if _, ok := s.get(first); ok {
		t.Fatal("the oldest session was not the one dropped")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/console/roles": "/console/roles", "//evil/console/": "", "https://evil/console/": "", "/console/\\evil": "", "/other": "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
