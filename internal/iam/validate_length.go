package iam

// ValidateLength checks that value has minLen..maxLen characters, as the
// model's length constraints do ("Value '<v>' at '<member>' failed to
// satisfy constraint: Member must have length …"); maxLen 0 sets no upper
// bound.
func ValidateLength(member, value string, minLen, maxLen int) error {
	return validationResult(lengthViolations(nil, member, value, minLen, maxLen))
}
