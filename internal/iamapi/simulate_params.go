package iamapi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/policy"
)

// The request members SimulateCustomPolicy and SimulatePrincipalPolicy
// share, checked against the model's constraints.

// maxSimulatedEvaluations bounds ActionNames × ResourceArns of one call
// (stsd's limit; IAM documents none).
const maxSimulatedEvaluations = 10000

// simContextKeyTypes is the model's ContextKeyTypeEnum.
var simContextKeyTypes = []string{
	"string", "stringList", "numeric", "numericList", "boolean", "booleanList",
	"ip", "ipList", "binary", "binaryList", "date", "dateList",
}

// simRequest is a simulation request as sent.
type simRequest struct {
	policies       []string
	boundaries     []string
	actions        []string
	resources      []string
	resourcePolicy *string
	resourceOwner  string
	callerARN      string
	context        []policy.ContextEntry
	page           pageRequest
}

// simParams reads and checks the shared members. PolicyInputList is
// required for SimulateCustomPolicy only.
func (x *exchange) simParams(policiesRequired bool) (simRequest, []error) {
	var r simRequest
	var errs []error
	var sent bool
	r.policies, sent = x.list("PolicyInputList")
	if policiesRequired && !sent {
		errs = append(errs, nullViolation("policyInputList"))
	}
	errs = append(errs, simDocuments("policyInputList", r.policies))
	r.boundaries, _ = x.list("PermissionsBoundaryPolicyInputList")
	errs = append(errs, simDocuments("permissionsBoundaryPolicyInputList", r.boundaries))
	if r.actions, sent = x.list("ActionNames"); !sent {
		errs = append(errs, nullViolation("actionNames"))
	}
	for i, a := range r.actions {
		errs = append(errs, iam.ValidateLength(listMember("actionNames", i), a, 3, 128))
	}
	r.resources, _ = x.list("ResourceArns")
	for i, res := range r.resources {
		errs = append(errs, iam.ValidateLength(listMember("resourceArns", i), res, 1, 2048))
	}
	if doc, ok := x.optional("ResourcePolicy"); ok {
		r.resourcePolicy = &doc
		errs = append(errs, iam.ValidatePolicyDocument("resourcePolicy", doc))
	}
	var ok bool
	if r.resourceOwner, ok = x.optional("ResourceOwner"); ok {
		errs = append(errs, iam.ValidateLength("resourceOwner", r.resourceOwner, 1, 2048))
	}
	if r.callerARN, ok = x.optional("CallerArn"); ok {
		errs = append(errs, iam.ValidateLength("callerArn", r.callerARN, 1, 2048))
	}
	var ctxErrs []error
	r.context, ctxErrs = x.simContextEntries()
	errs = append(errs, ctxErrs...)
	if opt, ok := x.optional("ResourceHandlingOption"); ok {
		// Accepted and ignored: stsd simulates no EC2 scenarios.
		errs = append(errs, iam.ValidateLength("resourceHandlingOption", opt, 1, 64))
	}
	var pageErr error
	r.page, pageErr = x.pageParams()
	return r, append(errs, pageErr)
}

// checkSize refuses simulations larger than stsd evaluates in one call.
func (r *simRequest) checkSize() error {
	resources := max(len(r.resources), 1)
	if n := len(r.actions) * resources; n > maxSimulatedEvaluations {
		return invalidInput("The simulation is too large: " + strconv.Itoa(len(r.actions)) + " actions on " +
			strconv.Itoa(resources) + " resources exceed " + strconv.Itoa(maxSimulatedEvaluations) + " evaluations.")
	}
	return nil
}

// simDocuments applies policyDocumentType to each document.
func simDocuments(list string, docs []string) error {
	errs := make([]error, len(docs))
	for i, d := range docs {
		errs[i] = iam.ValidatePolicyDocument(listMember(list, i), d)
	}
	return iam.Join(errs...)
}

// simContextEntries reads ContextEntries.member.N.{ContextKeyName,
// ContextKeyType, ContextKeyValues.member.M} in order of N.
func (x *exchange) simContextEntries() ([]policy.ContextEntry, []error) {
	const head = "ContextEntries.member."
	seen := map[int]bool{}
	for _, name := range x.params.Names() {
		rest, ok := strings.CutPrefix(name, head)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > awsquery.MaxListMembers || strconv.Itoa(n) != num {
			continue
		}
		seen[n] = true
	}
	ns := make([]int, 0, len(seen))
	for n := range seen {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	var errs []error
	out := make([]policy.ContextEntry, 0, len(ns))
	for i, n := range ns {
		p := head + strconv.Itoa(n) + "."
		member := listMember("contextEntries", i) + "."
		e := policy.ContextEntry{ContextKeyName: x.params.Value(p + "ContextKeyName"), ContextKeyType: x.params.Value(p + "ContextKeyType")}
		e.ContextKeyValues, _ = x.list(p + "ContextKeyValues")
		if x.params.Has(p + "ContextKeyName") {
			errs = append(errs, iam.ValidateLength(member+"contextKeyName", e.ContextKeyName, 5, 256))
		}
		if x.params.Has(p + "ContextKeyType") {
			errs = append(errs, enumViolation(member+"contextKeyType", e.ContextKeyType, simContextKeyTypes))
		}
		out = append(out, e)
	}
	return out, errs
}

// evaluationResultsResponse renders the simulator's output as IAM's
// SimulatePolicyResponse, one page of EvaluationResults at a time.
func evaluationResultsResponse(out *policy.SimulationOutput, pr pageRequest) *awsquery.Response {
	indexes := make([]int, len(out.EvaluationResults))
	for i := range indexes {
		indexes[i] = i
	}
	page, next := paginate(indexes, func(i int) string { return strconv.FormatInt(int64(1e9+i), 10) }, pr)
	items := make([]awsquery.Node, len(page))
	for k, i := range page {
		items[k] = evaluationResultNode(&out.EvaluationResults[i])
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("EvaluationResults", items...)}, pageNodes(next)...)}
}

// evaluationResultNode renders one EvaluationResult in the model's member
// order. OrganizationsDecisionDetail and EvalDecisionDetails are never
// produced (stsd has no organizations and no cross-account summary).
func evaluationResultNode(r *policy.EvaluationResult) awsquery.Node {
	nodes := []awsquery.Node{
		awsquery.Str("EvalActionName", r.EvalActionName),
		awsquery.OptStr("EvalResourceName", r.EvalResourceName),
		awsquery.Str("EvalDecision", r.EvalDecision),
		simStatementsNode(r.MatchedStatements),
		stringMembers("MissingContextValues", r.MissingContextValues),
		simBoundaryDetail(r.PermissionsBoundaryDecisionDetail),
	}
	if len(r.ResourceSpecificResults) > 0 {
		items := make([]awsquery.Node, len(r.ResourceSpecificResults))
		for i := range r.ResourceSpecificResults {
			rr := &r.ResourceSpecificResults[i]
			items[i] = awsquery.Struct("member",
				awsquery.Str("EvalResourceName", rr.EvalResourceName),
				awsquery.Str("EvalResourceDecision", rr.EvalResourceDecision),
				simStatementsNode(rr.MatchedStatements),
				stringMembers("MissingContextValues", rr.MissingContextValues),
				simBoundaryDetail(rr.PermissionsBoundaryDecisionDetail))
		}
		nodes = append(nodes, awsquery.List("ResourceSpecificResults", items...))
	}
	return awsquery.Struct("member", nodes...)
}

func simStatementsNode(stmts []policy.SimStatement) awsquery.Node {
	items := make([]awsquery.Node, len(stmts))
	for i, st := range stmts {
		items[i] = awsquery.Struct("member",
			awsquery.Str("SourcePolicyId", st.SourcePolicyID),
			awsquery.OptStr("SourcePolicyType", st.SourcePolicyType),
			simPositionNode("StartPosition", st.StartPosition),
			simPositionNode("EndPosition", st.EndPosition))
	}
	return awsquery.List("MatchedStatements", items...)
}

func simPositionNode(name string, p *policy.SimPosition) awsquery.Node {
	if p == nil {
		return awsquery.Absent(name)
	}
	return awsquery.Struct(name, awsquery.Int("Line", int64(p.Line)), awsquery.Int("Column", int64(p.Column)))
}

func simBoundaryDetail(d *policy.PermissionsBoundaryDecisionDetail) awsquery.Node {
	if d == nil {
		return awsquery.Absent("PermissionsBoundaryDecisionDetail")
	}
	return awsquery.Struct("PermissionsBoundaryDecisionDetail", awsquery.Bool("AllowedByPermissionsBoundary", d.AllowedByPermissionsBoundary))
}
