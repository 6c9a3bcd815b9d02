package console

import (
	"net/http"
	"strconv"
	"strings"
)

type simStatement struct {
	SourcePolicyId   string //nolint:revive // the API's member names
	SourcePolicyType string
	StartPosition    *struct{ Line, Column int }
}

type simResult struct {
	EvalActionName       string
	EvalResourceName     string
	EvalDecision         string
	MatchedStatements    []simStatement
	MissingContextValues []string
}

type simulatorData struct {
	Mode                        string // "custom" or "principal"
	Policies, Caller            string
	Actions, Resources, Context string
	Results                     []simResult
	Ran                         bool
}

func (c *Console) simulatorForm(q *request) {
	d := simulatorData{Mode: "custom", Actions: "sts:AssumeRoleWithWebIdentity", Resources: "*"}
	if caller := q.r.URL.Query().Get("caller"); caller != "" {
		d.Mode, d.Caller = "principal", caller
	}
	c.page(q, http.StatusOK, "simulator", "simulator", "Policy simulator", d, "")
}

// simulate runs SimulateCustomPolicy or SimulatePrincipalPolicy through the
// IAM API's dispatcher (authorized and audited as the API call).
func (c *Console) simulate(q *request) {
	form(q)
	f := q.r.PostFormValue
	d := simulatorData{Mode: f("mode"), Policies: f("policies"), Caller: f("caller"), Actions: f("actions"), Resources: f("resources"), Context: f("context")}
	params := map[string]string{}
	action := "SimulateCustomPolicy"
	if d.Mode == "principal" {
		action = "SimulatePrincipalPolicy"
		params["PolicySourceArn"] = strings.TrimSpace(d.Caller)
	} else {
		d.Mode = "custom"
		var docs []string
		for _, doc := range strings.Split(d.Policies, "\n---\n") {
			if doc = strings.TrimSpace(doc); doc != "" {
				docs = append(docs, doc)
			}
		}
		setList(params, "PolicyInputList", docs)
	}
	setList(params, "ActionNames", splitList(d.Actions))
	setList(params, "ResourceArns", splitList(d.Resources))
	for i, l := range lines(d.Context) {
		k, v, _ := strings.Cut(l, "=")
		p := "ContextEntries.member." + strconv.Itoa(i+1) + "."
		params[p+"ContextKeyName"] = strings.TrimSpace(k)
		params[p+"ContextKeyType"] = "string"
		params[p+"ContextKeyValues.member.1"] = strings.TrimSpace(v)
	}
	var out struct{ EvaluationResults []simResult }
	if err := c.callIAM(q, action, params, &out); err != nil {
		c.page(q, err.Status, "simulator", "simulator", "Policy simulator", d, apiError(err))
		return
	}
	d.Results, d.Ran = out.EvaluationResults, true
	c.page(q, http.StatusOK, "simulator", "simulator", "Policy simulator", d, "")
}

// splitList splits on commas and line breaks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
