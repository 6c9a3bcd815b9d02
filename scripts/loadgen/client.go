package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stsd/stsd/internal/background"
	"github.com/stsd/stsd/internal/devmode"
)

// refreshEvery is how often a new token and session are fetched (tokens
// last devmode.TokenTTL, sessions an hour).
const refreshEvery = 10 * time.Minute

const gciBody = "Action=GetCallerIdentity&Version=2011-06-15"

// client sends the two calls; the token body and the session rotate.
type client struct {
	o        options
	http     *http.Client
	signer   *v4.Signer
	gciHash  string
	assume   atomic.Pointer[string]          // the AssumeRoleWithWebIdentity form body
	session  atomic.Pointer[aws.Credentials] // for GetCallerIdentity
	nextTurn atomic.Uint64
}

func newClient(ctx context.Context, o options) (*client, error) {
	sum := sha256.Sum256([]byte(gciBody))
	c := &client{o: o, signer: v4.NewSigner(), gciHash: hex.EncodeToString(sum[:]), http: &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.conns, MaxIdleConnsPerHost: o.conns, MaxConnsPerHost: o.conns,
			IdleConnTimeout: time.Minute, DisableCompression: true},
	}}
	if err := c.refresh(ctx); err != nil {
		return nil, err
	}
	// A failed refresh is logged; the old credentials stay valid for a
	// while, and the requests that fail later count as errors.
	go background.Every(refreshEvery, c.refresh, slog.Default(), "loadgen: refreshing the credentials failed")(ctx)
	return c, nil
}

// refresh mints a token and assumes the role once for a session.
func (c *client) refresh(ctx context.Context) error {
	tok, err := devmode.Token(c.o.dataDir, "soak", devmode.TokenTTL)
	if err != nil {
		return err
	}
	body := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {c.o.roleARN},
		"RoleSessionName": {"soak"}, "WebIdentityToken": {tok}}.Encode()
	c.assume.Store(&body)
	status, raw, err := c.post(ctx, c.assumeRequest)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("AssumeRoleWithWebIdentity: %d %v %.300s", status, err, raw)
	}
	var out struct {
		Creds struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
		} `xml:"AssumeRoleWithWebIdentityResult>Credentials"`
	}
	if err := xml.Unmarshal(raw, &out); err != nil || out.Creds.AccessKeyID == "" {
		return fmt.Errorf("AssumeRoleWithWebIdentity response: %v", err)
	}
	c.session.Store(&aws.Credentials{AccessKeyID: out.Creds.AccessKeyID, SecretAccessKey: out.Creds.SecretAccessKey, SessionToken: out.Creds.SessionToken})
	return nil
}

func (c *client) assumeRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.o.url+"/", strings.NewReader(*c.assume.Load()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

func (c *client) callerRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.o.url+"/", strings.NewReader(gciBody))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	err = c.signer.SignHTTP(ctx, *c.session.Load(), req, c.gciHash, "sts", "us-east-1", time.Now())
	return req, err
}

// one sends the next call of the mix: it alternates between the two.
func (c *client) one(ctx context.Context) (int, []byte, error) {
	if c.nextTurn.Add(1)%2 == 0 {
		return c.post(ctx, c.assumeRequest)
	}
	return c.post(ctx, c.callerRequest)
}

func (c *client) post(ctx context.Context, build func(context.Context) (*http.Request, error)) (int, []byte, error) {
	req, err := build(ctx)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}
