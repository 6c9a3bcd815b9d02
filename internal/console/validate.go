package console

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/stsd/stsd/internal/policy"
)

type validateRequest struct {
	Kind     string `json:"kind"` // "identity" (default) or "trust"
	Document string `json:"document"`
}

type validateProblem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type validateResponse struct {
	Valid    bool              `json:"valid"`
	Problems []validateProblem `json:"problems"`
}

// validate answers the editor's validation as you type with the policy
// engine's own problems and positions. It only parses text the caller
// sent: there is nothing to authorize beyond being signed in.
func (c *Console) validate(q *request) {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxFormBytes)
	var in validateRequest
	if err := json.NewDecoder(q.r.Body).Decode(&in); err != nil {
		http.Error(q.w, "bad request", http.StatusBadRequest)
		return
	}
	kind := policy.KindIdentity
	if in.Kind == "trust" {
		kind = policy.KindTrust
	}
	out := validateResponse{Valid: true, Problems: []validateProblem{}}
	if _, err := policy.ParseAs([]byte(in.Document), kind); err != nil {
		out.Valid = false
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			for _, p := range pe.Problems {
				out.Problems = append(out.Problems, validateProblem{Line: p.Line, Column: p.Column, Message: p.Message})
			}
		}
		if len(out.Problems) == 0 {
			out.Problems = append(out.Problems, validateProblem{Line: 1, Column: 1, Message: err.Error()})
		}
	}
	q.w.Header().Set("Content-Type", "application/json")
	q.w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(q.w).Encode(out)
}
