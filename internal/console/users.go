package console

import (
	"net/http"

	"github.com/stsd/stsd/internal/iam"
)

func (c *Console) users(q *request) {
	if !c.require(q, "iam:ListUsers", "*", nil) {
		return
	}
	list, err := c.deps.Repo.ListUsers(q.r.Context(), c.account(q))
	if err != nil {
		c.renderError(q, http.StatusServiceUnavailable, "The users could not be read from the store.")
		return
	}
	c.page(q, http.StatusOK, "users", "users", "Users", list, "")
}

type userData struct {
	User       *iam.User
	ARN        string
	Keys       []*iam.AccessKey
	KeysHidden string
	Groups     []*iam.GroupView
	CanCreate  bool
	// NewKey is set once, on the page that answers CreateAccessKey.
	NewKey *newKey
}

type newKey struct {
	AccessKeyID, SecretAccessKey string
}

func (c *Console) user(q *request) {
	u, ok := c.deps.Snapshot().UserByName(c.account(q), q.r.URL.Query().Get("name"))
	if !ok {
		c.renderError(q, http.StatusNotFound, "No such user.")
		return
	}
	if !c.require(q, "iam:GetUser", u.ARN, u.User.Tags) {
		return
	}
	c.renderUser(q, http.StatusOK, u, nil, "")
}

func (c *Console) renderUser(q *request, status int, u *iam.UserView, nk *newKey, errMsg string) {
	d := userData{User: u.User, ARN: u.ARN, NewKey: nk, Groups: c.deps.Snapshot().UserGroups(u.User)}
	if dec := c.decide(q, "iam:ListAccessKeys", u.ARN, u.User.Tags); dec.Allowed {
		keys, err := c.deps.Repo.ListAccessKeys(q.r.Context(), u.User.Account, u.User.Name)
		if err != nil {
			errMsg = "The access keys could not be read from the store."
		}
		d.Keys = keys
	} else {
		d.KeysHidden = dec.Action
	}
	d.CanCreate = c.decide(q, "iam:CreateAccessKey", u.ARN, u.User.Tags).Allowed
	c.page(q, status, "user", "users", "User "+u.User.Name, d, errMsg)
}

// accessKeyCreate is CreateAccessKey. The secret is on this one response
// (not cached, not logged, not in the audit event) and never again.
func (c *Console) accessKeyCreate(q *request) {
	form(q)
	u, ok := c.deps.Snapshot().UserByName(c.account(q), q.r.PostFormValue("name"))
	if !ok {
		c.renderError(q, http.StatusNotFound, "No such user.")
		return
	}
	var out struct {
		AccessKey struct {
			AccessKeyId, SecretAccessKey string //nolint:revive // the API's member names
		}
	}
	if err := c.callIAM(q, "CreateAccessKey", map[string]string{"UserName": u.User.Name}, &out); err != nil {
		c.renderUser(q, err.Status, u, nil, apiError(err))
		return
	}
	u, _ = c.deps.Snapshot().UserByName(c.account(q), u.User.Name)
	if u == nil {
		c.renderError(q, http.StatusNotFound, "No such user.")
		return
	}
	c.renderUser(q, http.StatusOK, u, &newKey{AccessKeyID: out.AccessKey.AccessKeyId, SecretAccessKey: out.AccessKey.SecretAccessKey}, "")
}
