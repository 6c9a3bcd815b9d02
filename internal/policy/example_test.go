package policy_test

import (
	"fmt"

	"github.com/stsd/stsd/internal/policy"
)

func ExampleEvaluateTrust() {
	trust, err := policy.ParseAs([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Sid": "GitHubMain",
	    "Effect": "Allow",
	    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
	    "Action": "sts:AssumeRoleWithWebIdentity",
	    "Condition": {
	      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
	      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*:ref:refs/heads/main"}
	    }
	  }]
	}`), policy.KindTrust)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := policy.NewContext()
	ctx.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
	ctx.Set("token.actions.githubusercontent.com:sub", "repo:octo-org/app:ref:refs/heads/dev")
	req := policy.Request{
		Action:    "sts:AssumeRoleWithWebIdentity",
		Principal: policy.FederatedPrincipal("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
		Context:   ctx,
	}
	d := policy.EvaluateTrust(req, policy.Named{Name: "deploy-trust", Policy: trust})
	fmt.Println(d.Effect)
	for _, f := range d.Failed {
		fmt.Println(f)
	}
	// Output:
	// implicitDeny
	// trust policy deploy-trust statement 0 (Sid GitHubMain): condition StringLike on token.actions.githubusercontent.com:sub failed: no value of the key matches a policy value
}

func ExampleEvaluate() {
	role, _ := policy.ParseAs([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Sid":"ReadOwn","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*"},
	  {"Sid":"Revoke","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-01-01T00:00:00Z"}}}]}`), policy.KindIdentity)
	session, _ := policy.ParseAs([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`), policy.KindIdentity)
	ctx := policy.NewContext()
	ctx.Set("aws:PrincipalTag/team", "blue")
	ctx.Set("aws:TokenIssueTime", "2026-03-01T10:00:00Z")
	set := policy.Set{
		Identity: []policy.Named{{Name: "data-reader", Policy: role}},
		Session:  []policy.Named{{Name: "inline", Policy: session}},
	}
	for _, key := range []string{"blue/report.csv", "red/report.csv"} {
		d := policy.Evaluate(policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/" + key, Context: ctx}, set)
		fmt.Println(key, d.Explain())
	}
	// Output:
	// blue/report.csv allowed; matched identity policy data-reader statement 0 (Sid ReadOwn) (Allow); matched session policy inline statement 0 (Allow); not matched identity policy data-reader statement 1 (Sid Revoke): condition DateLessThan on aws:TokenIssueTime failed: no value of the key matches a policy value
	// red/report.csv implicitDeny; not matched identity policy data-reader statement 1 (Sid Revoke): condition DateLessThan on aws:TokenIssueTime failed: no value of the key matches a policy value
}
