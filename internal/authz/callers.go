package authz

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// callerViewsMax bounds the cached caller views. A view holds a context of
// some 25 keys, the caller's policy set (pointers into the snapshot's
// parsed policies) and a copy of the session's facts — a few KiB at most,
// since a session is sealed in a token of at most 4,096 bytes.
const callerViewsMax = 1024

// callerView is everything a decision derives from the caller and the
// snapshot alone: the caller's policies, the caller as resource policies
// see it, and a template context holding the keys that describe the
// caller (plus the request keys' slots, see template). It is built once
// per caller and snapshot revision and never changed afterwards.
type callerView struct {
	revision  int64
	who       callerFacts
	st        callerState
	principal policy.Principal
	template  *policy.Context
}

// callerFacts are the caller's fields a view was built from, compared in
// full on every use: a view is reused only for a caller equal in every
// fact the view depends on, whatever the cache key says. (No secret is
// copied: a session's secret access key plays no part in a decision.)
type callerFacts struct {
	kind                 authn.Kind
	account, arn, userID string
	userName, userUnique string // IAM users
	session              bool
	sessionKind          creds.SessionKind
	sessionUser          [3]string // name, id, path
	partition, roleID    string
	sessionAccount       string
	roleName, rolePath   string
	sessionName          string
	issuedAt             time.Time
	sourceIdentity       string
	federatedProvider    string
	policy               string
	policyARNs           []string
	tags                 []creds.Tag
	webIdentity          map[string][]string
}

func factsOf(c *authn.Caller) callerFacts {
	f := callerFacts{kind: c.Kind, account: c.Account, arn: c.ARN, userID: c.UserID}
	if c.User != nil {
		f.userName, f.userUnique = c.User.User.Name, c.User.User.UserID
	}
	if s := c.Session; s != nil {
		f.session = true
		f.sessionKind, f.sessionUser = s.Kind, [3]string{s.UserName, s.UserID, s.UserPath}
		f.partition, f.sessionAccount, f.roleID = s.Partition, s.AccountID, s.RoleID
		f.roleName, f.rolePath, f.sessionName = s.RoleName, s.RolePath, s.SessionName
		f.issuedAt, f.sourceIdentity, f.federatedProvider, f.policy = s.IssuedAt, s.SourceIdentity, s.FederatedProvider, s.Policy
		f.policyARNs, f.tags = slices.Clone(s.PolicyARNs), slices.Clone(s.Tags)
		f.webIdentity = make(map[string][]string, len(s.WebIdentity))
		for k, vs := range s.WebIdentity {
			f.webIdentity[k] = slices.Clone(vs)
		}
	}
	return f
}

// matches reports whether the caller is the one the facts describe.
func (f *callerFacts) matches(c *authn.Caller) bool {
	if f.kind != c.Kind || f.account != c.Account || f.arn != c.ARN || f.userID != c.UserID {
		return false
	}
	if c.User != nil && (f.userName != c.User.User.Name || f.userUnique != c.User.User.UserID) {
		return false
	}
	s := c.Session
	if s == nil || !f.session {
		return s == nil && !f.session
	}
	return f.sessionKind == s.Kind && f.sessionUser == [3]string{s.UserName, s.UserID, s.UserPath} &&
		f.partition == s.Partition && f.sessionAccount == s.AccountID && f.roleID == s.RoleID &&
		f.roleName == s.RoleName && f.rolePath == s.RolePath && f.sessionName == s.SessionName &&
		f.issuedAt.Equal(s.IssuedAt) && f.sourceIdentity == s.SourceIdentity &&
		f.federatedProvider == s.FederatedProvider && f.policy == s.Policy &&
		slices.Equal(f.tags, s.Tags) && slices.Equal(f.policyARNs, s.PolicyARNs) &&
		maps.EqualFunc(f.webIdentity, s.WebIdentity, slices.Equal[[]string])
}

// callerKey finds a caller's view; matches decides whether it applies.
type callerKey struct {
	kind                authn.Kind
	accessKeyID, userID string
}

// callerViews caches caller views, bounded (callerViewsMax, an arbitrary
// entry evicted when full). Views of an older snapshot revision are
// replaced on their next use; they hold no reference to the snapshot
// itself. Safe for concurrent use.
type callerViews struct {
	mu sync.RWMutex
	m  map[callerKey]*callerView
}

// view returns the caller's view for the snapshot, building it on a miss.
func (e *Engine) view(snap *iam.Snapshot, c *authn.Caller) *callerView {
	key := callerKey{c.Kind, c.AccessKeyID, c.UserID}
	rev := snap.Revision()
	cv := &e.callers
	cv.mu.RLock()
	v := cv.m[key]
	cv.mu.RUnlock()
	if v != nil && v.revision == rev && v.who.matches(c) {
		return v
	}
	v = &callerView{revision: rev, who: factsOf(c), st: e.callerPolicies(snap, c), principal: principalOf(c)}
	v.template = template(c, v.st.tags)
	cv.mu.Lock()
	defer cv.mu.Unlock()
	if cv.m == nil {
		cv.m = make(map[callerKey]*callerView)
	}
	if _, ok := cv.m[key]; !ok && len(cv.m) >= callerViewsMax {
		for k := range cv.m {
			delete(cv.m, k)
			break
		}
	}
	cv.m[key] = v
	return v
}

// template is the context every request of the caller starts from: the
// keys that describe the caller, the keys that never vary, and a slot for
// each key a request fills (requestKeys), so that filling them replaces
// entries instead of growing the clone.
func template(c *authn.Caller, tags []iam.Tag) *policy.Context {
	t := policy.NewContext()
	for _, k := range requestKeys {
		t.Set(k, "")
	}
	t.Set("aws:ViaAWSService", "false")
	t.Set("aws:PrincipalIsAWSService", "false")
	principalContext(t, c, tags)
	return t
}

// requestKeys are the keys baseContext sets or deletes on every request.
var requestKeys = []string{
	"aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport", "aws:SourceIp",
	"aws:UserAgent", "aws:RequestedRegion", "aws:ResourceAccount",
}
