package downstream

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/strictjson"
)

// The decision API reads its bodies with the strict scanner: a duplicate
// member (compared after unescaping, at any depth), invalid UTF-8,
// trailing data and nesting deeper than the resource policy needs are
// refused, and member names are matched exactly (encoding/json would let
// "Request" stand for "request" and keep the last of two "checks").

// apiJSONLimits bound a decision API body: MaxBodyBytes, and a resource
// policy's own depth below its member.
var apiJSONLimits = strictjson.Limits{MaxDepth: policy.MaxJSONDepth + 2, MaxBytes: MaxBodyBytes}

// jnode is one value of a request body, with its byte range (a resource
// policy is handed to the policy parser as the bytes it was written with).
type jnode struct {
	kind       strictjson.Kind
	start, end int
	text       string
	items      []*jnode
	members    []strictjson.Member[*jnode]
}

type jbuilder struct{}

func (jbuilder) Scalar(kind strictjson.Kind, start, end int, text string) *jnode {
	return &jnode{kind: kind, start: start, end: end, text: text}
}

func (jbuilder) Array(start, end int, items []*jnode) *jnode {
	return &jnode{kind: strictjson.Array, start: start, end: end, items: append([]*jnode(nil), items...)}
}

func (jbuilder) Object(start, end int, members []strictjson.Member[*jnode]) *jnode {
	return &jnode{kind: strictjson.Object, start: start, end: end, members: append([]strictjson.Member[*jnode](nil), members...)}
}

// parseBody parses a decision API body, which must be one JSON object.
func parseBody(body []byte) (*jnode, *awserr.Error) {
	root, err := strictjson.Parse(body, apiJSONLimits, jbuilder{})
	if err != nil {
		var se *strictjson.SyntaxError
		msg := "The request body is not valid JSON."
		if errors.As(err, &se) {
			msg = "The request body is not valid JSON at offset " + strconv.Itoa(se.Offset) + ": " + se.Msg + "."
		}
		return nil, errSerialization(msg)
	}
	if root.kind != strictjson.Object {
		return nil, errSerialization("The request body must be a JSON object.")
	}
	return root, nil
}

// fields maps an object's members by name, refusing names not in allowed
// (exact spelling). where names the object in messages ("" for the body).
func fields(n *jnode, where string, allowed ...string) (map[string]*jnode, *awserr.Error) {
	out := make(map[string]*jnode, len(n.members))
	for _, m := range n.members {
		ok := false
		for _, a := range allowed {
			if m.Key == a {
				ok = true
				break
			}
		}
		if !ok {
			return nil, errValidation("Unknown field " + quoteName(m.Key) + " in " + describe(where) + ".")
		}
		out[m.Key] = m.Value
	}
	return out, nil
}

// describe names an object of the body for messages.
func describe(where string) string {
	if where == "" {
		return "the request body"
	}
	return "'" + where + "'"
}

// quoteName quotes a member name for a message: a JSON string of
// printable ASCII, cut to 64 bytes, so no name the caller chose can break
// the message or a log line.
func quoteName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return ASCIIJSONString(s)
}

// stringField returns a string member; present reports whether it was
// there. A member of another type is an error.
func stringField(f map[string]*jnode, name, where string) (value string, present bool, e *awserr.Error) {
	n, ok := f[name]
	if !ok {
		return "", false, nil
	}
	if n.kind != strictjson.String {
		return "", true, errValidation("'" + path(where, name) + "' must be a string.")
	}
	return n.text, true, nil
}

func path(where, name string) string {
	if where == "" {
		return name
	}
	return where + "." + name
}

// Error codes of the decision API's own errors.
const (
	codeSerialization = "SerializationException"
	codeValidation    = "ValidationError"
	codeMalformed     = "MalformedPolicyDocument"
)

func errSerialization(msg string) *awserr.Error {
	return awserr.New(codeSerialization, http.StatusBadRequest, msg).WithReason("decision_api_bad_json", nil)
}

func errValidation(msg string) *awserr.Error {
	return awserr.New(codeValidation, http.StatusBadRequest, msg).WithReason("decision_api_invalid", nil)
}

// apiError is the decision API's error shape.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type apiErrorBody struct {
	Error apiError `json:"error"`
}

// writeAPIError writes {"error":{"code","message"}} with the error's
// status; stsd's own failures become InternalFailure's generic text.
func writeAPIError(w http.ResponseWriter, e *awserr.Error, extra http.Header) {
	if e.Status >= 500 {
		e = awserr.InternalFailure(e.Cause)
	}
	h := w.Header()
	for name, values := range extra {
		h[name] = values
	}
	writeJSON(w, e.Status, apiErrorBody{Error: apiError{Code: e.Code, Message: e.Message}})
}

// writeJSON writes v as the answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // not reachable with the answer types
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalFailure","message":"The request processing has failed because of an unknown error, exception or failure."}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
