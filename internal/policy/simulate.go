package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/arn"
)

// The IAM policy simulator (SimulateCustomPolicy, SimulatePrincipalPolicy,
// `aws iam simulate-custom-policy`): structured input in, the IAM API's
// EvaluationResults out. The JSON field names and order follow the IAM API
// reference (EvaluationResult, Statement, Position, ContextEntry).

// SimPolicy is one policy document given to the simulator with the ID and
// type its matched statements report (SourcePolicyId, SourcePolicyType).
type SimPolicy struct {
	ID       string
	Type     string // IAM PolicySourceType: user, group, role, aws-managed, user-managed, resource, none; "" omits it
	Document string
}

// ContextEntry is IAM's ContextEntry.
type ContextEntry struct {
	ContextKeyName   string   `json:"ContextKeyName"`
	ContextKeyValues []string `json:"ContextKeyValues"`
	ContextKeyType   string   `json:"ContextKeyType"`
}

// SimulationInput is the input of a simulation.
type SimulationInput struct {
	// Policies are the identity policies (PolicyInputList, or the
	// principal's policies for SimulatePrincipalPolicy).
	Policies []SimPolicy
	// PermissionsBoundaries are PermissionsBoundaryPolicyInputList.
	PermissionsBoundaries []SimPolicy
	// ResourcePolicy is the optional resource-based policy.
	ResourcePolicy *SimPolicy
	// ResourceOwner is an account ID or ARN owning the resources; empty
	// means the caller's account.
	ResourceOwner string
	// CallerArn is the simulated caller; required with a ResourcePolicy.
	CallerArn      string
	ActionNames    []string
	ResourceArns   []string // empty means "*"
	ContextEntries []ContextEntry
}

// CustomPolicyInputs names documents as SimulateCustomPolicy does:
// prefix.1, prefix.2, … (e.g. "PolicyInputList").
func CustomPolicyInputs(prefix string, docs []string) []SimPolicy {
	out := make([]SimPolicy, len(docs))
	for i, d := range docs {
		out[i] = SimPolicy{ID: fmt.Sprintf("%s.%d", prefix, i+1), Document: d}
	}
	return out
}

// SimulationOutput is IAM's SimulateCustomPolicy result.
type SimulationOutput struct {
	EvaluationResults []EvaluationResult `json:"EvaluationResults"`
}

// EvaluationResult is IAM's EvaluationResult. With several resources the
// top level aggregates them (the most restrictive decision) and
// ResourceSpecificResults has one entry per resource, as the IAM API
// reference describes.
type EvaluationResult struct {
	EvalActionName                    string                             `json:"EvalActionName"`
	EvalResourceName                  string                             `json:"EvalResourceName,omitempty"`
	EvalDecision                      string                             `json:"EvalDecision"`
	MatchedStatements                 []SimStatement                     `json:"MatchedStatements"`
	MissingContextValues              []string                           `json:"MissingContextValues"`
	PermissionsBoundaryDecisionDetail *PermissionsBoundaryDecisionDetail `json:"PermissionsBoundaryDecisionDetail,omitempty"`
	ResourceSpecificResults           []ResourceSpecificResult           `json:"ResourceSpecificResults,omitempty"`
}

// ResourceSpecificResult is IAM's ResourceSpecificResult.
type ResourceSpecificResult struct {
	EvalResourceName                  string                             `json:"EvalResourceName"`
	EvalResourceDecision              string                             `json:"EvalResourceDecision"`
	MatchedStatements                 []SimStatement                     `json:"MatchedStatements"`
	MissingContextValues              []string                           `json:"MissingContextValues"`
	PermissionsBoundaryDecisionDetail *PermissionsBoundaryDecisionDetail `json:"PermissionsBoundaryDecisionDetail,omitempty"`
}

// PermissionsBoundaryDecisionDetail is IAM's type of the same name.
type PermissionsBoundaryDecisionDetail struct {
	AllowedByPermissionsBoundary bool `json:"AllowedByPermissionsBoundary"`
}

// SimStatement is IAM's Statement (a matched statement).
type SimStatement struct {
	SourcePolicyID   string       `json:"SourcePolicyId"`
	SourcePolicyType string       `json:"SourcePolicyType,omitempty"`
	StartPosition    *SimPosition `json:"StartPosition"`
	EndPosition      *SimPosition `json:"EndPosition"`
}

// SimPosition is IAM's Position.
type SimPosition struct {
	Line   int `json:"Line"`
	Column int `json:"Column"`
}

// SimulationError is a simulator failure with its IAM error code
// (MalformedPolicyDocument or InvalidInput).
type SimulationError struct {
	Code    string
	Message string
}

func (e *SimulationError) Error() string { return e.Code + ": " + e.Message }

// IAM error codes the simulator returns.
const (
	CodeMalformedPolicyDocument = "MalformedPolicyDocument"
	CodeInvalidInput            = "InvalidInput"
)

func invalidInput(format string, args ...any) error {
	return &SimulationError{Code: CodeInvalidInput, Message: fmt.Sprintf(format, args...)}
}

// Simulate runs the simulation.
func Simulate(in SimulationInput) (*SimulationOutput, error) {
	if len(in.Policies) == 0 {
		return nil, invalidInput("PolicyInputList must contain at least one policy")
	}
	if len(in.ActionNames) == 0 {
		return nil, invalidInput("ActionNames must contain at least one action")
	}
	for _, a := range in.ActionNames {
		// IAM API Reference, SimulateCustomPolicy and
		// SimulatePrincipalPolicy, ActionNames: "This operation does not
		// support using wildcards (*) in an action name." ('?' is IAM's
		// other action wildcard.) IAM's error text is not published; this
		// one is stsd's.
		if strings.ContainsAny(a, "*?") {
			return nil, invalidInput("Invalid action name: %s. The simulator does not support wildcards (* or ?) in action names.", a)
		}
		if !validAction(a) {
			return nil, invalidInput("Invalid action name: %s", a)
		}
	}
	// PermissionsBoundaryPolicyInputList: "You can input only one
	// permissions boundary when you pass a policy to this operation." (IAM
	// API Reference; the model sets no list maximum, so this is IAM's
	// InvalidInput, with stsd's text.)
	if len(in.PermissionsBoundaries) > 1 {
		return nil, invalidInput("PermissionsBoundaryPolicyInputList must contain at most one policy")
	}
	for _, r := range in.ResourceArns {
		// IAM's answer for a ResourceArns member that is not an ARN
		// (docs/policy.md records where the text was observed).
		if r != "*" && !isARN(r) {
			return nil, invalidInput("ResourceNames are not in a valid ARN format: %s.", r)
		}
	}
	// CallerArn: "You can specify only the ARN of an IAM user. You cannot
	// specify the ARN of an assumed role, federated user, or a service
	// principal." (IAM API Reference, SimulateCustomPolicy and
	// SimulatePrincipalPolicy.) IAM's error text is not published; this one
	// is stsd's.
	if in.CallerArn != "" && !isUserARN(in.CallerArn) {
		return nil, invalidInput("Invalid CallerArn: %s. You can specify only the ARN of an IAM user.", in.CallerArn)
	}
	if in.ResourcePolicy != nil && in.CallerArn == "" {
		return nil, invalidInput("CallerArn is required when a ResourcePolicy is included")
	}
	idToType := map[string]string{}
	set := Set{}
	var err error
	if set.Identity, err = parseSimPolicies(in.Policies, KindIdentity, idToType); err != nil {
		return nil, err
	}
	if set.Boundary, err = parseSimPolicies(in.PermissionsBoundaries, KindIdentity, idToType); err != nil {
		return nil, err
	}
	if in.ResourcePolicy != nil {
		rp := *in.ResourcePolicy
		if rp.ID == "" {
			rp.ID = "ResourcePolicy"
		}
		if set.Resource, err = parseSimPolicies([]SimPolicy{rp}, KindResource, idToType); err != nil {
			return nil, err
		}
	}
	ctx, err := ContextFromEntries(in.ContextEntries)
	if err != nil {
		return nil, err
	}
	req := Request{Context: ctx}
	if in.CallerArn != "" {
		req.Principal = AWSPrincipal(in.CallerArn, "")
	}
	if in.ResourceOwner != "" {
		req.ResourceAccount = in.ResourceOwner
		if owner, _ := arn.Parse(in.ResourceOwner); owner.Account != "" {
			req.ResourceAccount = owner.Account
		}
	}
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := &SimulationOutput{EvaluationResults: []EvaluationResult{}}
	var d Decision
	for _, action := range in.ActionNames {
		req.Action = action
		er := EvaluationResult{EvalActionName: action}
		worst := Allowed
		for _, res := range resources {
			req.Resource = res
			EvaluateInto(&d, req, set)
			rr := ResourceSpecificResult{
				EvalResourceName:     res,
				EvalResourceDecision: d.Effect.String(),
				MatchedStatements:    simStatements(d.Matched, idToType),
				MissingContextValues: append([]string{}, d.MissingKeys...),
			}
			if len(set.Boundary) > 0 {
				rr.PermissionsBoundaryDecisionDetail = &PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: d.BoundaryAllowed}
			}
			if restrictiveness(d.Effect) > restrictiveness(worst) {
				worst = d.Effect
			}
			er.ResourceSpecificResults = append(er.ResourceSpecificResults, rr)
		}
		er.EvalDecision = worst.String()
		if len(resources) == 1 {
			only := er.ResourceSpecificResults[0]
			er.EvalResourceName = only.EvalResourceName
			er.MatchedStatements = only.MatchedStatements
			er.MissingContextValues = only.MissingContextValues
			er.PermissionsBoundaryDecisionDetail = only.PermissionsBoundaryDecisionDetail
			er.ResourceSpecificResults = nil
		} else {
			er.MatchedStatements, er.MissingContextValues = aggregate(er.ResourceSpecificResults, worst)
		}
		out.EvaluationResults = append(out.EvaluationResults, er)
	}
	return out, nil
}

// isARN reports whether s has the six segments of an ARN
// (arn:partition:service:region:account-id:resource) with a partition and
// a service.
func isARN(s string) bool {
	a, ok := arn.Parse(s)
	return ok && a.Partition != "" && a.Service != ""
}

// isUserARN reports whether s is an IAM user's ARN:
// arn:<partition>:iam::<account>:user/<path><name>.
func isUserARN(s string) bool {
	a, ok := arn.Parse(s)
	if !ok || a.Partition == "" || !isAccountID(a.Account) {
		return false
	}
	_, _, ok = a.Entity("user")
	return ok
}

func restrictiveness(o Outcome) int {
	switch o {
	case ExplicitDeny:
		return 2
	case ImplicitDeny:
		return 1
	default:
		return 0
	}
}

// aggregate collects the statements of the resources whose decision is the
// aggregate one, and every missing key.
func aggregate(rs []ResourceSpecificResult, worst Outcome) ([]SimStatement, []string) {
	stmts := []SimStatement{}
	missing := []string{}
	seen := map[string]bool{}
	for _, r := range rs {
		if r.EvalResourceDecision == worst.String() {
			stmts = append(stmts, r.MatchedStatements...)
		}
		for _, k := range r.MissingContextValues {
			if !seen[k] {
				seen[k] = true
				missing = append(missing, k)
			}
		}
	}
	return stmts, missing
}

func parseSimPolicies(in []SimPolicy, kind Kind, idToType map[string]string) ([]Named, error) {
	out := make([]Named, 0, len(in))
	for _, sp := range in {
		p, err := ParseAs([]byte(sp.Document), kind)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				return nil, &SimulationError{Code: CodeMalformedPolicyDocument, Message: pe.Error()}
			}
			return nil, &SimulationError{Code: CodeMalformedPolicyDocument, Message: err.Error()}
		}
		idToType[sp.ID] = sp.Type
		out = append(out, Named{Name: sp.ID, Policy: p})
	}
	return out, nil
}

func simStatements(refs []StatementRef, idToType map[string]string) []SimStatement {
	out := make([]SimStatement, 0, len(refs))
	for _, r := range refs {
		st := r.Statement
		out = append(out, SimStatement{
			SourcePolicyID:   r.Policy,
			SourcePolicyType: idToType[r.Policy],
			StartPosition:    &SimPosition{Line: st.Start.Line, Column: st.Start.Column},
			EndPosition:      &SimPosition{Line: st.End.Line, Column: st.End.Column},
		})
	}
	return out
}
