package iam

// Dedupe returns ss without repeated values (compared exactly), the first
// occurrence kept: how the Repo stores client IDs, thumbprints and attached
// policy ARNs, and how a bootstrap plan predicts what it will store.
func Dedupe(ss []string) []string {
	if len(ss) < 2 {
		return ss
	}
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
