package sts_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/stsd/stsd/internal/iam"
)

// TestRoleArn: how AssumeRoleWithWebIdentity reads its RoleArn. A string
// that is no ARN of a known partition is a ValidationError "<arn> is
// invalid"; a well-formed ARN that names no role this account has — another
// partition, account or resource type, a region, a wrong path — is
// AccessDenied, so that a caller learns nothing about which roles exist
// (sts-contract §2, §3).
func TestRoleArn(t *testing.T) {
	n := newNode(t)
	n.role("ci", nil)
	if _, err := n.iam().CreateRole(context.Background(), &iamsdk.CreateRoleInput{RoleName: aws.String("deploy"), Path: aws.String("/team/a/"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` +
			iam.ProviderARN(account, n.idp.Issuer()) + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)}); err != nil {
		t.Fatal(err)
	}
	const denied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	for _, c := range []struct {
		arn  string
		code string // "" when the role is assumed
	}{
		{arn: "arn:aws:iam::" + account + ":role/ci"},
		{arn: "arn:aws:iam::" + account + ":role/CI"}, // role names are case-insensitive
		{arn: "arn:aws:iam::" + account + ":role/team/a/deploy"},

		{arn: "nothing-valid-in-here-at-all", code: "ValidationError"},
		{arn: "arn:aws:iam::" + account + ":", code: "ValidationError"},
		{arn: "arn:aws:iam::" + account + "role/ci", code: "ValidationError"},
		{arn: "ARN:aws:iam::" + account + ":role/ci", code: "ValidationError"},
		{arn: "arn::iam::" + account + ":role/ci", code: "ValidationError"},
		{arn: "arn:aws:::" + account + ":role/ci", code: "ValidationError"},
		{arn: "arn:aws-xx:iam::" + account + ":role/ci", code: "ValidationError"},
		{arn: "arn:AWS:iam::" + account + ":role/ci", code: "ValidationError"},

		{arn: "arn:aws-cn:iam::" + account + ":role/ci", code: "AccessDenied"},
		{arn: "arn:aws-us-gov:iam::" + account + ":role/ci", code: "AccessDenied"},
		{arn: "arn:aws:iam::444455556666:role/ci", code: "AccessDenied"},
		{arn: "arn:aws:iam::11112222333:role/ci", code: "AccessDenied"},
		{arn: "arn:aws:iam:us-east-1:" + account + ":role/ci", code: "AccessDenied"},
		{arn: "arn:aws:sts::" + account + ":role/ci", code: "AccessDenied"},
		{arn: "arn:aws:iam::" + account + ":user/ci", code: "AccessDenied"},
		{arn: "arn:aws:sts::" + account + ":assumed-role/ci/s1", code: "AccessDenied"},
		{arn: "arn:aws:iam::" + account + ":role/missing", code: "AccessDenied"},
		{arn: "arn:aws:iam::" + account + ":role/deploy", code: "AccessDenied"},
		{arn: "arn:aws:iam::" + account + ":role/team/deploy", code: "AccessDenied"},
		{arn: "arn:aws:iam::" + account + ":role/team/a/ci", code: "AccessDenied"},
	} {
		_, err := n.assume(c.arn, "s1", "")
		switch c.code {
		case "":
			if err != nil {
				t.Errorf("%s: %v", c.arn, err)
			}
		case "ValidationError":
			wantAPIError(t, err, "ValidationError", http.StatusBadRequest, c.arn+" is invalid")
		default:
			wantAPIError(t, err, "AccessDenied", http.StatusForbidden, denied)
		}
	}
}
