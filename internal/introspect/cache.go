package introspect

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// Cache bounds.
const (
	// MaxCacheAge is the longest an active answer is reused.
	MaxCacheAge = time.Minute
	// maxCacheEntries bounds the cache's memory; when it is full, expired
	// entries are dropped, then the entry closest to expiry.
	maxCacheEntries = 10000
)

// cacheKey is the SHA-256 digest of the endpoint URL, the client id and the
// token: the cache never holds a token, and two endpoints (or two clients
// of one) never share an answer.
type cacheKey [sha256.Size]byte

func keyFor(ep *Endpoint, token string) cacheKey {
	h := sha256.New()
	for _, part := range []string{ep.URL, ep.ClientID, token} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

type cacheEntry struct {
	resp    *Response
	expires time.Time
}

// cache holds active answers until min(exp, fetched + MaxCacheAge).
type cache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

func (c *cache) get(k cacheKey, now time.Time) (*Response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, k)
		return nil, false
	}
	return e.resp, true
}

// put stores an active answer fetched at now. An answer whose token has no
// exp is kept MaxCacheAge; one whose exp has passed is not kept.
func (c *cache) put(k cacheKey, r *Response, now time.Time) {
	if !r.Active {
		return
	}
	expires := now.Add(MaxCacheAge)
	if r.HasExp && r.ExpiresAt.Before(expires) {
		expires = r.ExpiresAt
	}
	if !now.Before(expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[cacheKey]cacheEntry{}
	}
	if _, ok := c.entries[k]; !ok && len(c.entries) >= maxCacheEntries {
		c.evictLocked(now)
	}
	c.entries[k] = cacheEntry{resp: r, expires: expires}
}

// evictLocked drops expired entries, or, if none, the one expiring first.
func (c *cache) evictLocked(now time.Time) {
	var first cacheKey
	var firstAt time.Time
	dropped := false
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			dropped = true
			continue
		}
		if firstAt.IsZero() || e.expires.Before(firstAt) {
			first, firstAt = k, e.expires
		}
	}
	if !dropped && !firstAt.IsZero() {
		delete(c.entries, first)
	}
}
