package iamapi

// accessKeyActions: not yet written.
func (s *Service) accessKeyActions() map[string]action { return nil }
