package creds

import (
	"testing"

	"github.com/stsd/stsd/internal/store/memstore"
)

// A token opened again is the session opened before (no second decode);
// another token of an equal session is opened on its own; the cache stays
// within openedMax however many tokens are opened.
func TestOpenRemembersSessions(t *testing.T) {
	k := openTestKeyring(t, memstore.New(), newMaster(t), newClock(), nil)
	tok := mustSeal(t, k, typicalSession())
	first := mustOpen(t, k, tok)
	if again := mustOpen(t, k, tok); again != first {
		t.Error("the same token opened to a new session")
	}
	other := mustSeal(t, k, typicalSession())
	if s := mustOpen(t, k, other); s == first {
		t.Error("another token opened to the first token's session")
	}
	for range openedMax + 10 {
		mustOpen(t, k, mustSeal(t, k, typicalSession()))
	}
	k.opened.mu.Lock()
	n := len(k.opened.m)
	k.opened.mu.Unlock()
	if n > openedMax {
		t.Errorf("%d sessions cached, want at most %d", n, openedMax)
	}
	if s := mustOpen(t, k, tok); s.AccessKeyID != first.AccessKeyID {
		t.Error("a token evicted from the cache opens differently")
	}
}
