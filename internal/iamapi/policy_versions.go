package iamapi

import (
	"context"
	"fmt"
	"math"

	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/iam"
)

// The managed-policy version actions: CreatePolicyVersion,
// GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion and
// SetDefaultPolicyVersion. A policy has at most 5 versions; version IDs are
// never reused (v1, v2, … in creation order).

// createPolicyVersion is CreatePolicyVersion: the document passes the
// member constraints, the 6,144-character quota and the grammar before the
// 5-version limit is checked.
func (s *Service) createPolicyVersion(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	doc, docErr := x.policyDocumentParam("PolicyDocument", "policyDocument")
	setDefault, _, boolErr := x.boolean("SetAsDefault", "setAsDefault")
	if err := iam.Join(arnErr, docErr, boolErr); err != nil {
		return nil, err
	}
	notFound := func() error { return errPolicyNotFound(arn) }
	if err := x.checkOwnPolicyARN(arn, notFound); err != nil {
		return nil, err
	}
	if err := checkManagedPolicyDocument(doc); err != nil {
		return nil, err
	}
	var added iam.PolicyVersion
	p, err := s.repo(x).UpdatePolicy(ctx, arn, func(p *iam.ManagedPolicy) error {
		v, err := p.AddVersion(doc, setDefault, s.repo(x).Now())
		if err != nil {
			return err
		}
		added = *v
		return nil
	})
	if err != nil {
		return nil, policyOrNotFound(err, notFound)
	}
	return &awsquery.Response{Result: []awsquery.Node{policyVersionNode(p, &added, false)}}, nil
}

// policyVersionParams reads PolicyArn and VersionId, reporting their member
// violations together.
func (x *exchange) policyVersionParams() (arn, versionID string, err error) {
	arn, arnErr := x.policyARNParam()
	versionID, idErr := x.policyVersionIDParam()
	return arn, versionID, iam.Join(arnErr, idErr)
}

// findPolicyVersion returns the policy's version with the ID, or nil.
func findPolicyVersion(p *iam.ManagedPolicy, versionID string) *iam.PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].VersionID == versionID {
			return &p.Versions[i]
		}
	}
	return nil
}

// getPolicyVersion is GetPolicyVersion: the document comes back
// URL-encoded, as IAM returns it.
func (s *Service) getPolicyVersion(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, versionID, err := x.policyVersionParams()
	if err != nil {
		return nil, err
	}
	notFound := func() error { return errPolicyVersionNotFound(arn, versionID) }
	p, err := s.getReadablePolicy(ctx, x, arn, notFound)
	if err != nil {
		return nil, err
	}
	v := findPolicyVersion(p, versionID)
	if v == nil {
		return nil, notFound()
	}
	return &awsquery.Response{Result: []awsquery.Node{policyVersionNode(p, v, true)}}, nil
}

// listPolicyVersions is ListPolicyVersions: newest version first, without
// the documents (as IAM lists them).
func (s *Service) listPolicyVersions(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	arn, arnErr := x.policyARNParam()
	pr, pageErr := x.pageParams()
	if err := iam.Join(arnErr, pageErr); err != nil {
		return nil, err
	}
	p, err := s.getReadablePolicy(ctx, x, arn, func() error { return errPolicyNotFound(arn) })
	if err != nil {
		return nil, err
	}
	versions := make([]*iam.PolicyVersion, len(p.Versions))
	for i := range p.Versions {
		versions[i] = &p.Versions[i]
	}
	// Newest first: the sort key decreases as the version number grows.
	page, next := paginate(versions, func(v *iam.PolicyVersion) string {
		return fmt.Sprintf("%019d", math.MaxInt64-int64(policyVersionNumber(v.VersionID)))
	}, pr)
	items := make([]awsquery.Node, len(page))
	for i, v := range page {
		items[i] = policyVersionNode(p, v, false) // a list item renders as <member>
	}
	return &awsquery.Response{Result: append([]awsquery.Node{awsquery.List("Versions", items...)}, pageNodes(next)...)}, nil
}

// deletePolicyVersion is DeletePolicyVersion: the default version cannot
// be deleted (DeleteConflict); it goes with DeletePolicy.
func (s *Service) deletePolicyVersion(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	return s.updatePolicyVersion(ctx, x, func(p *iam.ManagedPolicy, versionID string) error {
		return p.DeleteVersion(versionID)
	})
}

// setDefaultPolicyVersion is SetDefaultPolicyVersion: the version becomes
// the one every attachment of the policy uses.
func (s *Service) setDefaultPolicyVersion(ctx context.Context, x *exchange) (*awsquery.Response, error) {
	return s.updatePolicyVersion(ctx, x, func(p *iam.ManagedPolicy, versionID string) error {
		p.DefaultVersionID = versionID
		return nil
	})
}

// updatePolicyVersion applies change to the version that PolicyArn and
// VersionId name (compare-and-swap on the policy); either naming nothing
// is the version actions' NoSuchEntity.
func (s *Service) updatePolicyVersion(ctx context.Context, x *exchange, change func(p *iam.ManagedPolicy, versionID string) error) (*awsquery.Response, error) {
	arn, versionID, err := x.policyVersionParams()
	if err != nil {
		return nil, err
	}
	notFound := func() error { return errPolicyVersionNotFound(arn, versionID) }
	if err := x.checkOwnPolicyARN(arn, notFound); err != nil {
		return nil, err
	}
	_, err = s.repo(x).UpdatePolicy(ctx, arn, func(p *iam.ManagedPolicy) error {
		if findPolicyVersion(p, versionID) == nil {
			return notFound()
		}
		return change(p, versionID)
	})
	if err != nil {
		return nil, policyOrNotFound(err, notFound)
	}
	return &awsquery.Response{NoResult: true}, nil
}
