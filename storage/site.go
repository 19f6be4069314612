package storage

import "slices"

// Clone returns a copy of s that shares none of its slices, for a store
// that caches sites: a caller changing what it got cannot change the cache.
func (s Site) Clone() Site {
	s.Origins = slices.Clone(s.Origins)
	s.Settings.BlockedWords = slices.Clone(s.Settings.BlockedWords)
	s.Settings.SuspectWords = slices.Clone(s.Settings.SuspectWords)
	return s
}
