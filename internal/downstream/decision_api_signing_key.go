package downstream

import (
	"encoding/hex"
	"net/http"
	"slices"
	"time"

	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/sigv4"
)

// Condition keys /v1/signing-key supplies when it authorizes the calling
// service, so a policy can limit a gateway to its own service and regions.
const (
	KeySigningService = "stsd:SigningService"
	KeySigningRegion  = "stsd:SigningRegion"
)

// Limits of a /v1/signing-key body.
const (
	maxAccessKeyID  = 128
	maxSessionToken = 8 << 10
)

// signingKeyRequest is a parsed /v1/signing-key body.
type signingKeyRequest struct {
	accessKeyID, sessionToken string
	scope                     sigv4.Scope
}

// signingKeyAnswer is /v1/signing-key's answer. SigningKey is the derived
// key in hex; Expiration, for a session's key, is when the session ends:
// the key itself would sign until the day ends, so whoever verifies with
// it must refuse requests after Expiration.
type signingKeyAnswer struct {
	SigningKey  string        `json:"signingKey"`
	AccessKeyID string        `json:"accessKeyId"`
	Date        string        `json:"date"`
	Region      string        `json:"region"`
	Service     string        `json:"service"`
	Expiration  string        `json:"expiration,omitempty"`
	Principal   *principalOut `json:"principal"`
}

// serveSigningKey is POST /v1/signing-key: the SigV4 signing key of one
// access key for one day, region and service, for gateways that verify
// aws-chunked uploads themselves. Never the secret.
func (d *Door) serveSigningKey(w http.ResponseWriter, r *http.Request) {
	call := d.acceptCall(w, r, SigningKeyEvent)
	if call == nil {
		return
	}
	req, e := d.parseSigningKey(call.body)
	if e != nil {
		d.fail(w, SigningKeyEvent, call, nil, e, nil)
		return
	}
	keys := []authz.Key{
		{Name: KeySigningService, Values: []string{req.scope.Service}},
		{Name: KeySigningRegion, Values: []string{req.scope.Region}},
	}
	dec := d.Decide(r.Context(), call.in, call.v, []authz.Check{{Action: ActionDeriveSigningKey, Resource: "*"}}, keys, nil)
	if dec.Err != nil {
		var extra http.Header
		if dec.EncodedMessage != "" {
			extra = http.Header{HeaderAuthorizationMessage: {dec.EncodedMessage}}
		}
		d.fail(w, SigningKeyEvent, call, &dec, dec.Err, extra)
		return
	}
	owner, key, err := d.deps.Authn.SigningKey(r.Context(), req.accessKeyID, req.sessionToken, req.scope)
	if err != nil {
		d.fail(w, SigningKeyEvent, call, &dec, awserr.As(err), nil)
		return
	}
	call.in.KeyOwner = owner
	d.Record(SigningKeyEvent, call.in, &dec, nil)
	out := signingKeyAnswer{
		SigningKey: hex.EncodeToString(key[:]), AccessKeyID: req.accessKeyID,
		Date: req.scope.Date, Region: req.scope.Region, Service: req.scope.Service,
		Principal: principalOf(owner),
	}
	if owner.Session != nil {
		out.Expiration = owner.Session.Expiry.UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, out)
}

// parseSigningKey reads a /v1/signing-key body strictly. The date must be
// within a day of today (UTC) — yesterday, today or tomorrow, the days a
// request signed now can carry within the clock skew; the region one stsd
// accepts; the service not stsd's own (a key for sts or iam would sign
// calls to stsd as the key's owner).
func (d *Door) parseSigningKey(body []byte) (*signingKeyRequest, *awserr.Error) {
	root, e := parseBody(body)
	if e != nil {
		return nil, e
	}
	f, e := fields(root, "", "accessKeyId", "sessionToken", "date", "region", "service")
	if e != nil {
		return nil, e
	}
	req := &signingKeyRequest{}
	var present bool
	if req.accessKeyID, present, e = stringField(f, "accessKeyId", ""); e != nil {
		return nil, e
	}
	if !present || req.accessKeyID == "" || len(req.accessKeyID) > maxAccessKeyID || !isToken(req.accessKeyID) {
		return nil, errValidation("'accessKeyId' is required: the access key ID whose signing key is wanted.")
	}
	if req.sessionToken, present, e = stringField(f, "sessionToken", ""); e != nil {
		return nil, e
	}
	if present && (req.sessionToken == "" || len(req.sessionToken) > maxSessionToken) {
		return nil, errValidation("'sessionToken' must be the session token of a temporary access key (at most 8192 bytes); leave it out for a long-term key.")
	}
	date, present, e := stringField(f, "date", "")
	if e != nil {
		return nil, e
	}
	day, err := time.Parse("20060102", date)
	if !present || err != nil || len(date) != 8 {
		return nil, errValidation("'date' is required: the signing day as YYYYMMDD (UTC).")
	}
	today := d.deps.Now().UTC().Truncate(24 * time.Hour)
	if diff := day.Sub(today); diff < -24*time.Hour || diff > 24*time.Hour {
		return nil, errValidation("'date' must be within a day of today (" + today.Format("20060102") + ", UTC).")
	}
	region, present, e := stringField(f, "region", "")
	if e != nil {
		return nil, e
	}
	if !present || !ValidRegion(region) {
		return nil, errValidation("'region' is required: 1 to 32 lower-case letters, digits or '-'.")
	}
	if regions := d.deps.Authn.Verifier.Regions; len(regions) > 0 && !slices.Contains(regions, region) {
		return nil, errValidation("'region' is not a region stsd accepts.")
	}
	service, present, e := stringField(f, "service", "")
	if e != nil {
		return nil, e
	}
	if !present || !isServiceName(service) {
		return nil, errValidation("'service' is required: 1 to 64 lower-case letters, digits or '-'.")
	}
	if service == "sts" || service == "iam" || service == ServiceStsd {
		return nil, errValidation("'service' cannot be 'sts', 'iam' or 'stsd': a signing key for stsd's own APIs would sign calls to stsd.")
	}
	req.scope = sigv4.Scope{Date: date, Region: region, Service: service, Terminator: sigv4.Terminator}
	return req, nil
}
