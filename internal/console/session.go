package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"sync"
	"time"
)

// cookieName is the session cookie; its value is a random token whose
// SHA-256 is the session's key, so the server never holds the raw value.
const cookieName = "stsd_console"

// maxSessions bounds the sessions one node holds; beyond it, the expired
// ones are dropped, then the oldest.
const maxSessions = 10000

// session is one signed-in person. It holds no secret: the caller is
// resolved again from the access key on every request.
type session struct {
	accessKeyID string
	csrf        string
	created     time.Time
	lastSeen    time.Time
}

// sessions is the node's in-memory session table. A console session lives
// on the node that created it (behind a load balancer, route /console/ to
// one node or make it sticky); sign-out and timeouts end it at once.
type sessions struct {
	now            func() time.Time
	idle, absolute time.Duration

	mu   sync.Mutex
	byID map[string]*session // hex SHA-256 of the cookie value
}

func newSessions(now func() time.Time, idle, absolute time.Duration) *sessions {
	return &sessions{now: now, idle: idle, absolute: absolute, byID: map[string]*session{}}
}

// randomToken is 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// create starts a session for the access key and returns the cookie value.
func (s *sessions) create(accessKeyID string) (string, *session) {
	token := randomToken()
	now := s.now()
	sess := &session{accessKeyID: accessKeyID, csrf: randomToken(), created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byID) >= maxSessions {
		s.pruneLocked(now)
	}
	s.byID[sessionKey(token)] = sess
	return token, sess
}

// get returns the live session the cookie value names and marks it used;
// an expired one is deleted.
func (s *sessions) get(token string) (*session, bool) {
	if token == "" {
		return nil, false
	}
	key := sessionKey(token)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[key]
	if !ok {
		return nil, false
	}
	if s.expired(sess, now) {
		delete(s.byID, key)
		return nil, false
	}
	sess.lastSeen = now
	return sess, true
}

func (s *sessions) expired(sess *session, now time.Time) bool {
	return now.Sub(sess.lastSeen) >= s.idle || now.Sub(sess.created) >= s.absolute
}

// end deletes the session the cookie value names.
func (s *sessions) end(token string) {
	s.mu.Lock()
	delete(s.byID, sessionKey(token))
	s.mu.Unlock()
}

// pruneLocked drops expired sessions, then the oldest ones until there is
// room for one more.
func (s *sessions) pruneLocked(now time.Time) {
	for k, sess := range s.byID {
		if s.expired(sess, now) {
			delete(s.byID, k)
		}
	}
	for len(s.byID) >= maxSessions {
		var oldestKey string
		var oldest time.Time
		for k, sess := range s.byID {
			if oldestKey == "" || sess.created.Before(oldest) {
				oldestKey, oldest = k, sess.created
			}
		}
		delete(s.byID, oldestKey)
	}
}

// csrfOK compares a submitted CSRF token with the session's in constant
// time.
func (sess *session) csrfOK(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) == 1
}
