package iamapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
)

// IAM JSON policy elements: Resource — a Resource or NotResource entry of
// an identity-based policy must be "*" or an ARN; IAM answers every write
// of one that is not with MalformedPolicyDocument `Resource X must be in
// ARN format or "*".` (trussworks/terraform-aws-s3-anti-virus issue 21:
// "MalformedPolicyDocument: Resource sns-topic-name must be in ARN format
// or \"*\".", status code 400). A trust policy has no Resource at all.
func TestContractPolicyWritesRejectNonARNResources(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()
	n.repoRole(t, "/", "app", nil)
	n.repoUser(t, "/", "dev", nil)
	managed := aws.ToString(n.polCreate(t, "/", "managed", allow("s3:GetObject")).Arn)

	doc := func(element, value string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","` + element + `":"` + value + `"}]}`
	}
	const msg = `Resource sns-topic-name must be in ARN format or "*".`
	writes := []struct {
		action string
		call   func(doc string) error
	}{
		{"CreatePolicy", func(d string) error {
			_, err := c.CreatePolicy(ctx, &iamsdk.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}},
		{"CreatePolicyVersion", func(d string) error {
			_, err := c.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{PolicyArn: aws.String(managed), PolicyDocument: aws.String(d)})
			return err
		}},
		{"PutRolePolicy", func(d string) error {
			_, err := c.PutRolePolicy(ctx, &iamsdk.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}},
		{"PutUserPolicy", func(d string) error {
			_, err := c.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}},
	}
	for _, w := range writes {
		t.Run(w.action, func(t *testing.T) {
			wantAPIError(t, w.call(doc("Resource", "sns-topic-name")), "MalformedPolicyDocument", 400, msg)
			wantAPIError(t, w.call(doc("NotResource", "sns-topic-name")), "MalformedPolicyDocument", 400, msg)
			wantAPIError(t, w.call(doc("Resource", "")), "MalformedPolicyDocument", 400, `Resource  must be in ARN format or "*".`)
			wantAPIError(t, w.call(doc("Resource", "arn:aws:sns:us-east-1:123456789012")), "MalformedPolicyDocument", 400,
				`Resource arn:aws:sns:us-east-1:123456789012 must be in ARN format or "*".`)
			if err := w.call(doc("Resource", "arn:aws:sns:us-east-1:123456789012:topic")); err != nil {
				t.Fatalf("an ARN: %v", err)
			}
		})
	}

	// A trust policy prohibits Resource whatever its value.
	_, err := c.UpdateAssumeRolePolicy(ctx, &iamsdk.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole","Resource":"sns-topic-name"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocument", 400, "Has prohibited field Resource")
}

// The simulators apply the same rule to every document they are given:
// PolicyInputList, PermissionsBoundaryPolicyInputList and ResourcePolicy.
func TestContractSimulateRejectsNonARNResources(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.repoUser(t, "/", "dev", nil)
	dev := "arn:aws:iam::" + account + ":user/dev"
	bad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket/*"}]}`
	badResource := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotResource":"my-bucket"}]}`
	tests := []struct {
		name               string
		policies, boundary []string
		resourcePolicy     string
		message            string
	}{
		{"PolicyInputList", []string{bad}, nil, "", `Resource my-bucket/* must be in ARN format or "*".`},
		{"PermissionsBoundaryPolicyInputList", []string{allow("s3:GetObject")}, []string{bad}, "", `Resource my-bucket/* must be in ARN format or "*".`},
		{"ResourcePolicy", []string{allow("s3:GetObject")}, nil, badResource, `Resource my-bucket must be in ARN format or "*".`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rp *string
			if tc.resourcePolicy != "" {
				rp = aws.String(tc.resourcePolicy)
			}
			_, err := n.root().SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{PolicyInputList: tc.policies,
				PermissionsBoundaryPolicyInputList: tc.boundary, ResourcePolicy: rp, CallerArn: aws.String(dev), ActionNames: []string{"s3:GetObject"}})
			wantAPIError(t, err, "MalformedPolicyDocument", 400, tc.message)
			_, err = n.root().SimulatePrincipalPolicy(ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(dev), PolicyInputList: tc.policies,
				PermissionsBoundaryPolicyInputList: tc.boundary, ResourcePolicy: rp, ActionNames: []string{"s3:GetObject"}})
			wantAPIError(t, err, "MalformedPolicyDocument", 400, tc.message)
		})
	}
}
