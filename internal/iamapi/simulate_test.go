package iamapi_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// simDecisions renders results as "action=decision[source/type,…]" lines.
func simDecisions(results []types.EvaluationResult) string {
	var lines []string
	for _, r := range results {
		var srcs []string
		for _, st := range r.MatchedStatements {
			if st.StartPosition == nil || st.EndPosition == nil || st.StartPosition.Line < 1 {
				srcs = append(srcs, "NO-POSITION")
			}
			src := aws.ToString(st.SourcePolicyId)
			if st.SourcePolicyType != "" {
				src += "/" + string(st.SourcePolicyType)
			}
			srcs = append(srcs, src)
		}
		line := aws.ToString(r.EvalActionName) + "=" + string(r.EvalDecision) + "[" + strings.Join(srcs, ",") + "]"
		if d := r.PermissionsBoundaryDecisionDetail; d != nil {
			line += " boundary=" + strconv.FormatBool(d.AllowedByPermissionsBoundary)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// SimulateCustomPolicy: the AWS CLI's example, several resources, a
// permissions boundary, a resource policy, missing context values, paging.
func TestContractSimulateCustomPolicy(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	c := n.root()

	// The AWS CLI example (awscli examples/iam/simulate-custom-policy.rst).
	out, err := c.SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`},
		ActionNames:     []string{"dynamodb:CreateBackup"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"),
			ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: types.ContextKeyTypeEnumDate}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if len(out.EvaluationResults) != 1 || aws.ToString(r.EvalResourceName) != "*" || r.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		len(r.MatchedStatements) != 1 || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "PolicyInputList.1" ||
		r.MatchedStatements[0].StartPosition.Line != 1 || r.MatchedStatements[0].StartPosition.Column != 38 ||
		len(r.MissingContextValues) != 0 || r.ResourceSpecificResults != nil || out.IsTruncated {
		t.Fatalf("CLI example = %+v", out)
	}

	// Several resources: one aggregate result per action, one result per
	// resource; a boundary decides PutObject.
	out, err = c.SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{allow("s3:GetObject", "s3:PutObject"), `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::secret/*"}]}`},
		PermissionsBoundaryPolicyInputList: []string{allow("s3:GetObject")},
		ActionNames:                        []string{"s3:GetObject", "s3:PutObject"},
		ResourceArns:                       []string{"arn:aws:s3:::open/k", "arn:aws:s3:::secret/k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	get, put := out.EvaluationResults[0], out.EvaluationResults[1]
	if get.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || get.EvalResourceName != nil || len(get.ResourceSpecificResults) != 2 ||
		get.ResourceSpecificResults[0].EvalResourceDecision != types.PolicyEvaluationDecisionTypeAllowed ||
		get.ResourceSpecificResults[1].EvalResourceDecision != types.PolicyEvaluationDecisionTypeExplicitDeny ||
		aws.ToString(get.MatchedStatements[0].SourcePolicyId) != "PolicyInputList.2" {
		t.Errorf("GetObject = %s %+v", simDecisions(out.EvaluationResults[:1]), get.ResourceSpecificResults)
	}
	if put.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || put.ResourceSpecificResults[0].PermissionsBoundaryDecisionDetail == nil ||
		put.ResourceSpecificResults[0].PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary {
		t.Errorf("PutObject = %+v", put)
	}

	// A resource policy names the caller; the owner is the caller's account.
	out, err = c.SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: []string{allow("sqs:ListQueues")},
		ResourcePolicy:  aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}]}`),
		CallerArn:       aws.String("arn:aws:iam::111122223333:user/alice"),
		ResourceOwner:   aws.String("arn:aws:iam::111122223333:root"),
		ActionNames:     []string{"s3:GetObject"},
		ResourceArns:    []string{"arn:aws:s3:::b/k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := simDecisions(out.EvaluationResults); got != "s3:GetObject=allowed[ResourcePolicy/resource]" {
		t.Errorf("resource policy: %s", got)
	}

	// A condition key the context lacks is reported.
	out, err = c.SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
		ActionNames:     []string{"s3:GetObject"},
	})
	if err != nil || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny ||
		strings.Join(out.EvaluationResults[0].MissingContextValues, ",") != "aws:SecureTransport" {
		t.Fatalf("missing context = %+v, %v", out, err)
	}

	// Paging through the results.
	in := &iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{allow("s3:*")}, ActionNames: []string{"s3:A", "s3:B", "s3:C"}, MaxItems: aws.Int32(2)}
	out, err = c.SimulateCustomPolicy(ctx, in)
	if err != nil || len(out.EvaluationResults) != 2 || !out.IsTruncated || out.Marker == nil {
		t.Fatalf("first page = %+v, %v", out, err)
	}
	in.Marker = out.Marker
	out, err = c.SimulateCustomPolicy(ctx, in)
	if err != nil || len(out.EvaluationResults) != 1 || out.IsTruncated || aws.ToString(out.EvaluationResults[0].EvalActionName) != "s3:C" {
		t.Fatalf("second page = %+v, %v", out, err)
	}
}

// Every SimulateCustomPolicy rejection with IAM's code, status and
// message; the caller needs iam:SimulateCustomPolicy on "*".
func TestContractSimulateCustomPolicyErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	sim := func(in *iamsdk.SimulateCustomPolicyInput) error {
		_, err := n.root().SimulateCustomPolicy(ctx, in)
		return err
	}
	ok := []string{allow("s3:GetObject")}
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{"{oops"}, ActionNames: []string{"s3:GetObject"}}),
		"MalformedPolicyDocument", 400, "The policy is not in the valid JSON format: unexpected character 'o': expected a field name in double quotes at line 1, column 2")
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{`{"Version":"2012-10-17"}`}, ActionNames: []string{"s3:GetObject"}}),
		"MalformedPolicyDocument", 400, "Missing required field Statement")
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: []string{"s3GetObject"}}),
		"InvalidInput", 400, "Invalid action name: s3GetObject")
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: []string{"s3:GetObject"},
		ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)}),
		"InvalidInput", 400, "CallerArn is required when a ResourcePolicy is included")
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: []string{"s3:GetObject"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyValues: []string{"10.0.0.256"}, ContextKeyType: types.ContextKeyTypeEnumIp}}}),
		"InvalidInput", 400, `Invalid value "10.0.0.256" for context key aws:SourceIp of type ip`)
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: []string{"s3"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("k"), ContextKeyValues: []string{"v"}, ContextKeyType: "text"}}}),
		"ValidationError", 400, "3 validation errors detected: "+
			"Value 's3' at 'actionNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 3; "+
			"Value 'k' at 'contextEntries.1.member.contextKeyName' failed to satisfy constraint: Member must have length greater than or equal to 5; "+
			"Value 'text' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]")
	many := make([]string, 101)
	for i := range many {
		many[i] = "arn:aws:s3:::b/" + strconv.Itoa(i)
	}
	actions := make([]string, 100)
	for i := range actions {
		actions[i] = "s3:Action" + strconv.Itoa(i)
	}
	wantAPIError(t, sim(&iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: actions, ResourceArns: many}),
		"InvalidInput", 400, "The simulation is too large: 100 actions on 101 resources exceed 10000 evaluations.")

	r := n.post(url.Values{"Action": {"SimulateCustomPolicy"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "2 validation errors detected: "+
		"Value null at 'policyInputList' failed to satisfy constraint: Member must not be null; "+
		"Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	r = n.post(url.Values{"Action": {"SimulateCustomPolicy"}, "PolicyInputList": {""}, "ActionNames.member.1": {"s3:GetObject"}}, nil)
	wantRawError(t, r, "InvalidInput", 400, "PolicyInputList must contain at least one policy")
	r = n.post(url.Values{"Action": {"SimulateCustomPolicy"}, "PolicyInputList.member.1": {""}, "ActionNames.member.1": {"s3:GetObject"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "1 validation error detected: Value '' at 'policyInputList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1")

	_, err := n.client(n.roleSession(t, "nobody", allow("iam:GetPolicy"))).SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, ActionNames: []string{"s3:GetObject"}})
	wantAPIError(t, err, "AccessDenied", 403, "User: "+sessionARN("nobody")+" is not authorized to perform: iam:SimulateCustomPolicy on resource: *")
}

// SimulatePrincipalPolicy gathers a user's or role's inline policies,
// attached policies and permissions boundary from the store, adds
// PolicyInputList, lets PermissionsBoundaryPolicyInputList replace the
// boundary, and defaults CallerArn to the user.
func TestContractSimulatePrincipalPolicy(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	list := aws.ToString(n.polCreate(t, "/", "list", allow("s3:ListBucket")).Arn)
	bound := aws.ToString(n.polCreate(t, "/b/", "bound", allow("s3:GetObject", "s3:ListBucket")).Arn)
	n.repoUser(t, "/people/", "dev", map[string]string{"read": allow("s3:GetObject")})
	n.polAttachUser(t, "dev", []string{list, polARN("/", "gone"), "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"}, bound)
	dev := "arn:aws:iam::" + account + ":user/people/dev"

	sim := func(in *iamsdk.SimulatePrincipalPolicyInput) string {
		t.Helper()
		out, err := n.root().SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return simDecisions(out.EvaluationResults)
	}
	got := sim(&iamsdk.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(dev),
		PolicyInputList: []string{allow("s3:PutObject")},
		ActionNames:     []string{"s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"},
	})
	want := "s3:GetObject=allowed[read/user,bound/user-managed] boundary=true\n" +
		"s3:ListBucket=allowed[list/user-managed,bound/user-managed] boundary=true\n" +
		"s3:PutObject=implicitDeny[] boundary=false\n" +
		"s3:DeleteObject=implicitDeny[] boundary=false"
	if got != want {
		t.Errorf("user:\n%s\nwant\n%s", got, want)
	}
	got = sim(&iamsdk.SimulatePrincipalPolicyInput{
		PolicySourceArn:                    aws.String(dev),
		PolicyInputList:                    []string{allow("s3:PutObject")},
		PermissionsBoundaryPolicyInputList: []string{allow("s3:*")},
		ActionNames:                        []string{"s3:PutObject"},
	})
	if want := "s3:PutObject=allowed[PolicyInputList.1,PermissionsBoundaryPolicyInputList.1] boundary=true"; got != want {
		t.Errorf("boundary replaced: %s, want %s", got, want)
	}
	// CallerArn defaults to the user: a resource policy naming dev allows.
	got = sim(&iamsdk.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(dev),
		ResourcePolicy:  aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + dev + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`),
		ActionNames:     []string{"sqs:SendMessage"},
	})
	if want := "sqs:SendMessage=allowed[ResourcePolicy/resource] boundary=false"; got != want {
		t.Errorf("resource policy: %s, want %s", got, want)
	}

	// A role: inline policies (type role), an explicit deny wins.
	deny := aws.ToString(n.polCreate(t, "/", "no-delete", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`).Arn)
	n.repoRole(t, "/svc/", "worker", map[string]string{"rw": allow("s3:*")})
	n.polAttachRole(t, "worker", []string{deny}, "")
	worker := "arn:aws:iam::" + account + ":role/svc/worker"
	got = sim(&iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(worker), ActionNames: []string{"s3:PutObject", "s3:DeleteObject"}})
	if want := "s3:PutObject=allowed[rw/role]\ns3:DeleteObject=explicitDeny[no-delete/user-managed]"; got != want {
		t.Errorf("role:\n%s\nwant\n%s", got, want)
	}

	// A principal without policies is denied everything.
	n.repoRole(t, "/", "empty", nil)
	got = sim(&iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + account + ":role/empty"), ActionNames: []string{"s3:GetObject"}})
	if want := "s3:GetObject=implicitDeny[]"; got != want {
		t.Errorf("no policies: %s, want %s", got, want)
	}
}

// SimulatePrincipalPolicy rejections, and its authorization on the
// PolicySourceArn.
func TestContractSimulatePrincipalPolicyErrors(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.repoRole(t, "/svc/", "worker", map[string]string{"rw": allow("s3:*")})
	n.repoUser(t, "/", "dev", nil)
	sim := func(c *iamsdk.Client, source string, in *iamsdk.SimulatePrincipalPolicyInput) error {
		if in == nil {
			in = &iamsdk.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"}}
		}
		in.PolicySourceArn = aws.String(source)
		_, err := c.SimulatePrincipalPolicy(ctx, in)
		return err
	}
	root := n.root()
	for _, tc := range []struct{ source, code, message string }{
		{"arn:aws:iam::" + account + ":user/ghost", "NoSuchEntity", "The user with name ghost cannot be found."},
		{"arn:aws:iam::" + account + ":user/other/dev", "NoSuchEntity", "The user with name dev cannot be found."},
		{"arn:aws:iam::444455556666:user/dev", "NoSuchEntity", "The user with name dev cannot be found."},
		{"arn:aws:iam::" + account + ":role/worker", "NoSuchEntity", "The role with name worker cannot be found."},
		{"arn:aws:iam::" + account + ":group/admins", "NoSuchEntity", "The group with name admins cannot be found."},
		{"arn:aws:s3:::some-bucket-name", "InvalidInput", "ARN arn:aws:s3:::some-bucket-name is not valid."},
		{"definitely-not-an-arn", "ValidationError", "Invalid ARN:  Could not be parsed!"},
	} {
		status := map[string]int{"NoSuchEntity": 404, "InvalidInput": 400, "ValidationError": 400}[tc.code]
		wantAPIError(t, sim(root, tc.source, nil), tc.code, status, tc.message)
	}
	worker := "arn:aws:iam::" + account + ":role/svc/worker"
	wantAPIError(t, sim(root, worker, &iamsdk.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"},
		ResourcePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)}),
		"InvalidInput", 400, "CallerArn is required when a ResourcePolicy is included")
	wantAPIError(t, sim(root, worker, &iamsdk.SimulatePrincipalPolicyInput{ActionNames: []string{"s3:GetObject"}, PolicyInputList: []string{"[]"}}),
		"MalformedPolicyDocument", 400, "The policy must be a JSON object, not array")
	r := n.post(url.Values{"Action": {"SimulatePrincipalPolicy"}, "PolicySourceArn": {"arn:aws"}}, nil)
	wantRawError(t, r, "ValidationError", 400, "2 validation errors detected: "+
		"Value 'arn:aws' at 'policySourceArn' failed to satisfy constraint: Member must have length greater than or equal to 20; "+
		"Value null at 'actionNames' failed to satisfy constraint: Member must not be null")

	// Authorized on the principal simulated.
	sess := n.client(n.roleSession(t, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:SimulatePrincipalPolicy","Resource":"`+worker+`"}]}`))
	if err := sim(sess, worker, nil); err != nil {
		t.Fatalf("allowed simulation: %v", err)
	}
	dev := "arn:aws:iam::" + account + ":user/dev"
	wantAPIError(t, sim(sess, dev, nil), "AccessDenied", 403, "User: "+sessionARN("auditor")+" is not authorized to perform: iam:SimulatePrincipalPolicy on resource: "+dev)
}

// The parameter rules of the IAM API Reference for SimulateCustomPolicy
// and SimulatePrincipalPolicy, through the IAM handler. CallerArn: "You can
// specify only the ARN of an IAM user. You cannot specify the ARN of an
// assumed role, federated user, or a service principal." ActionNames:
// "This operation does not support using wildcards (*) in an action name."
// PermissionsBoundaryPolicyInputList: "You can input only one permissions
// boundary when you pass a policy to this operation." IAM's texts for
// these are not published; the messages are stsd's. ResourceArns: IAM's
// text for a member that is not an ARN (aws-containers/amazon-ecs-exec-checker
// issue 35).
func TestContractSimulateParameterRules(t *testing.T) {
	n := newNode(t)
	ctx := context.Background()
	n.repoUser(t, "/", "dev", map[string]string{"read": allow("s3:GetObject")})
	dev := "arn:aws:iam::" + account + ":user/dev"
	const userOnly = "You can specify only the ARN of an IAM user."
	const noWildcards = "The simulator does not support wildcards (* or ?) in action names."
	ok := []string{allow("s3:GetObject")}
	tests := []struct {
		name       string
		caller     string
		actions    []string
		boundaries []string
		resources  []string
		message    string
	}{
		{"caller is a role", "arn:aws:iam::" + account + ":role/app", nil, nil, nil, "Invalid CallerArn: arn:aws:iam::" + account + ":role/app. " + userOnly},
		{"caller is a role session", "arn:aws:sts::" + account + ":assumed-role/app/s", nil, nil, nil, "Invalid CallerArn: arn:aws:sts::" + account + ":assumed-role/app/s. " + userOnly},
		{"caller is a federated user", "arn:aws:sts::" + account + ":federated-user/bob", nil, nil, nil, "Invalid CallerArn: arn:aws:sts::" + account + ":federated-user/bob. " + userOnly},
		{"caller is the account", "arn:aws:iam::" + account + ":root", nil, nil, nil, "Invalid CallerArn: arn:aws:iam::" + account + ":root. " + userOnly},
		{"caller is a service", "arn:aws:iam::aws:service/ec2.amazonaws.com", nil, nil, nil, "Invalid CallerArn: arn:aws:iam::aws:service/ec2.amazonaws.com. " + userOnly},
		{"caller is no ARN", "bob-the-developer", nil, nil, nil, "Invalid CallerArn: bob-the-developer. " + userOnly},
		{"action with *", "", []string{"s3:GetObject", "s3:Get*"}, nil, nil, "Invalid action name: s3:Get*. " + noWildcards},
		{"all actions of a service", "", []string{"s3:*"}, nil, nil, "Invalid action name: s3:*. " + noWildcards},
		{"all actions of every service", "", []string{"*:*"}, nil, nil, "Invalid action name: *:*. " + noWildcards},
		{"action with ?", "", []string{"s3:GetObjec?"}, nil, nil, "Invalid action name: s3:GetObjec?. " + noWildcards},
		{"two boundaries", "", nil, []string{allow("s3:*"), allow("s3:GetObject")}, nil, "PermissionsBoundaryPolicyInputList must contain at most one policy"},
		{"resource that is no ARN", "", nil, nil, []string{"14a050d4-021e-4efe-84bb-0871bf6d0fda"}, "ResourceNames are not in a valid ARN format: 14a050d4-021e-4efe-84bb-0871bf6d0fda."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			actions := tc.actions
			if actions == nil {
				actions = []string{"s3:GetObject"}
			}
			var caller *string
			if tc.caller != "" {
				caller = aws.String(tc.caller)
			}
			_, err := n.root().SimulateCustomPolicy(ctx, &iamsdk.SimulateCustomPolicyInput{PolicyInputList: ok, CallerArn: caller,
				ActionNames: actions, PermissionsBoundaryPolicyInputList: tc.boundaries, ResourceArns: tc.resources})
			wantAPIError(t, err, "InvalidInput", 400, tc.message)
			_, err = n.root().SimulatePrincipalPolicy(ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(dev), CallerArn: caller,
				ActionNames: actions, PermissionsBoundaryPolicyInputList: tc.boundaries, ResourceArns: tc.resources})
			wantAPIError(t, err, "InvalidInput", 400, tc.message)
		})
	}

	// What the rules accept: another user as the caller, one boundary.
	out, err := n.root().SimulatePrincipalPolicy(ctx, &iamsdk.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(dev),
		CallerArn: aws.String("arn:aws:iam::" + account + ":user/team/bob"), PermissionsBoundaryPolicyInputList: []string{allow("s3:*")},
		ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"*", "arn:aws:s3:::b/k"}})
	if err != nil || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("valid input: %+v, %v", out, err)
	}
}

// Policy variables with no value (IAM User Guide, "IAM policy elements:
// Variables and tags"): the guide's Deny example in the simulator — access
// is explicitly denied when aws:PrincipalTag/Team is not set, and the
// variable is reported among the missing context values.
func TestContractSimulatePolicyVariableWithNoValue(t *testing.T) {
	n := newNode(t)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",` +
		`"Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]}`
	entry := func(k, v string) types.ContextEntry {
		return types.ContextEntry{ContextKeyName: aws.String(k), ContextKeyValues: []string{v}, ContextKeyType: types.ContextKeyTypeEnumString}
	}
	tests := []struct {
		name    string
		context []types.ContextEntry
		want    types.PolicyEvaluationDecisionType
		missing string
	}{
		{"principal tag not set", []types.ContextEntry{entry("s3:ExistingObjectTag/Team", "blue")}, types.PolicyEvaluationDecisionTypeExplicitDeny, "aws:PrincipalTag/Team"},
		{"same team", []types.ContextEntry{entry("s3:ExistingObjectTag/Team", "blue"), entry("aws:PrincipalTag/Team", "blue")}, types.PolicyEvaluationDecisionTypeAllowed, ""},
		{"other team", []types.ContextEntry{entry("s3:ExistingObjectTag/Team", "blue"), entry("aws:PrincipalTag/Team", "red")}, types.PolicyEvaluationDecisionTypeExplicitDeny, ""},
	}
	for _, tc := range tests {
		out, err := n.root().SimulateCustomPolicy(context.Background(), &iamsdk.SimulateCustomPolicyInput{PolicyInputList: []string{doc},
			ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::amzn-s3-demo-bucket/report.csv"}, ContextEntries: tc.context})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := out.EvaluationResults[0]
		if r.EvalDecision != tc.want || strings.Join(r.MissingContextValues, ",") != tc.missing {
			t.Errorf("%s: %s missing %v, want %s missing %q", tc.name, r.EvalDecision, r.MissingContextValues, tc.want, tc.missing)
		}
	}
}
