package iamapi

// policyActions: not yet written.
func (s *Service) policyActions() map[string]action { return nil }
