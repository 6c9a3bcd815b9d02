package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/testutil/s3backend"
	"github.com/stsd/stsd/internal/testutil/sdkhttp"
	"github.com/stsd/stsd/internal/testutil/syncio"
)

// s3Node is a node with the S3 gateway in front of a real versitygw.
type s3Node struct {
	*node
	backend *s3backend.Backend
	audit   *syncio.Buffer
	// roots trusts the gateway's certificate when it serves TLS.
	roots *x509.CertPool
}

type s3NodeOptions struct {
	domain string
	audit  string // s3.audit (default "all", so tests can read the events)
	tls    bool   // serve the gateway over HTTPS (a fresh self-signed certificate)
}

// startS3Node starts versitygw with the bucket "data", and a node whose
// S3 gateway fronts it.
func startS3Node(t testing.TB, o s3NodeOptions) *s3Node {
	t.Helper()
	be := s3backend.Start(t)
	be.CreateBucket(t, "data")
	s3ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var roots *x509.CertPool
	audit := &syncio.Buffer{}
	n, err := launch(t, nodeOptions{env: map[string]string{config.S3BackendAccessKeyEnv: be.AccessKeyID, config.S3BackendSecretKeyEnv: be.SecretAccessKey}},
		func(a *app.Options) {
			a.Config.S3.Addr = "127.0.0.1:0"
			a.Config.S3.Backend = be.URL
			a.Config.S3.Domain = o.domain
			a.Config.S3.Audit = o.audit
			if a.Config.S3.Audit == "" {
				a.Config.S3.Audit = "all"
			}
			if o.tls {
				a.Config.S3.TLSCertFile, a.Config.S3.TLSKeyFile, roots = selfSignedCert(t)
			}
			a.S3Listener = s3ln
			a.AuditWriter = audit
		})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.app.Repo.CreateProvider(context.Background(), iam.OIDCProvider{
		Account: account, URL: n.idp.Issuer(), ClientIDs: []string{aud},
	}); err != nil {
		t.Fatal(err)
	}
	return &s3Node{node: n, backend: be, audit: audit, roots: roots}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key to a
// temporary directory and returns their paths and a pool trusting it.
func selfSignedCert(t testing.TB) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stsd s3 gateway test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

// s3Role creates a role trusting the fake IdP with inline policies.
func (n *s3Node) s3Role(name string, inline map[string]string) string {
	n.t.Helper()
	r, err := n.app.Repo.CreateRole(context.Background(), iam.Role{
		Account: account, Name: name, Path: "/", AssumeRolePolicyDocument: n.trustFor("sts:TagSession"),
		MaxSessionDuration: 3600, InlinePolicies: inline,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitRole(name)
	return r.ARN()
}

// s3Session assumes roleARN through the STS API with the token's extra
// claims and an optional session policy, and returns its credentials.
func (n *s3Node) s3Session(roleARN, name string, claims map[string]any, sessionPolicy string) aws.Credentials {
	n.t.Helper()
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String(name),
		WebIdentityToken: aws.String(n.token("user-1", claims)),
	}
	if sessionPolicy != "" {
		in.Policy = aws.String(sessionPolicy)
	}
	out, err := n.stsClient(nil).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		n.t.Fatal(err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey,
		SessionToken: *c.SessionToken, CanExpire: true, Expires: *c.Expiration}
}

// s3Client is an aws-sdk-go-v2 S3 client for the gateway, path style,
// with the SDK's default payload and checksum behaviour, retries off.
func (n *s3Node) s3Client(c aws.Credentials, opts ...func(*s3.Options)) *s3.Client {
	o := s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(n.app.S3URL), UsePathStyle: true,
		Credentials: credentials.StaticCredentialsProvider{Value: c}, RetryMaxAttempts: 1,
		HTTPClient: n.httpClient(),
		// What config.LoadDefaultConfig gives every SDK user (s3.New
		// alone leaves it unset, which sends no checksum): a CRC32
		// trailer on uploads, STREAMING-UNSIGNED-PAYLOAD-TRAILER over TLS.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	}
	for _, f := range opts {
		f(&o)
	}
	return s3.New(o)
}

// httpClient is a client for the gateway, trusting its certificate.
func (n *s3Node) httpClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if n.roots != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: n.roots, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

// rootS3 is an S3 client signing with the account root's key.
func (n *s3Node) rootS3() *s3.Client {
	r := n.app.Root
	return n.s3Client(aws.Credentials{AccessKeyID: r.AccessKeyID, SecretAccessKey: r.Secret.Reveal()},
		func(o *s3.Options) { o.HTTPClient = sdkhttp.Client(30 * time.Second) })
}

// wantS3Error asserts an S3 API error's code, HTTP status and message.
func wantS3Error(t testing.TB, err error, code string, status int, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s (%d), got %v", code, status, err)
	}
	var re *smithyhttp.ResponseError
	got := 0
	if errors.As(err, &re) {
		got = re.HTTPStatusCode()
	}
	if ae.ErrorCode() != code || got != status || (message != "" && ae.ErrorMessage() != message) {
		t.Fatalf("want %s %d %q, got %s %d %q", code, status, message, ae.ErrorCode(), got, ae.ErrorMessage())
	}
}
