package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stsd/stsd/internal/iam"
)

// Revocation through the IAM API reaches the S3 gateway: AWS's
// AWSRevokeOlderSessions inline policy (deny everything to sessions issued
// before a time, on aws:TokenIssueTime) makes the old session's next S3
// request — and its presigned URL — AccessDenied as an explicit deny,
// while a session issued afterwards works. A deleted role's sessions are
// refused, and a new role of the same name does not revive them.
func TestS3GatewayRevocation(t *testing.T) {
	n := startS3Node(t, s3NodeOptions{})
	n.backend.PutObject(t, "data", "blue/r", []byte("r"))
	role := n.s3Role("rev", map[string]string{"s3": s3TeamPolicy})
	ctx := context.Background()
	get := func(c *s3.Client) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/r")})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	old := n.s3Client(n.s3Session(role, "old", teamClaims("blue"), ""))
	if err := get(old); err != nil {
		t.Fatalf("before the revocation: %v", err)
	}
	presigned, err := s3.NewPresignClient(old).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("blue/r")},
		s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(url string) (int, string) {
		resp, err := n.httpClient().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := fetch(presigned.URL); status != http.StatusOK {
		t.Fatalf("presigned before the revocation: %d", status)
	}

	issued := n.clock.Now()
	n.clock.Set(issued.Add(time.Second))
	n.revokeOlderSessions("rev", issued.Add(time.Second))
	var last error
	took := within(t, 5*time.Second, "revocation at the S3 gateway", func() bool {
		last = get(old)
		return last != nil
	})
	t.Logf("the gateway denied the revoked session after %v", took)
	wantS3Error(t, last, "AccessDenied", http.StatusForbidden, "User: arn:aws:sts::"+account+
		":assumed-role/rev/old is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::data/blue/r\" with an explicit deny in an identity-based policy")
	if status, body := fetch(presigned.URL); status != http.StatusForbidden || !strings.Contains(body, "<Code>AccessDenied</Code><Message>User: arn:aws:sts::"+account+
		":assumed-role/rev/old is not authorized to perform: s3:GetObject on resource: &#34;arn:aws:s3:::data/blue/r&#34; with an explicit deny in an identity-based policy</Message>") {
		t.Fatalf("revoked presigned URL: %d %s", status, body)
	}
	n.clock.Set(issued.Add(2 * time.Second))
	fresh := n.s3Client(n.s3Session(role, "new", teamClaims("blue"), ""))
	if err := get(fresh); err != nil {
		t.Fatalf("a session issued after the revocation: %v", err)
	}

	// The role deleted (its inline policies first, as IAM requires).
	iamc := n.iamClient()
	for _, p := range []string{"s3", "AWSRevokeOlderSessions"} {
		if _, err := iamc.DeleteRolePolicy(ctx, &iamsdk.DeleteRolePolicyInput{RoleName: aws.String("rev"), PolicyName: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := iamc.DeleteRole(ctx, &iamsdk.DeleteRoleInput{RoleName: aws.String("rev")}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := n.app.Cache.WaitFor(wctx, func(s *iam.Snapshot) bool { _, ok := s.RoleByName(account, "rev"); return !ok }); err != nil {
		t.Fatalf("the role never left the snapshot: %v", err)
	}
	// stsd's engine gives a session whose role is gone an identity layer
	// that denies everything (internal/authz, callerPolicies): an explicit
	// deny, which no bucket policy can overcome.
	deleted := "User: arn:aws:sts::" + account + ":assumed-role/rev/new is not authorized to perform: s3:GetObject on resource: " +
		"\"arn:aws:s3:::data/blue/r\" with an explicit deny in an identity-based policy"
	wantS3Error(t, get(fresh), "AccessDenied", http.StatusForbidden, deleted)
	// A new role of the same name is another role (another RoleId): the
	// old sessions stay refused.
	n.s3Role("rev", map[string]string{"s3": s3TeamPolicy})
	wantS3Error(t, get(fresh), "AccessDenied", http.StatusForbidden, deleted)
	if err := get(n.s3Client(n.s3Session(role, "newer", teamClaims("blue"), ""))); err != nil {
		t.Fatalf("a session of the new role: %v", err)
	}
}
