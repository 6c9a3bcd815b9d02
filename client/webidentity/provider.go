package webidentity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// RefreshWindow is how long before its expiry a session is replaced: a
// cached session is reused while it has more than this left, and
// NewCredentialsCache makes the SDK refresh this early.
const RefreshWindow = 5 * time.Minute

// DefaultRegion is the region of the STS client when Options.Region is
// empty. AssumeRoleWithWebIdentity is unsigned, so it only names the
// client's configuration.
const DefaultRegion = "us-east-1"

// Options configure a Provider. Endpoint, RoleARN, RoleSessionName and
// Token are required; the others are the optional parameters of
// AssumeRoleWithWebIdentity and how the Provider runs.
type Options struct {
	Endpoint        string // stsd's URL, e.g. "https://sts.example.internal"
	RoleARN         string
	RoleSessionName string
	Token           TokenSource

	Policy          string   // an inline session policy (JSON)
	PolicyARNs      []string // managed session policies
	DurationSeconds int32    // 0: the server's default (one hour)
	ProviderID      string

	Region     string         // "" means DefaultRegion
	HTTPClient aws.HTTPClient // nil means the SDK's default
	// Cache, when set, is consulted before asking stsd and keeps every
	// new session; nil keeps nothing.
	Cache Cache
	// CacheErrors is told about cache entries that could not be read or
	// written (the Provider then asks stsd, or carries on uncached).
	CacheErrors func(error)
	Now         func() time.Time // nil means time.Now
}

// FromEnvironment returns Options filled from the environment the AWS
// SDKs read for web identity: AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME,
// AWS_WEB_IDENTITY_TOKEN_FILE (as a TokenFile), the endpoint from
// AWS_ENDPOINT_URL_STS or else AWS_ENDPOINT_URL, and the region from
// AWS_REGION or else AWS_DEFAULT_REGION. getenv nil means os.Getenv.
func FromEnvironment(getenv func(string) string) Options {
	if getenv == nil {
		getenv = os.Getenv
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	o := Options{
		Endpoint:        first("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"),
		RoleARN:         getenv("AWS_ROLE_ARN"),
		RoleSessionName: getenv("AWS_ROLE_SESSION_NAME"),
		Region:          first("AWS_REGION", "AWS_DEFAULT_REGION"),
	}
	if f := getenv("AWS_WEB_IDENTITY_TOKEN_FILE"); f != "" {
		o.Token = TokenFile(f)
	}
	return o
}

// Provider exchanges web identity tokens for stsd sessions. It is an
// aws.CredentialsProvider; it asks stsd (or its Cache) on every call, so
// give the SDK NewCredentialsCache's wrapper, not the Provider itself.
type Provider struct {
	opts   Options
	client *sts.Client
}

// New checks the options and returns a Provider.
func New(opts Options) (*Provider, error) {
	var problems []error
	if opts.Endpoint == "" {
		problems = append(problems, errors.New("no endpoint: set the URL of stsd"))
	} else if u, err := url.Parse(opts.Endpoint); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		problems = append(problems, fmt.Errorf("the endpoint %q is not an http(s) URL", opts.Endpoint))
	}
	if opts.RoleARN == "" {
		problems = append(problems, errors.New("no role ARN"))
	}
	if opts.RoleSessionName == "" {
		problems = append(problems, errors.New("no role session name"))
	}
	if opts.Token == nil {
		problems = append(problems, errors.New("no web identity token source"))
	}
	if opts.DurationSeconds < 0 {
		problems = append(problems, errors.New("the duration is negative"))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	stsOpts := sts.Options{Region: opts.Region, BaseEndpoint: aws.String(opts.Endpoint)}
	if opts.HTTPClient != nil {
		stsOpts.HTTPClient = opts.HTTPClient
	}
	return &Provider{opts: opts, client: sts.New(stsOpts)}, nil
}

// NewCredentialsCache returns a Provider for opts wrapped in the SDK's
// aws.CredentialsCache, which refreshes the session RefreshWindow before
// it expires and lets concurrent callers share one refresh.
func NewCredentialsCache(opts Options) (*aws.CredentialsCache, error) {
	p, err := New(opts)
	if err != nil {
		return nil, err
	}
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = RefreshWindow }), nil
}

// Retrieve implements aws.CredentialsProvider.
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	s, err := p.Session(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	return s.AWS(), nil
}

// Session returns a session with more than RefreshWindow left from the
// Cache, or else a new one from stsd (and stores it in the Cache). An STS
// error is returned as the SDK returns it; errors.As finds its
// smithy.APIError (ErrorCode, ErrorMessage).
func (p *Provider) Session(ctx context.Context) (*Session, error) {
	var key, token string
	if p.opts.Cache != nil {
		var err error
		if key, token, err = p.cacheKey(ctx); err != nil {
			return nil, err
		}
		s, err := p.opts.Cache.Load(key)
		if err != nil {
			p.cacheError(err)
		} else if s != nil && s.Expiration.Sub(p.opts.Now()) > RefreshWindow {
			return s, nil
		}
	}
	if token == "" {
		var err error
		if token, err = p.opts.Token.Token(ctx); err != nil {
			return nil, err
		}
	}
	s, err := p.assume(ctx, token)
	if err != nil {
		return nil, err
	}
	if p.opts.Cache != nil {
		if err := p.opts.Cache.Store(key, s); err != nil {
			p.cacheError(err)
		}
	}
	return s, nil
}

func (p *Provider) cacheError(err error) {
	if p.opts.CacheErrors != nil {
		p.opts.CacheErrors(err)
	}
}

// cacheKey is the hex SHA-256 of everything that shapes the session: the
// endpoint, the request's parameters, and the token source — its CacheID,
// or else the SHA-256 of its token (which is then returned for reuse).
func (p *Provider) cacheKey(ctx context.Context) (key, token string, err error) {
	var source string
	if id, ok := p.opts.Token.(CacheIdentifier); ok {
		source = "id:" + id.CacheID()
	} else {
		if token, err = p.opts.Token.Token(ctx); err != nil {
			return "", "", err
		}
		sum := sha256.Sum256([]byte(token))
		source = "sha256:" + hex.EncodeToString(sum[:])
	}
	fields, err := json.Marshal([]any{"stsd-webidentity-cache/1", p.opts.Endpoint, p.opts.RoleARN, p.opts.RoleSessionName,
		source, p.opts.Policy, p.opts.PolicyARNs, p.opts.DurationSeconds, p.opts.ProviderID})
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(fields)
	return hex.EncodeToString(sum[:]), token, nil
}

// assume calls AssumeRoleWithWebIdentity.
func (p *Provider) assume(ctx context.Context, token string) (*Session, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(p.opts.RoleARN),
		RoleSessionName:  aws.String(p.opts.RoleSessionName),
		WebIdentityToken: aws.String(token),
	}
	if p.opts.Policy != "" {
		in.Policy = aws.String(p.opts.Policy)
	}
	for _, arn := range p.opts.PolicyARNs {
		in.PolicyArns = append(in.PolicyArns, types.PolicyDescriptorType{Arn: aws.String(arn)})
	}
	if p.opts.DurationSeconds != 0 {
		in.DurationSeconds = aws.Int32(p.opts.DurationSeconds)
	}
	if p.opts.ProviderID != "" {
		in.ProviderId = aws.String(p.opts.ProviderID)
	}
	out, err := p.client.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		return nil, err
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
		return nil, errors.New("AssumeRoleWithWebIdentity: the answer has no credentials")
	}
	s := &Session{
		AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken,
		Expiration:                  c.Expiration.UTC(),
		SubjectFromWebIdentityToken: aws.ToString(out.SubjectFromWebIdentityToken),
		Provider:                    aws.ToString(out.Provider),
		Audience:                    aws.ToString(out.Audience),
		SourceIdentity:              aws.ToString(out.SourceIdentity),
		//lint:ignore SA1019 STS still returns PackedPolicySize and `aws sts assume-role-with-web-identity` prints it; Session mirrors that answer
		PackedPolicySize: out.PackedPolicySize,
	}
	if u := out.AssumedRoleUser; u != nil {
		s.AssumedRoleID, s.AssumedRoleARN = aws.ToString(u.AssumedRoleId), aws.ToString(u.Arn)
	}
	return s, nil
}

// String describes the provider without its token.
func (p *Provider) String() string {
	return "webidentity.Provider(" + p.opts.Endpoint + ", " + p.opts.RoleARN + ", " + strconv.Quote(p.opts.RoleSessionName) + ")"
}
