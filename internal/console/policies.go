package console

import (
	"net/http"
	"net/url"

	"github.com/stsd/stsd/internal/iam"
)

type policyRow struct {
	Policy *iam.ManagedPolicy
	ARN    string
	AWS    bool
}

func (c *Console) policies(q *request) {
	if !c.require(q, "iam:ListPolicies", "*", nil) {
		return
	}
	list, err := c.deps.Repo.ListPolicies(q.r.Context(), c.account(q))
	if err != nil {
		c.renderError(q, http.StatusServiceUnavailable, "The policies could not be read from the store.")
		return
	}
	rows := make([]policyRow, 0, len(list))
	for _, p := range list {
		rows = append(rows, policyRow{Policy: p, ARN: p.ARN()})
	}
	for _, v := range iam.AWSManagedPolicies() {
		rows = append(rows, policyRow{Policy: v.Policy, ARN: v.ARN, AWS: true})
	}
	c.page(q, http.StatusOK, "policies", "policies", "Policies", rows, "")
}

type policyData struct {
	View     *iam.PolicyView
	AWS      bool
	Versions []iam.PolicyVersion
	// Shown is the version displayed; From and To the versions diffed.
	Shown    *iam.PolicyVersion
	From, To string
	Diff     []diffLine
	CanEdit  bool
	// Draft is what a failed CreatePolicyVersion sent.
	Draft string
}

func (c *Console) policyPage(q *request) {
	v, ok := c.deps.Snapshot().ManagedPolicy(q.r.URL.Query().Get("arn"))
	if !ok || (v.Policy.Account != c.account(q) && !iam.IsAWSManagedARN(v.ARN)) {
		c.renderError(q, http.StatusNotFound, "No such policy.")
		return
	}
	if !c.require(q, "iam:GetPolicy", v.ARN, v.Policy.Tags) {
		return
	}
	c.renderPolicy(q, http.StatusOK, v, "", "")
}

func (c *Console) renderPolicy(q *request, status int, v *iam.PolicyView, draft, errMsg string) {
	d := policyData{View: v, AWS: iam.IsAWSManagedARN(v.ARN), Draft: draft}
	query := q.r.URL.Query()
	if c.decide(q, "iam:ListPolicyVersions", v.ARN, v.Policy.Tags).Allowed {
		d.Versions = v.Policy.Versions
	}
	find := func(id string) *iam.PolicyVersion {
		for i := range d.Versions {
			if d.Versions[i].VersionID == id {
				return &d.Versions[i]
			}
		}
		return nil
	}
	if c.decide(q, "iam:GetPolicyVersion", v.ARN, v.Policy.Tags).Allowed {
		d.Shown = v.Default
		if s := find(query.Get("version")); s != nil {
			d.Shown = s
		}
		d.From, d.To = query.Get("from"), query.Get("to")
		if from, to := find(d.From), find(d.To); from != nil && to != nil {
			d.Diff = lineDiff(prettyJSON(from.Document), prettyJSON(to.Document))
		}
	}
	d.CanEdit = !d.AWS && c.decide(q, "iam:CreatePolicyVersion", v.ARN, v.Policy.Tags).Allowed
	if d.Draft == "" && d.Shown != nil {
		d.Draft = prettyJSON(d.Shown.Document)
	}
	c.page(q, status, "policy", "policies", "Policy "+v.Policy.Name, d, errMsg)
}

// policyVersionCreate is CreatePolicyVersion with SetAsDefault (the IAM
// console's "Save changes").
func (c *Console) policyVersionCreate(q *request) {
	form(q)
	v, ok := c.deps.Snapshot().ManagedPolicy(q.r.PostFormValue("arn"))
	if !ok {
		c.renderError(q, http.StatusNotFound, "No such policy.")
		return
	}
	doc := q.r.PostFormValue("document")
	params := map[string]string{"PolicyArn": v.ARN, "PolicyDocument": doc, "SetAsDefault": "true"}
	if err := c.callIAM(q, "CreatePolicyVersion", params, nil); err != nil {
		c.renderPolicy(q, err.Status, v, doc, apiError(err))
		return
	}
	redirect(q, "/console/policy?arn="+url.QueryEscape(v.ARN))
}
