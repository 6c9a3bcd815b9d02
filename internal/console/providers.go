package console

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/oidc"
)

type providerRow struct {
	View *iam.ProviderView
	Keys []oidc.KeySetStatus
	// Visible: the caller may read the provider (GetOpenIDConnectProvider).
	Visible bool
}

func (c *Console) providers(q *request) {
	if !c.require(q, "iam:ListOpenIDConnectProviders", "*", nil) {
		return
	}
	var rows []providerRow
	for _, p := range c.deps.Snapshot().Providers(c.account(q)) {
		row := providerRow{View: p, Visible: c.decide(q, "iam:GetOpenIDConnectProvider", p.ARN, p.Provider.Tags).Allowed}
		if row.Visible {
			row.Keys = c.deps.KeySets(p.Provider.URL)
		}
		rows = append(rows, row)
	}
	c.page(q, http.StatusOK, "providers", "providers", "Identity providers", rows, "")
}

type providerData struct {
	providerRow
	CanEdit bool
	// Form holds what was submitted when a change failed.
	ClientIDs, Thumbprints string
}

func (c *Console) provider(q *request) {
	v, ok := c.deps.Snapshot().ProviderByARN(q.r.URL.Query().Get("arn"))
	if !ok || v.Provider.Account != c.account(q) {
		c.renderError(q, http.StatusNotFound, "No such identity provider.")
		return
	}
	if !c.require(q, "iam:GetOpenIDConnectProvider", v.ARN, v.Provider.Tags) {
		return
	}
	c.renderProvider(q, http.StatusOK, v, "", "", "")
}

func (c *Console) renderProvider(q *request, status int, v *iam.ProviderView, clientIDs, thumbprints, errMsg string) {
	d := providerData{providerRow: providerRow{View: v, Keys: c.deps.KeySets(v.Provider.URL)}, ClientIDs: clientIDs, Thumbprints: thumbprints}
	d.CanEdit = c.decide(q, "iam:UpdateOpenIDConnectProviderThumbprint", v.ARN, v.Provider.Tags).Allowed ||
		c.decide(q, "iam:AddClientIDToOpenIDConnectProvider", v.ARN, v.Provider.Tags).Allowed
	if errMsg == "" {
		d.ClientIDs, d.Thumbprints = joinLines(v.Provider.ClientIDs), joinLines(v.Provider.Thumbprints)
	}
	c.page(q, status, "provider", "providers", v.Provider.URL, d, errMsg)
}

type providerNewData struct {
	URL, ClientIDs, Thumbprints string
}

func (c *Console) providerNew(q *request) {
	c.page(q, http.StatusOK, "provider_new", "providers", "New identity provider", providerNewData{}, "")
}

// providerCreate is CreateOpenIDConnectProvider.
func (c *Console) providerCreate(q *request) {
	form(q)
	d := providerNewData{URL: q.r.PostFormValue("url"), ClientIDs: q.r.PostFormValue("client_ids"), Thumbprints: q.r.PostFormValue("thumbprints")}
	params := map[string]string{"Url": d.URL}
	setList(params, "ClientIDList", lines(d.ClientIDs))
	setList(params, "ThumbprintList", lines(d.Thumbprints))
	var out struct {
		OpenIDConnectProviderArn string
	}
	if err := c.callIAM(q, "CreateOpenIDConnectProvider", params, &out); err != nil {
		c.page(q, err.Status, "provider_new", "providers", "New identity provider", d, apiError(err))
		return
	}
	redirect(q, "/console/provider?arn="+url.QueryEscape(out.OpenIDConnectProviderArn))
}

// providerUpdate edits the client ids (AddClientIDToOpenIDConnectProvider
// and RemoveClientIDFromOpenIDConnectProvider, one call each) and the
// thumbprints (UpdateOpenIDConnectProviderThumbprint), as the IAM console.
func (c *Console) providerUpdate(q *request) {
	form(q)
	v, ok := c.deps.Snapshot().ProviderByARN(q.r.PostFormValue("arn"))
	if !ok || v.Provider.Account != c.account(q) {
		c.renderError(q, http.StatusNotFound, "No such identity provider.")
		return
	}
	rawIDs, rawTPs := q.r.PostFormValue("client_ids"), q.r.PostFormValue("thumbprints")
	ids, tps := lines(rawIDs), lines(rawTPs)
	fail := func(status int, msg string) { c.renderProvider(q, status, v, rawIDs, rawTPs, msg) }
	for _, id := range ids {
		if !slices.Contains(v.Provider.ClientIDs, id) {
			if err := c.callIAM(q, "AddClientIDToOpenIDConnectProvider", map[string]string{"OpenIDConnectProviderArn": v.ARN, "ClientID": id}, nil); err != nil {
				fail(err.Status, apiError(err))
				return
			}
		}
	}
	for _, id := range v.Provider.ClientIDs {
		if !slices.Contains(ids, id) {
			if err := c.callIAM(q, "RemoveClientIDFromOpenIDConnectProvider", map[string]string{"OpenIDConnectProviderArn": v.ARN, "ClientID": id}, nil); err != nil {
				fail(err.Status, apiError(err))
				return
			}
		}
	}
	if !slices.Equal(tps, v.Provider.Thumbprints) {
		params := map[string]string{"OpenIDConnectProviderArn": v.ARN}
		setList(params, "ThumbprintList", tps)
		if len(tps) == 0 {
			params["ThumbprintList"] = ""
		}
		if err := c.callIAM(q, "UpdateOpenIDConnectProviderThumbprint", params, nil); err != nil {
			fail(err.Status, apiError(err))
			return
		}
	}
	redirect(q, "/console/provider?arn="+url.QueryEscape(v.ARN))
}

func joinLines(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += "\n"
		}
		out += s
	}
	return out
}

// account is the account the console shows: the caller's.
func (c *Console) account(q *request) string { return q.caller.Account }
