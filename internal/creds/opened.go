package creds

import "sync"

// openedMax bounds the sessions Open keeps opened: each entry holds a
// token (at most MaxSessionTokenSize bytes) and its session, so the cache
// stays under about 6 MiB.
const openedMax = 1024

// openedCache remembers the sessions of recently opened tokens, so a
// caller signing request after request with one session costs one map
// lookup instead of a base64 decode, an AES-GCM open and a payload decode
// (BenchmarkS3GatewayGet1KiB: about 1.8 KB and a few microseconds per
// request). A token opens to the same session every time, so the only
// thing that can change is whether its key still opens tokens: Open checks
// that on every hit. A full cache drops an arbitrary entry. Sessions in it
// are shared by every request that presents the token and are never
// changed.
type openedCache struct {
	mu sync.Mutex
	m  map[string]openedSession
}

type openedSession struct {
	key KeyID
	s   *Session
}

func (c *openedCache) get(token string) (openedSession, bool) {
	c.mu.Lock()
	e, ok := c.m[token]
	c.mu.Unlock()
	return e, ok
}

func (c *openedCache) put(token string, e openedSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]openedSession)
	}
	if len(c.m) >= openedMax {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[token] = e
}
