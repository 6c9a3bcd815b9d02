package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/sts"
)

type playgroundData struct {
	Roles []*iam.RoleView
	Role  string // the role ARN picked
	// CanMint offers a development token (stsd dev); Token is one just
	// minted here, the only token the page ever shows.
	CanMint         bool
	Subject         string
	Token           string
	RoleSessionName string
	DurationSeconds string
	// Result is set after a submission; the token itself is never put
	// back on the page.
	Result *sts.Explanation
	// Outcome is the API's answer: "credentials would be issued" or the
	// error code and message.
	Outcome string
}

func (c *Console) playgroundForm(q *request) {
	d := playgroundData{Roles: c.deps.Snapshot().Roles(c.account(q)), RoleSessionName: "playground", DurationSeconds: "3600",
		CanMint: c.deps.MintToken != nil, Subject: "dev-user"}
	d.Role = c.roleARN(q, q.r.URL.Query().Get("role"))
	c.page(q, http.StatusOK, "playground", "playground", "Token playground", d, "")
}

// roleARN accepts a role ARN or name and returns the ARN ("" if none).
func (c *Console) roleARN(q *request, s string) string {
	snap := c.deps.Snapshot()
	if v, ok := snap.RoleByARN(s); ok {
		return v.ARN
	}
	if v, ok := snap.RoleByName(c.account(q), s); ok {
		return v.ARN
	}
	return ""
}

// playground explains an AssumeRoleWithWebIdentity call with the pasted
// token, step by step, without issuing anything. Reading the role's trust
// policy needs iam:GetRole on it. The token is only handed to the
// explainer: it is not logged, audited, stored or shown again.
func (c *Console) playground(q *request) {
	form(q)
	f := q.r.PostFormValue
	d := playgroundData{Roles: c.deps.Snapshot().Roles(c.account(q)), RoleSessionName: f("role_session_name"), DurationSeconds: f("duration_seconds"),
		CanMint: c.deps.MintToken != nil, Subject: strings.TrimSpace(f("subject"))}
	token := strings.TrimSpace(f("token"))
	if f("mint") != "" && c.deps.MintToken != nil {
		// `stsd dev` only: a token of the development issuer for the
		// subject, explained and shown so it can be edited and tried again.
		if d.Subject == "" {
			d.Subject = "dev-user"
		}
		tok, err := c.deps.MintToken(d.Subject)
		if err != nil {
			c.page(q, http.StatusInternalServerError, "playground", "playground", "Token playground", d, "The development issuer could not mint a token.")
			return
		}
		token, d.Token = tok, tok
	}
	v, ok := c.deps.Snapshot().RoleByARN(f("role"))
	if !ok || v.Role.Account != c.account(q) {
		c.page(q, http.StatusNotFound, "playground", "playground", "Token playground", d, "Pick a role of this account.")
		return
	}
	d.Role = v.ARN
	if !c.require(q, "iam:GetRole", v.ARN, v.Role.Tags) {
		return
	}
	duration, err := strconv.Atoi(strings.TrimSpace(d.DurationSeconds))
	if err != nil || duration <= 0 {
		duration = 3600
	}
	if d.RoleSessionName == "" {
		d.RoleSessionName = "playground"
	}
	d.Result = c.deps.STS.ExplainWebIdentity(q.r.Context(), sts.ExplainInput{
		RoleArn: v.ARN, RoleSessionName: d.RoleSessionName, DurationSeconds: duration,
		Token: token, SourceIP: clientIP(q.r), UserAgent: q.r.UserAgent(), SecureTransport: q.r.TLS != nil,
	})
	if d.Result.Err != nil {
		d.Outcome = d.Result.Err.Code + ": " + d.Result.Err.Message
	} else {
		d.Outcome = "Credentials would be issued."
	}
	c.page(q, http.StatusOK, "playground", "playground", "Token playground", d, "")
}
