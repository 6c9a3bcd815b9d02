package iamapi

// roleActions: not yet written.
func (s *Service) roleActions() map[string]action { return nil }
