package devmode

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/iam"
)

// DemoS3Policy is the name of the inline policy `stsd dev --s3-backend`
// gives the demo role: every S3 action on every bucket behind the gateway.
// It is a development convenience; a real role names its buckets.
const DemoS3Policy = "dev-s3"

const demoS3PolicyDocument = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

// ensureDemoS3 gives the demo role DemoS3Policy (idempotently: a role from
// an earlier run keeps working) and waits until the snapshot holds it.
func (n *Node) ensureDemoS3(ctx context.Context) error {
	a := n.App
	if _, err := a.Repo.UpdateRole(ctx, a.Account, DemoRole, func(r *iam.Role) error {
		if r.InlinePolicies == nil {
			r.InlinePolicies = map[string]string{}
		}
		r.InlinePolicies[DemoS3Policy] = demoS3PolicyDocument
		return nil
	}); err != nil {
		return fmt.Errorf("demo role's S3 policy: %w", err)
	}
	return a.Cache.WaitFor(ctx, func(s *iam.Snapshot) bool {
		r, ok := s.RoleByName(a.Account, DemoRole)
		if !ok {
			return false
		}
		for _, p := range r.Inline {
			if p.Name == DemoS3Policy {
				return true
			}
		}
		return false
	})
}

// s3Instructions exchanges tok for a demo session at the node's own STS
// endpoint, as the printed command would, and returns the lines that list
// the backend's buckets through the gateway with that session.
func (n *Node) s3Instructions(roleARN, tok string) (string, error) {
	c, err := assumeDemo(n.App.URL, roleARN, tok)
	if err != nil {
		return "", fmt.Errorf("demo session for the S3 gateway: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "S3 gateway: %s in front of %s. The demo role may do every s3: action;\n", n.App.S3URL, n.s3Backend)
	fmt.Fprintf(&b, "list the buckets with a session of it (valid until %s):\n\n", c.Expiration)
	fmt.Fprintf(&b, "  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s \\\n", c.AccessKeyID, c.SecretAccessKey)
	fmt.Fprintf(&b, "  AWS_SESSION_TOKEN=%s \\\n", c.SessionToken)
	fmt.Fprintf(&b, "  AWS_REGION=us-east-1 aws s3 ls --endpoint-url %s\n\n", n.App.S3URL)
	return b.String(), nil
}

// demoCredentials are the Credentials of an AssumeRoleWithWebIdentity
// answer.
type demoCredentials struct {
	AccessKeyID     string `xml:"AssumeRoleWithWebIdentityResult>Credentials>AccessKeyId"`
	SecretAccessKey string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SecretAccessKey"`
	SessionToken    string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SessionToken"`
	Expiration      string `xml:"AssumeRoleWithWebIdentityResult>Credentials>Expiration"`
}

// assumeDemo calls AssumeRoleWithWebIdentity on endpoint over HTTP.
func assumeDemo(endpoint, roleARN, tok string) (*demoCredentials, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.PostForm(endpoint+"/", url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {roleARN},
		"RoleSessionName": {"dev-session"}, "WebIdentityToken": {tok},
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", resp.Status, body)
	}
	var c demoCredentials
	if err := xml.Unmarshal(body, &c); err != nil || c.AccessKeyID == "" {
		return nil, fmt.Errorf("unexpected answer (%v): %s", err, body)
	}
	return &c, nil
}
