package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestHMACMatchesStdlib checks the allocation-free HMAC against crypto/hmac
// across the fast path and the fallback (keys over 64 bytes, messages over 256).
func TestHMACMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, kl := range []int{0, 1, 20, 44, 63, 64, 65, 200} {
		for _, ml := range []int{0, 1, 8, 150, 255, 256, 257, 1000} {
			key, msg := make([]byte, kl), make([]byte, ml)
			for i := range key {
				key[i] = byte(r.Uint32())
			}
			for i := range msg {
				msg[i] = byte(r.Uint32())
			}
			m := hmac.New(sha256.New, key)
			m.Write(msg)
			var got [32]byte
			hmacSHA256(&got, key, msg)
			if !hmac.Equal(got[:], m.Sum(nil)) {
				t.Fatalf("key %d msg %d: mismatch", kl, ml)
			}
		}
	}
}
