package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// lookupEvents is the action that reads the audit log: CloudTrail's
// LookupEvents, the permission AWS asks for its event history.
const lookupEvents = "cloudtrail:LookupEvents"

// activityRows bounds the rows the Activity page renders.
const activityRows = 200

type activityData struct {
	Filter filter
	Rows   []Summary
	// Stream is the live stream's URL with the same filter.
	Stream string
}

func readFilter(r *http.Request) filter {
	v := r.URL.Query()
	return filter{Action: v.Get("action"), Principal: v.Get("principal"), Role: v.Get("role"), Decision: v.Get("decision")}
}

func (f filter) query() string {
	v := url.Values{}
	for k, s := range map[string]string{"action": f.Action, "principal": f.Principal, "role": f.Role, "decision": f.Decision} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

func (c *Console) activity(q *request) {
	if !c.require(q, lookupEvents, "*", nil) {
		return
	}
	d := activityData{Filter: readFilter(q.r)}
	d.Stream = "/console/activity/events?" + d.Filter.query()
	for _, e := range c.deps.Activity.Recent() {
		if d.Filter.match(&e.Summary) {
			d.Rows = append(d.Rows, e.Summary)
			if len(d.Rows) == activityRows {
				break
			}
		}
	}
	c.page(q, http.StatusOK, "activity", "activity", "Activity", d, "")
}

// activityStream sends the events that match the filter as server-sent
// events while the page is open, authorized again every minute.
func (c *Console) activityStream(q *request) {
	if !c.decide(q, lookupEvents, "*", nil).Allowed {
		http.Error(q.w, "not authorized", http.StatusForbidden)
		return
	}
	f := readFilter(q.r)
	rc := http.NewResponseController(q.w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := q.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	q.w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(q.w, ": stream open\n\n")
	_ = rc.Flush()
	events, cancel := c.deps.Activity.subscribe()
	defer cancel()
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	recheck := time.NewTicker(time.Minute)
	defer recheck.Stop()
	for {
		select {
		case <-q.r.Context().Done():
			return
		case <-c.deps.Activity.done:
			return
		case <-heartbeat.C:
			if _, err := fmt.Fprint(q.w, ": keep-alive\n\n"); err != nil {
				return
			}
		case <-recheck.C:
			caller, _, err := c.deps.Authn.LongTermCaller(q.r.Context(), q.sess.accessKeyID)
			if err != nil {
				return
			}
			q.caller = caller
			if !c.decide(q, lookupEvents, "*", nil).Allowed {
				return
			}
		case e := <-events:
			if !f.match(&e.Summary) {
				continue
			}
			b, err := json.Marshal(e.Summary)
			if err != nil {
				continue
			}
			if _, err := fmt.Fprintf(q.w, "event: audit\ndata: %s\n\n", b); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

type eventData struct {
	Summary Summary
	JSON    string
	// Effect, Matched, Failed, Missing, Detail are the decision's record.
	Decision any
	// Playground links a refused web-identity call to the playground.
	Playground string
}

// activityEvent opens one event: the decision's explanation (the statement
// that matched, the condition that failed, the keys that were missing) and
// the event as the log holds it, with the request's values.
func (c *Console) activityEvent(q *request) {
	if !c.require(q, lookupEvents, "*", nil) {
		return
	}
	e, ok := c.deps.Activity.Event(q.r.URL.Query().Get("id"))
	if !ok {
		c.renderError(q, http.StatusNotFound, "That event is no longer in the console's memory; the audit log has it.")
		return
	}
	b, _ := json.MarshalIndent(e.Event, "", "  ")
	d := eventData{Summary: e.Summary, JSON: string(b)}
	if e.Event.Decision != nil {
		d.Decision = e.Event.Decision
	}
	if e.Event.EventName == "AssumeRoleWithWebIdentity" && e.Summary.Role != "" {
		d.Playground = "/console/playground?role=" + url.QueryEscape(e.Summary.Role)
	}
	c.page(q, http.StatusOK, "event", "activity", "Event "+e.Event.EventName, d, "")
}
