package iamapi

// userActions: not yet written.
func (s *Service) userActions() map[string]action { return nil }
