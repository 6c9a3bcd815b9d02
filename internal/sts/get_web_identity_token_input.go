package sts

import (
	"strconv"

	"github.com/stsd/stsd/internal/awserr"
	"github.com/stsd/stsd/internal/awsquery"
	"github.com/stsd/stsd/internal/creds"
	"github.com/stsd/stsd/internal/issuer"
)

// GetWebIdentityToken's members (botocore's STS model, 1.43.11:
// GetWebIdentityTokenRequest; STS API Reference):
//
//   - Audience webIdentityTokenAudienceListType, required, 1..10 items of
//     webIdentityTokenAudienceStringType 1..1,000 characters;
//   - DurationSeconds webIdentityTokenDurationSecondsType 60..3,600,
//     "If not specified, the default duration is 300 seconds";
//   - SigningAlgorithm jwtAlgorithmType, required, exactly 5 characters;
//     "Valid values are RS256 … and ES384";
//   - Tags tagListType, at most 50 Tag{Key tagKeyType, Value tagValueType}.
const (
	minWebIdentityTokenDuration     = 60
	maxWebIdentityTokenDuration     = 3600
	defaultWebIdentityTokenDuration = 300
	maxAudiences                    = 10
	maxAudienceLength               = 1000
)

// msgSigningAlgorithmEnum is the constraint stsd reports for a
// SigningAlgorithm of five characters that is neither RS256 nor ES384.
// The model has no enum trait (only the length), so AWS's text for it is
// not known; this is the wording AWS uses for enum members.
const msgSigningAlgorithmEnum = "Member must satisfy enum value set: [RS256, ES384]"

// webIdentityTokenInput is the validated input of GetWebIdentityToken.
type webIdentityTokenInput struct {
	Audience         []string
	DurationSeconds  int
	DurationGiven    bool
	SigningAlgorithm string
	Tags             []creds.Tag
}

// parseWebIdentityTokenInput checks every member constraint and reports
// them all in one ValidationError, as AWS does.
func parseWebIdentityTokenInput(p awsquery.Params) (*webIdentityTokenInput, *awserr.Error) {
	in := &webIdentityTokenInput{}
	var v awserr.Violations
	auds, present := p.List("Audience")
	switch {
	case !present:
		v.Add(nil, "audience", "Member must not be null")
	case len(auds) == 0:
		v.AddHidden("audience", "Member must have length greater than or equal to 1")
	case len(auds) > maxAudiences:
		v.AddHidden("audience", "Member must have length less than or equal to 10")
	}
	for i, a := range auds {
		checkLength(&v, a, "audience."+strconv.Itoa(i+1)+".member", 1, maxAudienceLength, false)
	}
	in.Audience = auds
	_, in.DurationGiven = p.Get("DurationSeconds")
	in.DurationSeconds = intMember(&v, p, "DurationSeconds", "durationSeconds",
		minWebIdentityTokenDuration, maxWebIdentityTokenDuration, defaultWebIdentityTokenDuration)
	if s, ok := p.Get("SigningAlgorithm"); !ok {
		v.Add(nil, "signingAlgorithm", "Member must not be null")
	} else {
		in.SigningAlgorithm = s
		before := v.Len()
		checkLength(&v, s, "signingAlgorithm", 5, 5, false)
		if v.Len() == before && s != issuer.RS256 && s != issuer.ES384 {
			v.Add(&s, "signingAlgorithm", msgSigningAlgorithmEnum)
		}
	}
	in.Tags, _ = parseTags(&v, p, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return in, nil
}
