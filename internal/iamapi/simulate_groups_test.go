package iamapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// SimulatePrincipalPolicy for a user counts its groups' inline and attached
// policies and the AWS managed policies stsd builds in, each named with its
// source type as IAM reports it (group, aws-managed).
func TestContractSimulatePrincipalPolicyGroupsAndAWSManaged(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	root := n.root()
	n.repoUser(t, "/", "ops", nil)
	for _, step := range []func() error{
		func() error {
			_, err := root.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: aws.String("readers")})
			return err
		},
		func() error {
			_, err := root.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("ops")})
			return err
		},
		func() error {
			_, err := root.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("objects"),
				PolicyDocument: aws.String(allow("s3:GetObject"))})
			return err
		},
		func() error {
			_, err := root.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{GroupName: aws.String("readers"),
				PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")})
			return err
		},
		func() error {
			_, err := root.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{UserName: aws.String("ops"),
				PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	out, err := root.SimulatePrincipalPolicy(ctx, &iamsdk.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + account + ":user/ops"),
		ActionNames:     []string{"s3:GetObject", "s3:ListBucket", "iam:ListRoles", "iam:CreateRole"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "s3:GetObject=allowed[objects/group,AmazonS3ReadOnlyAccess/aws-managed]\n" +
		"s3:ListBucket=allowed[AmazonS3ReadOnlyAccess/aws-managed]\n" +
		"iam:ListRoles=allowed[IAMReadOnlyAccess/aws-managed]\n" +
		"iam:CreateRole=implicitDeny[]"
	if got := simDecisions(out.EvaluationResults); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
