package iamapi

// simulateActions: not yet written.
func (s *Service) simulateActions() map[string]action { return nil }
