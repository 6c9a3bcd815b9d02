package introspect

import (
	"testing"
	"time"
)

// The cache holds at most maxCacheEntries answers: a full cache drops the
// expired ones, or else the one expiring first.
func TestCacheBound(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	ep := &Endpoint{URL: "https://auth.example.com/introspect", ClientID: "stsd"}
	var c cache
	active := &Response{Active: true}
	for i := range maxCacheEntries {
		exp := &Response{Active: true, HasExp: true, ExpiresAt: now.Add(time.Duration(10+i%50) * time.Second)}
		c.put(keyFor(ep, string(rune(i))+"-token"), exp, now)
	}
	c.put(keyFor(ep, "newest"), active, now)
	if n := len(c.entries); n != maxCacheEntries {
		t.Fatalf("%d entries, want %d", n, maxCacheEntries)
	}
	if _, ok := c.get(keyFor(ep, "newest"), now); !ok {
		t.Fatal("the newest answer was not kept")
	}
	// 20 s later the answers that expired are dropped at the next put.
	later := now.Add(20 * time.Second)
	c.put(keyFor(ep, "after"), active, later)
	if n := len(c.entries); n >= maxCacheEntries-1000 {
		t.Fatalf("%d entries after expiry, want the expired ones gone", n)
	}
	// The key never holds the token: two endpoints, two keys.
	other := *ep
	other.ClientID = "other"
	if keyFor(ep, "t") == keyFor(&other, "t") || keyFor(ep, "t") == keyFor(ep, "u") {
		t.Fatal("keys collide")
	}
}
