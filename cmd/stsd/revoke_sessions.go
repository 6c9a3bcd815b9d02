package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

// RevokeOlderSessionsPolicyName is the inline role policy the IAM console's
// "Revoke active sessions" writes (IAM User Guide, "Revoke IAM role
// temporary security credentials").
const RevokeOlderSessionsPolicyName = "AWSRevokeOlderSessions"

// RevokeOlderSessionsPolicy is the document of that policy, in the shape
// the IAM User Guide shows: deny every action on every resource to
// credentials whose aws:TokenIssueTime is before the revocation time, an
// ISO 8601 UTC timestamp. Sessions issued at or after it are unaffected.
func RevokeOlderSessionsPolicy(before time.Time) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*",` +
		`"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + before.UTC().Format(time.RFC3339) + `"}}}}`
}

// revocationTime is the timestamp the policy names: now rounded up to the
// next whole second. stsd records a session's issue time (and so
// aws:TokenIssueTime) to the second, truncated; with now truncated too, a
// session issued earlier in the same second would compare equal and not
// be "less than" the revocation time — it would survive. Rounding up
// revokes every session issued before the command ran; a session issued
// in the remainder of that second is revoked as well (fail closed), and
// a new one can be requested a second later.
func revocationTime(now time.Time) time.Time {
	t := now.UTC().Truncate(time.Second)
	if t.Before(now) {
		t = t.Add(time.Second)
	}
	return t
}

// revokeSessionsCommand is `stsd revoke-sessions --role-name NAME`: it
// writes AWSRevokeOlderSessions to the role through the IAM API
// (PutRolePolicy), as the IAM console does. Running it again moves the
// timestamp forward (PutRolePolicy replaces the policy of that name).
// The caller needs iam:PutRolePolicy on the role. Every node applies the
// policy to the next request it decides (its snapshot follows the store).
func revokeSessionsCommand() *cobra.Command {
	var roleName, endpoint, region, profile string
	cmd := &cobra.Command{
		Use:   "revoke-sessions --role-name NAME",
		Short: "Deny everything to a role's sessions issued before now (AWSRevokeOlderSessions)",
		Long: "Write the inline role policy AWSRevokeOlderSessions through the IAM API, as the IAM console's\n" +
			"\"Revoke active sessions\" does: Deny * on * when aws:TokenIssueTime is before now. Sessions\n" +
			"issued before it are denied on their next request, on every node; sessions issued after it\n" +
			"are not. Credentials come from the AWS SDK's usual sources (AWS_ACCESS_KEY_ID and\n" +
			"AWS_SECRET_ACCESS_KEY, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE, or --profile); the\n" +
			"endpoint from --endpoint-url, AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL.",
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&roleName, "role-name", "", "the role whose sessions to revoke (required)")
	cmd.Flags().StringVar(&endpoint, "endpoint-url", "", "the stsd endpoint (default: $AWS_ENDPOINT_URL_IAM, then $AWS_ENDPOINT_URL)")
	cmd.Flags().StringVar(&region, "region", "us-east-1", "the region requests are signed for (IAM signs for us-east-1)")
	cmd.Flags().StringVar(&profile, "profile", "", "the AWS shared credentials profile (default: $AWS_PROFILE or default)")
	_ = cmd.MarkFlagRequired("role-name")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if endpoint == "" {
			endpoint = firstNonEmpty(os.Getenv("AWS_ENDPOINT_URL_IAM"), os.Getenv("AWS_ENDPOINT_URL"))
		}
		if endpoint == "" {
			return errors.New("no endpoint: pass --endpoint-url (the URL `stsd serve` printed) or set AWS_ENDPOINT_URL_IAM")
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
		if profile != "" {
			opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
		}
		cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return fmt.Errorf("loading AWS credentials: %w", err)
		}
		client := iamsdk.NewFromConfig(cfg, func(o *iamsdk.Options) {
			o.BaseEndpoint = aws.String(endpoint)
			o.RetryMaxAttempts = 1
		})
		before := revocationTime(time.Now())
		_, err = client.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{
			RoleName:       aws.String(roleName),
			PolicyName:     aws.String(RevokeOlderSessionsPolicyName),
			PolicyDocument: aws.String(RevokeOlderSessionsPolicy(before)),
		})
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return fmt.Errorf("PutRolePolicy %s: %s: %s", roleName, ae.ErrorCode(), ae.ErrorMessage())
		}
		if err != nil {
			return fmt.Errorf("PutRolePolicy %s: %w", roleName, err)
		}
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "Sessions of role %s issued before %s are now denied (inline policy %s).\n",
			roleName, before.Format(time.RFC3339), RevokeOlderSessionsPolicyName)
		return err
	}
	return cmd
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
