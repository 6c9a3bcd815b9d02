package iamapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/policycli"
)

// SimulateCustomPolicy and `stsd policy simulate` run the same engine on
// the same input: for the same arguments they give the same results, and
// the same error code and message.

// simCase is one simulation given both ways.
type simCase struct {
	name           string
	policies       []string
	boundaries     []string
	actions        []string
	resources      []string
	resourcePolicy string
	resourceOwner  string
	callerARN      string
	context        []policy.ContextEntry
}

func (c simCase) sdkInput() *iamsdk.SimulateCustomPolicyInput {
	in := &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: c.policies, PermissionsBoundaryPolicyInputList: c.boundaries,
		ActionNames: c.actions, ResourceArns: c.resources,
	}
	if c.resourcePolicy != "" {
		in.ResourcePolicy = aws.String(c.resourcePolicy)
	}
	if c.resourceOwner != "" {
		in.ResourceOwner = aws.String(c.resourceOwner)
	}
	if c.callerARN != "" {
		in.CallerArn = aws.String(c.callerARN)
	}
	for _, e := range c.context {
		in.ContextEntries = append(in.ContextEntries, types.ContextEntry{
			ContextKeyName: aws.String(e.ContextKeyName), ContextKeyValues: e.ContextKeyValues,
			ContextKeyType: types.ContextKeyTypeEnum(e.ContextKeyType),
		})
	}
	return in
}

func (c simCase) cliArgs(t *testing.T) []string {
	args := []string{"simulate", "--policy-input-list"}
	args = append(args, c.policies...)
	if len(c.boundaries) > 0 {
		args = append(append(args, "--permissions-boundary-policy-input-list"), c.boundaries...)
	}
	args = append(append(args, "--action-names"), c.actions...)
	if len(c.resources) > 0 {
		args = append(append(args, "--resource-arns"), c.resources...)
	}
	for opt, v := range map[string]string{"--resource-policy": c.resourcePolicy, "--resource-owner": c.resourceOwner, "--caller-arn": c.callerARN} {
		if v != "" {
			args = append(args, opt, v)
		}
	}
	if len(c.context) > 0 {
		entries, err := json.Marshal(c.context)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--context-entries", string(entries))
	}
	return args
}

// simFromSDK converts the SDK's results to the engine's output type, the
// one `stsd policy simulate` prints.
func simFromSDK(results []types.EvaluationResult) policy.SimulationOutput {
	stmts := func(in []types.Statement) []policy.SimStatement {
		out := []policy.SimStatement{}
		for _, s := range in {
			out = append(out, policy.SimStatement{
				SourcePolicyID: aws.ToString(s.SourcePolicyId), SourcePolicyType: string(s.SourcePolicyType),
				StartPosition: &policy.SimPosition{Line: int(s.StartPosition.Line), Column: int(s.StartPosition.Column)},
				EndPosition:   &policy.SimPosition{Line: int(s.EndPosition.Line), Column: int(s.EndPosition.Column)},
			})
		}
		return out
	}
	boundary := func(d *types.PermissionsBoundaryDecisionDetail) *policy.PermissionsBoundaryDecisionDetail {
		if d == nil {
			return nil
		}
		return &policy.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: d.AllowedByPermissionsBoundary}
	}
	out := policy.SimulationOutput{EvaluationResults: []policy.EvaluationResult{}}
	for _, r := range results {
		er := policy.EvaluationResult{
			EvalActionName: aws.ToString(r.EvalActionName), EvalResourceName: aws.ToString(r.EvalResourceName),
			EvalDecision: string(r.EvalDecision), MatchedStatements: stmts(r.MatchedStatements),
			MissingContextValues:              append([]string{}, r.MissingContextValues...),
			PermissionsBoundaryDecisionDetail: boundary(r.PermissionsBoundaryDecisionDetail),
		}
		for _, rr := range r.ResourceSpecificResults {
			er.ResourceSpecificResults = append(er.ResourceSpecificResults, policy.ResourceSpecificResult{
				EvalResourceName: aws.ToString(rr.EvalResourceName), EvalResourceDecision: string(rr.EvalResourceDecision),
				MatchedStatements: stmts(rr.MatchedStatements), MissingContextValues: append([]string{}, rr.MissingContextValues...),
				PermissionsBoundaryDecisionDetail: boundary(rr.PermissionsBoundaryDecisionDetail),
			})
		}
		out.EvaluationResults = append(out.EvaluationResults, er)
	}
	return out
}

// cliErrorLine is how `stsd policy simulate` prints a service error.
var cliErrorLine = regexp.MustCompile(`An error occurred \((\w+)\) when calling the SimulateCustomPolicy operation: (.*)\n`)

func TestContractSimulateAgreesWithPolicySimulateCommand(t *testing.T) {
	n := newNode(t)
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::secret/*"}]}`
	cases := []simCase{
		{name: "AWS CLI example", policies: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`},
			actions: []string{"dynamodb:CreateBackup"}, context: []policy.ContextEntry{{ContextKeyName: "aws:CurrentTime", ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: "date"}}},
		{name: "resources, deny and boundary", policies: []string{allow("s3:GetObject", "s3:PutObject"), deny},
			boundaries: []string{allow("s3:GetObject")}, actions: []string{"s3:GetObject", "s3:PutObject", "ec2:RunInstances"},
			resources: []string{"arn:aws:s3:::open/k", "arn:aws:s3:::secret/k"}},
		{name: "one resource with a boundary", policies: []string{"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n  ]\n}"},
			boundaries: []string{allow("s3:GetObject")}, actions: []string{"s3:GetObject", "s3:PutObject"}, resources: []string{"arn:aws:s3:::b/k"}},
		{name: "cross-account resource policy", policies: []string{allow("s3:GetObject")},
			resourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"*"}]}`,
			resourceOwner:  "arn:aws:iam::444455556666:root", callerARN: "arn:aws:iam::111122223333:user/alice",
			actions: []string{"s3:GetObject", "s3:PutObject"}, resources: []string{"arn:aws:s3:::theirs/k"}},
		{name: "variables and missing keys", policies: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`},
			actions: []string{"s3:GetObject"}, resources: []string{"arn:aws:s3:::b/bob/k", "arn:aws:s3:::b/eve/k"},
			context: []policy.ContextEntry{{ContextKeyName: "aws:username", ContextKeyValues: []string{"bob"}, ContextKeyType: "string"}}},
		{name: "malformed policy", policies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}`}, actions: []string{"s3:GetObject"}},
		{name: "not JSON", policies: []string{`{"Version":`}, actions: []string{"s3:GetObject"}},
		{name: "invalid action", policies: []string{allow("s3:GetObject")}, actions: []string{"s3:Get:Object"}},
		{name: "context value of the wrong type", policies: []string{allow("s3:GetObject")}, actions: []string{"s3:GetObject"},
			context: []policy.ContextEntry{{ContextKeyName: "aws:EpochTime", ContextKeyValues: []string{"soon"}, ContextKeyType: "numeric"}}},
		{name: "wildcard action", policies: []string{allow("s3:GetObject")}, actions: []string{"s3:Get*"}},
		{name: "caller that is not a user", policies: []string{allow("s3:GetObject")}, actions: []string{"s3:GetObject"}, callerARN: "arn:aws:iam::111122223333:role/app"},
		{name: "two boundaries", policies: []string{allow("s3:GetObject")}, boundaries: []string{allow("s3:*"), allow("s3:GetObject")}, actions: []string{"s3:GetObject"}},
		{name: "resource that is no ARN", policies: []string{allow("s3:GetObject")}, actions: []string{"s3:GetObject"}, resources: []string{"my-bucket"}},
		{name: "policy resource that is no ARN", policies: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket/*"}}`}, actions: []string{"s3:GetObject"}},
		{name: "variable with no value", policies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]}`},
			actions: []string{"s3:GetObject"}, context: []policy.ContextEntry{{ContextKeyName: "s3:ExistingObjectTag/Team", ContextKeyValues: []string{"blue"}, ContextKeyType: "string"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := policycli.NewCommand(&stdout, &stderr)
			cmd.SetArgs(c.cliArgs(t))
			cliErr := cmd.Execute()
			apiOut, apiErr := n.root().SimulateCustomPolicy(context.Background(), c.sdkInput())

			if cliErr != nil {
				m := cliErrorLine.FindStringSubmatch(stderr.String())
				if m == nil {
					t.Fatalf("stsd policy simulate failed without a service error: %v\n%s", cliErr, stderr.String())
				}
				var ae smithy.APIError
				if !errors.As(apiErr, &ae) || ae.ErrorCode() != m[1] || ae.ErrorMessage() != m[2] {
					t.Fatalf("API error %v, command error %s: %s", apiErr, m[1], m[2])
				}
				return
			}
			if apiErr != nil {
				t.Fatalf("API error %v, command succeeded:\n%s", apiErr, stdout.String())
			}
			var fromCLI policy.SimulationOutput
			if err := json.Unmarshal(stdout.Bytes(), &fromCLI); err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(fromCLI)
			got, _ := json.Marshal(simFromSDK(apiOut.EvaluationResults))
			if !bytes.Equal(got, want) {
				t.Fatalf("API:\n%s\nstsd policy simulate:\n%s", got, want)
			}
			if len(fromCLI.EvaluationResults) == 0 || apiOut.IsTruncated {
				t.Fatalf("no results or truncated: %s", got)
			}
		})
	}
}
