package oidc

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Key-set freshness bounds.
const (
	defaultMaxAge = time.Hour
	minMaxAge     = time.Minute
	maxMaxAge     = 24 * time.Hour
)

// cacheMaxAge returns how long a response stays fresh: Cache-Control
// max-age clamped to 1 min..24 h, 1 h when absent. no-cache, no-store and
// max-age=0 mean the minimum, so an IdP cannot make every call refetch.
func cacheMaxAge(h http.Header) time.Duration {
	age := defaultMaxAge
	for _, line := range h.Values("Cache-Control") {
		for _, directive := range strings.Split(line, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return minMaxAge
			case "max-age":
				secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(value), `"`), 10, 64)
				if err != nil || secs < 0 {
					continue
				}
				if secs > int64(maxMaxAge/time.Second) {
					age = maxMaxAge
				} else {
					age = time.Duration(secs) * time.Second
				}
			}
		}
	}
	return min(max(age, minMaxAge), maxMaxAge)
}
