package console

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/stsd/stsd/internal/iam"
)

func (c *Console) roles(q *request) {
	if !c.require(q, "iam:ListRoles", "*", nil) {
		return
	}
	c.page(q, http.StatusOK, "roles", "roles", "Roles", c.deps.Snapshot().Roles(c.account(q)), "")
}

type namedDoc struct {
	Name, Document string
}

type attached struct {
	ARN    string
	Exists bool
}

type roleData struct {
	View *iam.RoleView
	// Inline and Attached are nil with InlineHidden/AttachedHidden set
	// when the caller may not read them.
	Inline         []namedDoc
	InlineHidden   string
	Attached       []attached
	AttachedHidden string
	Boundary       attached
	CanEditTrust   bool
	CanPutInline   bool
	// Trust and InlineName/InlineDoc hold what a failed change sent.
	Trust                 string
	InlineName, InlineDoc string
}

func (c *Console) roleByName(q *request, name string) (*iam.RoleView, bool) {
	v, ok := c.deps.Snapshot().RoleByName(c.account(q), name)
	if !ok {
		c.renderError(q, http.StatusNotFound, "No such role.")
	}
	return v, ok
}

func (c *Console) role(q *request) {
	v, ok := c.roleByName(q, q.r.URL.Query().Get("name"))
	if !ok || !c.require(q, "iam:GetRole", v.ARN, v.Role.Tags) {
		return
	}
	c.renderRole(q, http.StatusOK, v, roleData{}, "")
}

func (c *Console) renderRole(q *request, status int, v *iam.RoleView, d roleData, errMsg string) {
	d.View = v
	snap := c.deps.Snapshot()
	if dec := c.decide(q, "iam:GetRolePolicy", v.ARN, v.Role.Tags); dec.Allowed {
		names := make([]string, 0, len(v.Role.InlinePolicies))
		for n := range v.Role.InlinePolicies {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			d.Inline = append(d.Inline, namedDoc{Name: n, Document: v.Role.InlinePolicies[n]})
		}
	} else {
		d.InlineHidden = dec.Action
	}
	if dec := c.decide(q, "iam:ListAttachedRolePolicies", v.ARN, v.Role.Tags); dec.Allowed {
		for _, arn := range v.Role.ManagedPolicyARNs {
			_, ok := snap.ManagedPolicy(arn)
			d.Attached = append(d.Attached, attached{ARN: arn, Exists: ok})
		}
	} else {
		d.AttachedHidden = dec.Action
	}
	if b := v.Role.PermissionsBoundaryARN; b != "" {
		_, ok := snap.ManagedPolicy(b)
		d.Boundary = attached{ARN: b, Exists: ok}
	}
	d.CanEditTrust = c.decide(q, "iam:UpdateAssumeRolePolicy", v.ARN, v.Role.Tags).Allowed
	d.CanPutInline = c.decide(q, "iam:PutRolePolicy", v.ARN, v.Role.Tags).Allowed
	if d.Trust == "" {
		d.Trust = prettyJSON(v.Role.AssumeRolePolicyDocument)
	}
	c.page(q, status, "role", "roles", "Role "+v.Role.Name, d, errMsg)
}

// roleTrustUpdate is UpdateAssumeRolePolicy.
func (c *Console) roleTrustUpdate(q *request) {
	form(q)
	v, ok := c.roleByName(q, q.r.PostFormValue("name"))
	if !ok {
		return
	}
	doc := q.r.PostFormValue("document")
	if err := c.callIAM(q, "UpdateAssumeRolePolicy", map[string]string{"RoleName": v.Role.Name, "PolicyDocument": doc}, nil); err != nil {
		c.renderRole(q, err.Status, v, roleData{Trust: doc}, apiError(err))
		return
	}
	redirect(q, "/console/role?name="+url.QueryEscape(v.Role.Name))
}

// roleInlinePut is PutRolePolicy.
func (c *Console) roleInlinePut(q *request) {
	form(q)
	v, ok := c.roleByName(q, q.r.PostFormValue("name"))
	if !ok {
		return
	}
	name, doc := q.r.PostFormValue("policy_name"), q.r.PostFormValue("document")
	if err := c.callIAM(q, "PutRolePolicy", map[string]string{"RoleName": v.Role.Name, "PolicyName": name, "PolicyDocument": doc}, nil); err != nil {
		c.renderRole(q, err.Status, v, roleData{InlineName: name, InlineDoc: doc}, apiError(err))
		return
	}
	redirect(q, "/console/role?name="+url.QueryEscape(v.Role.Name))
}

type roleNewData struct {
	Name, Path, Description, MaxSessionDuration, Trust string
	Providers                                          []*iam.ProviderView
}

// defaultTrust is the trust policy the new-role form starts from.
func defaultTrust(providers []*iam.ProviderView) string {
	federated, key := "arn:aws:iam::123456789012:oidc-provider/issuer.example.com", "issuer.example.com"
	if len(providers) > 0 {
		federated, key = providers[0].ARN, providers[0].HostPath
	}
	return strings.Join([]string{
		`{`,
		`  "Version": "2012-10-17",`,
		`  "Statement": [{`,
		`    "Effect": "Allow",`,
		`    "Principal": {"Federated": "` + federated + `"},`,
		`    "Action": "sts:AssumeRoleWithWebIdentity",`,
		`    "Condition": {"StringEquals": {"` + key + `:sub": "REPLACE-ME"}}`,
		`  }]`,
		`}`,
	}, "\n")
}

func (c *Console) roleNew(q *request) {
	ps := c.deps.Snapshot().Providers(c.account(q))
	c.page(q, http.StatusOK, "role_new", "roles", "New role", roleNewData{Path: "/", MaxSessionDuration: "3600", Trust: defaultTrust(ps), Providers: ps}, "")
}

// roleCreate is CreateRole.
func (c *Console) roleCreate(q *request) {
	form(q)
	f := q.r.PostFormValue
	d := roleNewData{Name: f("name"), Path: f("path"), Description: f("description"), MaxSessionDuration: f("max_session_duration"), Trust: f("document")}
	params := map[string]string{"RoleName": d.Name, "AssumeRolePolicyDocument": d.Trust}
	for k, v := range map[string]string{"Path": d.Path, "Description": d.Description, "MaxSessionDuration": d.MaxSessionDuration} {
		if v != "" {
			params[k] = v
		}
	}
	if err := c.callIAM(q, "CreateRole", params, nil); err != nil {
		d.Providers = c.deps.Snapshot().Providers(c.account(q))
		c.page(q, err.Status, "role_new", "roles", "New role", d, apiError(err))
		return
	}
	redirect(q, "/console/role?name="+url.QueryEscape(d.Name))
}
