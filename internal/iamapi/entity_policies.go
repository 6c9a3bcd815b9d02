package iamapi

// entityPolicyActions: not yet written.
func (s *Service) entityPolicyActions() map[string]action { return nil }
