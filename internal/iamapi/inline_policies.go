package iamapi

import (
	"context"
	"sort"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// Inline policies of roles, users and groups: PutRolePolicy,
// GetRolePolicy, DeleteRolePolicy, ListRolePolicies and their User and
// Group forms, one handler each for every holder (policy_holders.go).

// inlineParams are the entity name and PolicyName of an inline-policy call.
func (x *exchange) inlineParams(h holder) (entity, policyName string, err error) {
	entity, e1 := x.entityName(h, h.checkExisting)
	policyName, e2 := x.validParam("PolicyName", "policyName", iam.ValidatePolicyName)
	return entity, policyName, iam.Join(e1, e2)
}

// noSuchInlinePolicy is IAM's "The role policy with name X cannot be found."
func noSuchInlinePolicy(h holder, name string) error {
	return noSuchEntity("The " + h.kind + " policy with name " + name + " cannot be found.")
}

// putInlinePolicy adds or replaces an inline policy. The document must
// parse (MalformedPolicyDocument) and the entity's inline policies must fit
// their quota (roles 10,240, users 2,048, groups 5,120 characters,
// LimitExceeded) — the
// entity's validation on update checks both.
func (s *Service) putInlinePolicy(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, name, e1 := x.inlineParams(h)
		doc, e2 := x.policyDocumentParam("PolicyDocument", "policyDocument")
		if err := iam.Join(e1, e2); err != nil {
			return nil, err
		}
		return s.updateHeld(ctx, x, h, entity, func(p *heldPolicies) error {
			if *p.inline == nil {
				*p.inline = map[string]string{}
			}
			(*p.inline)[name] = doc
			return nil
		})
	}
}

// getInlinePolicy returns an inline policy, its document URL-encoded.
func (s *Service) getInlinePolicy(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, name, err := x.inlineParams(h)
		if err != nil {
			return nil, err
		}
		p, err := h.load(ctx, s.repo(x), x.account, entity)
		if err != nil {
			return nil, err
		}
		doc, ok := (*p.inline)[name]
		if !ok {
			return nil, noSuchInlinePolicy(h, name)
		}
		return &awsquery.Response{Result: []awsquery.Node{
			awsquery.Str(h.nameParam, p.name),
			awsquery.Str("PolicyName", name),
			awsquery.Str("PolicyDocument", encodePolicyDocument(doc)),
		}}, nil
	}
}

// deleteInlinePolicy removes an inline policy; NoSuchEntity when the entity
// has none of that name.
func (s *Service) deleteInlinePolicy(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, name, err := x.inlineParams(h)
		if err != nil {
			return nil, err
		}
		return s.updateHeld(ctx, x, h, entity, func(p *heldPolicies) error {
			if _, ok := (*p.inline)[name]; !ok {
				return noSuchInlinePolicy(h, name)
			}
			delete(*p.inline, name)
			if len(*p.inline) == 0 {
				*p.inline = nil
			}
			return nil
		})
	}
}

// listInlinePolicies lists the names of the entity's inline policies, in
// name order, a page at a time.
func (s *Service) listInlinePolicies(h holder) holderRun {
	return func(ctx context.Context, x *exchange) (*awsquery.Response, error) {
		entity, e1 := x.entityName(h, h.checkExisting)
		pr, e2 := x.pageParams()
		if err := iam.Join(e1, e2); err != nil {
			return nil, err
		}
		p, err := h.load(ctx, s.repo(x), x.account, entity)
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(*p.inline))
		for n := range *p.inline {
			names = append(names, n)
		}
		sort.Strings(names)
		page, next := paginate(names, func(n string) string { return n }, pr)
		items := make([]awsquery.Node, len(page))
		for i, n := range page {
			items[i] = awsquery.Str("member", n)
		}
		return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("PolicyNames", items...)}, pageNodes(next)...)}, nil
	}
}
