package console

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/audit"
)

// entry is an audit event with what the Activity page filters and shows,
// computed once when the event arrives.
type entry struct {
	Event *audit.Event
	Summary
}

// Summary is an event as one row of the Activity page (and one message of
// its live stream).
type Summary struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	Action    string    `json:"action"`
	Principal string    `json:"principal"`
	Role      string    `json:"role"`
	Denied    bool      `json:"denied"`
	// Outcome is "ok", or the error code the caller got.
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
}

func summarize(ev *audit.Event) *entry {
	s := Summary{ID: ev.EventID, Time: ev.EventTime, Action: ev.EventName, Denied: failed(ev), Outcome: "ok"}
	if id := ev.UserIdentity; id != nil {
		switch {
		case id.ARN != "":
			s.Principal = id.ARN
		case id.UserName != "":
			s.Principal = id.UserName
		default:
			s.Principal = id.PrincipalID
		}
		if a, ok := arn.Parse(id.ARN); ok {
			s.Role, _, _ = a.AssumedRole()
		}
	}
	if ev.ErrorCode != "" {
		s.Outcome = ev.ErrorCode
	} else if s.Denied {
		s.Outcome = "Failed"
	}
	if ev.Decision != nil {
		s.Reason = ev.Decision.Reason
	}
	if role := roleParameter(ev.RequestParameters); role != "" {
		s.Role = role
	}
	return &entry{Event: ev, Summary: s}
}

// roleParameter is the role a call names: roleArn (STS) or roleName (IAM).
// The STS actions' parameter types name it themselves (roleParameterer);
// maps are read directly; anything else goes through its JSON form.
func roleParameter(params any) string {
	switch p := params.(type) {
	case nil:
		return ""
	case roleParameterer:
		return p.RoleParameter()
	case map[string]string:
		return firstRole(p)
	case map[string]any:
		return firstRole(p)
	}
	b, err := json.Marshal(params)
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return firstRole(m)
}

// roleParameterer is an audit event's request parameters that name a
// role (the STS actions' parameter types).
type roleParameterer interface{ RoleParameter() string }

// firstRole is the first non-empty string of m's roleArn and roleName.
func firstRole[V any](m map[string]V) string {
	for _, k := range []string{"roleArn", "roleName"} {
		if s, ok := any(m[k]).(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// filter is the Activity page's filter form.
type filter struct {
	Action, Principal, Role, Decision string
}

func (f filter) match(s *Summary) bool {
	contains := func(have, want string) bool {
		return want == "" || strings.Contains(strings.ToLower(have), strings.ToLower(want))
	}
	switch f.Decision {
	case "allowed":
		if s.Denied {
			return false
		}
	case "denied":
		if !s.Denied {
			return false
		}
	}
	return contains(s.Action, f.Action) && contains(s.Principal, f.Principal) && contains(s.Role, f.Role)
}
