package authz

import (
	"sync"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// Bounds of the parsed session policy cache. An inline session policy is
// at most 2,048 characters of plaintext (STS refuses more at issuance), so
// a full cache holds about 2 MiB of text plus the parsed forms; the byte
// bound also caps a cache filled with unusually large documents.
const (
	parsedMaxEntries = 1024
	parsedMaxBytes   = 4 << 20
	// parsedMaxDoc is the largest text cached; larger ones (only possible
	// if issuance limits change) are parsed every time.
	parsedMaxDoc = 16 << 10
)

// parsedPolicies caches inline session policies by their text, so a
// session's policy is parsed once rather than on every decision. Only
// sessions stsd issued reach it (the policy is sealed in the session
// token), and it is bounded in entries and in bytes: when full, an
// arbitrary entry is evicted (Go's map iteration order), so no sequence
// of policies grows it and none can pin it. Safe for concurrent use.
type parsedPolicies struct {
	mu    sync.RWMutex
	m     map[string]*policy.Policy
	bytes int
}

// get returns the parsed policy for doc, parsing and caching it on a miss.
// A document that does not parse is iam.DenyAll.
func (c *parsedPolicies) get(doc string) *policy.Policy {
	c.mu.RLock()
	p, ok := c.m[doc]
	c.mu.RUnlock()
	if ok {
		return p
	}
	p, err := policy.ParseAs([]byte(doc), policy.KindIdentity)
	if err != nil {
		p = iam.DenyAll
	}
	if len(doc) > parsedMaxDoc {
		return p // too large to be worth a share of the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*policy.Policy)
	}
	if _, ok := c.m[doc]; ok {
		return c.m[doc]
	}
	for k := range c.m {
		if len(c.m) < parsedMaxEntries && c.bytes+len(doc) <= parsedMaxBytes {
			break
		}
		delete(c.m, k)
		c.bytes -= len(k)
	}
	c.m[doc] = p
	c.bytes += len(doc)
	return p
}

// len reports the number of cached policies and their total text size.
func (c *parsedPolicies) len() (entries, bytes int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m), c.bytes
}
