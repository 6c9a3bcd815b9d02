package policy

// Limits enforced by Parse. They are deliberately above AWS's own size
// limits (a managed policy is at most 6,144 characters, an inline role
// policy 10,240, a trust policy 2,048 by default and 8,192 at most) so that
// every real policy parses, while no document can make parsing or
// evaluation slow.
const (
	// MaxDocumentBytes is the largest document Parse accepts.
	MaxDocumentBytes = 131072
	// MaxStatements is the largest number of statements in one policy.
	MaxStatements = 1000
	// MaxValuesPerElement bounds the values of one Action, NotAction,
	// Resource, NotResource, principal type, or condition key.
	MaxValuesPerElement = 1000
	// MaxConditionEntries bounds the operator/key pairs of one statement.
	MaxConditionEntries = 100
	// MaxPatternBytes bounds one action, resource or condition value,
	// and so the length of every wildcard pattern.
	MaxPatternBytes = 2048
	// MaxVariablesPerValue bounds the ${...} policy variables in one value.
	MaxVariablesPerValue = 32
	// MaxJSONDepth bounds nesting; a policy needs at most 6 levels.
	MaxJSONDepth = 16
	// MaxConditionKeyBytes bounds the length of a condition key name.
	MaxConditionKeyBytes = 512
)
