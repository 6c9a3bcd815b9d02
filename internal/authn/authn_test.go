package authn_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stsd/stsd/internal/authn"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/secret"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store/memstore"
	"github.com/stsd/stsd/internal/testutil/testclock"
)

const (
	acct       = "111122223333"
	rootKey    = "AKIAIOSFODNN7EXAMPLE"
	rootSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	region     = "us-east-1"
	body       = "Action=GetCallerIdentity&Version=2011-06-15"
)

// AWS's texts, as the STS and IAM endpoints answer them.
const (
	msgInvalidToken = "The security token included in the request is invalid"
	msgExpiredToken = "The security token included in the request is expired"
	msgSigMismatch  = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// key is an access key pair, with a session token for temporary keys.
type key struct{ id, secret, token string }

// fixture is an account with a root key, IAM users with long-term keys,
// and sessions sealed by the keyring, all on one test clock.
type fixture struct {
	t       *testing.T
	clock   *testclock.Clock
	keyring *creds.Keyring
	snap    func() *iam.Snapshot
	secrets *creds.SecretWrapper

	alice     key // active key of the user alice
	inactive  key // bob's deactivated key
	orphan    key // the key of carol, a user deleted since
	foreign   key // a session sealed by another keyring
	role      key // a role session
	expired   key // a role session past its expiry
	aliceSess key // GetSessionToken by alice
	rootSess  key // GetSessionToken by the root
	fedAlice  key // GetFederationToken by alice
	fedRoot   key // GetFederationToken by the root
	ghostSess key // GetSessionToken by a user deleted since
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, clock: testclock.New(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))}
	st := memstore.New()
	master := secret.NewBytes(bytes.Repeat([]byte{7}, creds.MasterKeySize))
	var err error
	if f.keyring, err = creds.OpenKeyring(ctx, st, master, creds.KeyringOptions{Now: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.keyring.Close() })
	if f.secrets, err = creds.NewSecretWrapper(master); err != nil {
		t.Fatal(err)
	}
	repo := iam.NewRepo(st, iam.RepoOptions{Now: f.clock.Now})
	f.alice = f.user(repo, "alice", iam.AccessKeyActive)
	f.inactive = f.user(repo, "bob", iam.AccessKeyInactive)
	f.orphan = f.user(repo, "carol", iam.AccessKeyActive)
	if _, err := st.Delete(ctx, iam.UserKey(acct, "carol")); err != nil { // the key stays behind
		t.Fatal(err)
	}
	cache := iam.NewCache(st, iam.CacheOptions{})
	cctx, cancel := context.WithCancel(ctx)
	if err := cache.Start(cctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-cache.Done() })
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := cache.WaitFor(wctx, func(s *iam.Snapshot) bool {
		_, ok := s.UserByName(acct, "carol")
		_, key := s.AccessKey(f.orphan.id)
		return !ok && key
	}); err != nil {
		t.Fatal(err)
	}
	f.snap = cache.Current

	now := f.clock.Now()
	alice, _ := f.snap().UserByName(acct, "alice")
	role := creds.Session{AccountID: acct, RoleID: "AROAEXAMPLEROLEID0001", RoleName: "deploy", RolePath: "/", SessionName: "job"}
	f.role = f.session(f.keyring, role, now.Add(-time.Minute), now.Add(time.Hour))
	f.expired = f.session(f.keyring, role, now.Add(-2*time.Hour), now.Add(-time.Hour))
	f.aliceSess = f.session(f.keyring, creds.Session{Kind: creds.KindUserSession, AccountID: acct,
		UserName: "alice", UserID: alice.User.UserID, UserPath: "/"}, now, now.Add(time.Hour))
	f.rootSess = f.session(f.keyring, creds.Session{Kind: creds.KindUserSession, AccountID: acct}, now, now.Add(time.Hour))
	f.fedAlice = f.session(f.keyring, creds.Session{Kind: creds.KindFederatedUser, AccountID: acct, SessionName: "bob-app",
		UserName: "alice", UserID: alice.User.UserID, UserPath: "/"}, now, now.Add(time.Hour))
	f.fedRoot = f.session(f.keyring, creds.Session{Kind: creds.KindFederatedUser, AccountID: acct, SessionName: "root-app"}, now, now.Add(time.Hour))
	f.ghostSess = f.session(f.keyring, creds.Session{Kind: creds.KindUserSession, AccountID: acct,
		UserName: "ghost", UserID: "AIDAEXAMPLEGHOST0001", UserPath: "/"}, now, now.Add(time.Hour))

	other, err := creds.OpenKeyring(ctx, memstore.New(), secret.NewBytes(bytes.Repeat([]byte{9}, creds.MasterKeySize)),
		creds.KeyringOptions{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	f.foreign = f.session(other, role, now, now.Add(time.Hour))
	return f
}

// user creates an IAM user with one access key of the given status.
func (f *fixture) user(repo *iam.Repo, name, status string) key {
	f.t.Helper()
	ctx := context.Background()
	if _, err := repo.CreateUser(ctx, iam.User{Account: acct, Name: name, Path: "/"}); err != nil {
		f.t.Fatal(err)
	}
	id, sec := iam.NewAccessKeyID(), creds.NewSecretAccessKey()
	if _, err := repo.CreateAccessKey(ctx, iam.AccessKey{Account: acct, UserName: name, AccessKeyID: id,
		Status: status, WrappedSecret: f.secrets.Wrap(id, sec)}); err != nil {
		f.t.Fatal(err)
	}
	return key{id: id, secret: sec.Reveal()}
}

// session seals s with a new key pair valid from issued to expiry.
func (f *fixture) session(k *creds.Keyring, s creds.Session, issued, expiry time.Time) key {
	f.t.Helper()
	s.AccessKeyID, s.SecretAccessKey = creds.NewTemporaryAccessKeyID(), creds.NewSecretAccessKey()
	s.IssuedAt, s.Expiry = issued, expiry
	tok, err := k.Seal(&s, creds.SealOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	return key{id: s.AccessKeyID, secret: s.SecretAccessKey.Reveal(), token: tok.Reveal()}
}

// authenticator verifies requests for service on the fixture's clock.
func (f *fixture) authenticator(service string) *authn.Authenticator {
	return &authn.Authenticator{
		Verifier: &sigv4.Verifier{Now: f.clock.Now, Regions: []string{region}, Services: []string{service}},
		Keyring:  f.keyring,
		Root:     authn.RootCredentials{AccountID: acct, AccessKeyID: rootKey, Secret: secret.NewString(rootSecret)},
		Now:      f.clock.Now,
		Snapshot: f.snap,
		Secrets:  f.secrets,
	}
}

// signed is a Query API call signed with k for service at the clock's time.
func (f *fixture) signed(k key, service string) *awsquery.Call {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://sts.example.test/", strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, SessionToken: k.token},
		req, hex.EncodeToString(sum[:]), service, region, f.clock.Now()); err != nil {
		f.t.Fatal(err)
	}
	// The signer signs req.ContentLength; a server sees it as a header.
	req.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return &awsquery.Call{HTTP: req, Body: []byte(body)}
}

// wantErr checks err's wire code, status and message, and its reason.
func wantErr(t *testing.T, err error, code string, status int, message, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	e := awserr.As(err)
	if e.Code != code || e.Status != status || e.Message != message || e.Reason != reason {
		t.Fatalf("got %s %d %q (reason %q)\nwant %s %d %q (reason %q)", e.Code, e.Status, e.Message, e.Reason, code, status, message, reason)
	}
}

func TestAuthenticateRejects(t *testing.T) {
	f := newFixture(t)
	unsigned := func() *awsquery.Call {
		req, _ := http.NewRequest(http.MethodPost, "https://sts.example.test/", strings.NewReader(body))
		return &awsquery.Call{HTTP: req, Body: []byte(body)}
	}
	withHeader := func(c *awsquery.Call, name, value string) *awsquery.Call { c.HTTP.Header.Set(name, value); return c }
	for _, c := range []struct {
		name    string
		service string // the Authenticator's; "sts" when empty
		call    func() *awsquery.Call
		later   time.Duration // the clock moves this far after signing
		code    string
		status  int
		message string
		reason  string
	}{
		{name: "no signature", call: unsigned,
			code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token",
			reason: "sigv4_MissingAuthenticationToken"},
		{name: "malformed Authorization header", call: func() *awsquery.Call {
			return withHeader(unsigned(), "Authorization", "AWS4-HMAC-SHA256 Credential="+rootKey+"/20261122/us-east-1/sts/aws4_request")
		}, code: "IncompleteSignature", status: 400,
			message: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=" + rootKey + "/20261122/us-east-1/sts/aws4_request",
			reason: "sigv4_IncompleteSignature"},
		{name: "bad signature (wrong secret)", call: func() *awsquery.Call { return f.signed(key{id: rootKey, secret: "wrong"}, "sts") },
			code: "SignatureDoesNotMatch", status: 403, message: msgSigMismatch, reason: "sigv4_SignatureDoesNotMatch"},
		{name: "bad signature (session key, other secret)", call: func() *awsquery.Call {
			k := f.role
			k.secret = f.alice.secret
			return f.signed(k, "sts")
		}, code: "SignatureDoesNotMatch", status: 403, message: msgSigMismatch, reason: "sigv4_SignatureDoesNotMatch"},
		{name: "signature expired (checked before the key)", call: func() *awsquery.Call { return f.signed(key{id: "AKIAUNKNOWNKEY000001", secret: "x"}, "sts") },
			later: 16 * time.Minute, code: "SignatureDoesNotMatch", status: 403,
			message: "Signature expired: 20261122T100000Z is now earlier than 20261122T100100Z (20261122T101600Z - 15 min.)",
			reason:  "sigv4_SignatureDoesNotMatch"},
		{name: "scoped to another service (checked before the key)", call: func() *awsquery.Call { return f.signed(key{id: "AKIAUNKNOWNKEY000001", secret: "x"}, "iam") },
			code: "SignatureDoesNotMatch", status: 403, message: "Credential should be scoped to correct service: 'sts'. ",
			reason: "sigv4_SignatureDoesNotMatch"},
		{name: "unknown access key", call: func() *awsquery.Call { return f.signed(key{id: "AKIAUNKNOWNKEY000001", secret: "x"}, "sts") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "access_key_unknown"},
		{name: "inactive access key", call: func() *awsquery.Call { return f.signed(f.inactive, "sts") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "access_key_inactive"},
		{name: "access key of a deleted user", call: func() *awsquery.Call { return f.signed(f.orphan, "sts") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "access_key_user_missing"},
		{name: "long-term key with a session token", call: func() *awsquery.Call {
			k := f.alice
			k.token = f.role.token
			return f.signed(k, "sts")
		}, code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "access_key_unknown"},
		{name: "root key with a session token", call: func() *awsquery.Call {
			return f.signed(key{id: rootKey, secret: rootSecret, token: f.role.token}, "sts")
		}, code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "access_key_unknown"},
		{name: "temporary key without its session token", call: func() *awsquery.Call { return f.signed(key{id: f.role.id, secret: f.role.secret}, "sts") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_token_missing"},
		{name: "malformed session token", call: func() *awsquery.Call {
			k := f.role
			k.token = "not a token"
			return f.signed(k, "sts")
		}, code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_token_malformed"},
		{name: "session token of another keyring", call: func() *awsquery.Call { return f.signed(f.foreign, "sts") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_token_unknown_key"},
		{name: "tampered session token", call: func() *awsquery.Call {
			k := f.role
			b := []byte(k.token)
			i := len(b) / 2
			b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
			k.token = string(b)
			return f.signed(k, "sts")
		}, code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_token_tampered"},
		{name: "session token of another access key", call: func() *awsquery.Call {
			k := f.role
			k.token = f.aliceSess.token
			return f.signed(k, "sts")
		}, code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_token_key_mismatch"},
		{name: "expired session", call: func() *awsquery.Call { return f.signed(f.expired, "sts") },
			code: "ExpiredToken", status: 403, message: msgExpiredToken, reason: "session_expired"},
		{name: "session expiring after signing", call: func() *awsquery.Call {
			f.clock.Advance(59 * time.Minute) // a minute before the session's expiry
			return f.signed(f.role, "sts")
		}, later: 2 * time.Minute, code: "ExpiredToken", status: 403, message: msgExpiredToken, reason: "session_expired"},
		{name: "IAM refuses a GetSessionToken session", service: "iam", call: func() *awsquery.Call { return f.signed(f.aliceSess, "iam") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_kind_refused_by_iam"},
		{name: "IAM refuses a federated user", service: "iam", call: func() *awsquery.Call { return f.signed(f.fedAlice, "iam") },
			code: "InvalidClientTokenId", status: 403, message: msgInvalidToken, reason: "session_kind_refused_by_iam"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := f.clock.Now()
			defer f.clock.Set(start)
			service := c.service
			if service == "" {
				service = "sts"
			}
			call := c.call()
			f.clock.Advance(c.later)
			caller, err := f.authenticator(service).Authenticate(context.Background(), call)
			if caller != nil {
				t.Errorf("caller %+v with the error", caller)
			}
			wantErr(t, err, c.code, c.status, c.message, c.reason)
		})
	}
}

func TestAuthenticateCallers(t *testing.T) {
	f := newFixture(t)
	alice, _ := f.snap().UserByName(acct, "alice")
	for _, c := range []struct {
		name     string
		service  string
		key      key
		kind     authn.Kind
		arn      string
		userID   string
		user     string // the caller's User's name; "" for none
		tempUser bool   // the User is the session's own view (its user was deleted)
	}{
		{name: "root", service: "sts", key: key{id: rootKey, secret: rootSecret},
			kind: authn.KindRoot, arn: "arn:aws:iam::" + acct + ":root", userID: acct},
		{name: "IAM user", service: "iam", key: f.alice,
			kind: authn.KindUser, arn: "arn:aws:iam::" + acct + ":user/alice", userID: alice.User.UserID, user: "alice"},
		{name: "role session", service: "sts", key: f.role,
			kind: authn.KindAssumedRole, arn: "arn:aws:sts::" + acct + ":assumed-role/deploy/job", userID: "AROAEXAMPLEROLEID0001:job"},
		{name: "role session at IAM", service: "iam", key: f.role,
			kind: authn.KindAssumedRole, arn: "arn:aws:sts::" + acct + ":assumed-role/deploy/job", userID: "AROAEXAMPLEROLEID0001:job"},
		{name: "user's GetSessionToken session", service: "sts", key: f.aliceSess,
			kind: authn.KindUser, arn: "arn:aws:iam::" + acct + ":user/alice", userID: alice.User.UserID, user: "alice"},
		{name: "root's GetSessionToken session", service: "sts", key: f.rootSess,
			kind: authn.KindRoot, arn: "arn:aws:iam::" + acct + ":root", userID: acct},
		{name: "deleted user's GetSessionToken session", service: "sts", key: f.ghostSess,
			kind: authn.KindUser, arn: "arn:aws:iam::" + acct + ":user/ghost", userID: "AIDAEXAMPLEGHOST0001", user: "ghost", tempUser: true},
		{name: "user's federated user", service: "sts", key: f.fedAlice,
			kind: authn.KindFederatedUser, arn: "arn:aws:sts::" + acct + ":federated-user/bob-app", userID: acct + ":bob-app", user: "alice"},
		{name: "root's federated user", service: "sts", key: f.fedRoot,
			kind: authn.KindFederatedUser, arn: "arn:aws:sts::" + acct + ":federated-user/root-app", userID: acct + ":root-app"},
	} {
		t.Run(c.name, func(t *testing.T) {
			caller, err := f.authenticator(c.service).Authenticate(context.Background(), f.signed(c.key, c.service))
			if err != nil {
				t.Fatal(err)
			}
			if caller.Kind != c.kind || caller.ARN != c.arn || caller.UserID != c.userID || caller.Account != acct || caller.AccessKeyID != c.key.id {
				t.Errorf("caller %s %s %s %s %s, want %s %s %s %s %s", caller.Kind, caller.ARN, caller.UserID, caller.Account, caller.AccessKeyID,
					c.kind, c.arn, c.userID, acct, c.key.id)
			}
			if caller.Temporary() != (c.key.token != "") {
				t.Errorf("Temporary() = %v", caller.Temporary())
			}
			switch {
			case c.user == "" && caller.User != nil:
				t.Errorf("User = %+v, want none", caller.User.User)
			case c.user != "" && (caller.User == nil || caller.User.User.Name != c.user):
				t.Errorf("User = %+v, want %s", caller.User, c.user)
			case c.tempUser && (caller.User.ARN != c.arn || caller.User.User.UserID != c.userID || caller.User.Inline != nil):
				t.Errorf("deleted user's view = %+v", caller.User)
			case c.user != "" && !c.tempUser && caller.User != alice:
				t.Errorf("User is not the snapshot's view of %s", c.user)
			}
		})
	}
}

func TestVerifySecret(t *testing.T) {
	f := newFixture(t)
	a := f.authenticator("sts")
	for _, c := range []struct {
		name   string
		id     string
		secret string
		kind   authn.Kind // the caller's, or "" for an error
		reason string
	}{
		{name: "root", id: rootKey, secret: rootSecret, kind: authn.KindRoot},
		{name: "IAM user", id: f.alice.id, secret: f.alice.secret, kind: authn.KindUser},
		{name: "wrong secret", id: f.alice.id, secret: f.inactive.secret, reason: "secret_mismatch"},
		{name: "root, wrong secret", id: rootKey, secret: f.alice.secret, reason: "secret_mismatch"},
		{name: "unknown key", id: "AKIAUNKNOWNKEY000001", secret: "x", reason: "access_key_unknown"},
		{name: "inactive key", id: f.inactive.id, secret: f.inactive.secret, reason: "access_key_inactive"},
		{name: "deleted user's key", id: f.orphan.id, secret: f.orphan.secret, reason: "access_key_user_missing"},
		{name: "temporary key", id: f.role.id, secret: f.role.secret, reason: "session_token_missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			caller, err := a.VerifySecret(context.Background(), c.id, secret.NewString(c.secret))
			if c.kind == "" {
				if caller != nil {
					t.Errorf("caller %+v with the error", caller)
				}
				wantErr(t, err, "InvalidClientTokenId", 403, msgInvalidToken, c.reason)
				return
			}
			if err != nil || caller.Kind != c.kind || caller.AccessKeyID != c.id {
				t.Fatalf("VerifySecret = %+v, %v; want a %s caller", caller, err, c.kind)
			}
		})
	}
}

func TestSigningKey(t *testing.T) {
	f := newFixture(t)
	a := f.authenticator("s3")
	scope := sigv4.Scope{Date: "20261122", Region: region, Service: "s3", Terminator: sigv4.Terminator}
	for _, c := range []struct {
		name    string
		key     key
		code    string // "" for success
		message string
		reason  string
	}{
		{name: "root", key: key{id: rootKey, secret: rootSecret}},
		{name: "IAM user", key: f.alice},
		{name: "role session", key: f.role},
		{name: "unknown key", key: key{id: "AKIAUNKNOWNKEY000001"},
			code: "InvalidClientTokenId", message: "The access key ID is not valid: stsd knows no such key.", reason: "access_key_unknown"},
		{name: "deleted user's key", key: f.orphan,
			code: "InvalidClientTokenId", message: "The access key ID is not valid: stsd knows no such key.", reason: "access_key_user_missing"},
		{name: "inactive key", key: f.inactive,
			code: "InvalidClientTokenId", message: "The access key is inactive.", reason: "access_key_inactive"},
		{name: "temporary key without its token", key: key{id: f.role.id},
			code: "InvalidClientTokenId", message: "A temporary access key ID needs its session token.", reason: "session_token_missing"},
		{name: "malformed token", key: key{id: f.role.id, token: "not a token"},
			code: "InvalidClientTokenId", message: "The session token is not valid.", reason: "session_token_malformed"},
		{name: "token of another keyring", key: f.foreign,
			code: "InvalidClientTokenId", message: "The session token is not valid.", reason: "session_token_unknown_key"},
		{name: "token of another key", key: key{id: f.role.id, token: f.aliceSess.token},
			code: "InvalidClientTokenId", message: "The session token does not belong to the access key ID.", reason: "session_token_key_mismatch"},
		{name: "long-term key with a token", key: key{id: f.alice.id, token: f.role.token},
			code: "InvalidClientTokenId", message: "A session token was given with a long-term access key ID.", reason: "session_token_with_long_term_key"},
		{name: "expired session", key: f.expired,
			code: "ExpiredToken", message: "The session token is expired.", reason: "session_expired"},
	} {
		t.Run(c.name, func(t *testing.T) {
			caller, got, err := a.SigningKey(context.Background(), c.key.id, c.key.token, scope)
			if c.code != "" {
				if caller != nil || got != [32]byte{} {
					t.Errorf("caller %+v and a key with the error", caller)
				}
				wantErr(t, err, c.code, http.StatusBadRequest, c.message, c.reason)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if caller.AccessKeyID != c.key.id || got != sigv4.SigningKey(c.key.secret, scope) {
				t.Errorf("SigningKey = %s, %x; want %s's key", caller.AccessKeyID, got, c.key.id)
			}
		})
	}
}

func TestFromSigV4(t *testing.T) {
	if e := authn.FromSigV4(context.Canceled); e.Code != "InternalFailure" || e.Status != 500 {
		t.Errorf("a non-SigV4 error: %s %d, want InternalFailure 500", e.Code, e.Status)
	}
}

func TestAuditIdentity(t *testing.T) {
	f := newFixture(t)
	caller, err := f.authenticator("sts").Authenticate(context.Background(), f.signed(f.alice, "sts"))
	if err != nil {
		t.Fatal(err)
	}
	id := caller.AuditIdentity()
	if id.Type != "IAMUser" || id.UserName != "alice" || id.ARN != caller.ARN || id.PrincipalID != caller.UserID ||
		id.AccountID != acct || id.AccessKeyID != f.alice.id {
		t.Errorf("AuditIdentity = %+v", id)
	}
	caller, err = f.authenticator("sts").Authenticate(context.Background(), f.signed(f.role, "sts"))
	if err != nil {
		t.Fatal(err)
	}
	if id := caller.AuditIdentity(); id.Type != "AssumedRole" || id.UserName != "" {
		t.Errorf("role session's AuditIdentity = %+v", id)
	}
}
