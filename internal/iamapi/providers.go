package iamapi

// providerActions: not yet written.
func (s *Service) providerActions() map[string]action { return nil }
