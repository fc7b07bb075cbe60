package learn

import (
	"slices"
	"sync"

	"github.com/strazh/strazh/moderation"
)

// MemStore keeps examples and versions in memory (replays, tests); the
// daemon keeps them in moderation/store.
type MemStore struct {
	mu       sync.Mutex
	examples map[uint64]moderation.Example
	versions []moderation.ModelVersion
	blobs    map[uint64][]byte
	live     uint64
}

// NewMemStore makes an empty one. It implements moderation.Examples and
// moderation.ModelVersions.
func NewMemStore() *MemStore {
	return &MemStore{examples: map[uint64]moderation.Example{}, blobs: map[uint64][]byte{}}
}

func (s *MemStore) PutExample(e moderation.Example) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.examples[e.DecisionID] = e
	return nil
}

func (s *MemStore) EachExample(fn func(moderation.Example) error) error {
	s.mu.Lock()
	ids := make([]uint64, 0, len(s.examples))
	for id := range s.examples {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]moderation.Example, len(ids))
	for i, id := range ids {
		list[i] = s.examples[id]
	}
	s.mu.Unlock()
	for _, e := range list {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *MemStore) CountExamples() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.examples), nil
}

func (s *MemStore) SaveModel(v moderation.ModelVersion, blob []byte, live bool) (moderation.ModelVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v.Version = uint64(len(s.versions) + 1)
	v.Size = len(blob)
	s.versions = append(s.versions, v)
	s.blobs[v.Version] = slices.Clone(blob)
	if live {
		s.live = v.Version
	}
	return v, nil
}

func (s *MemStore) ModelVersions() ([]moderation.ModelVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.versions), nil
}

func (s *MemStore) LoadModel(version uint64) (moderation.ModelVersion, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version == 0 || int(version) > len(s.versions) {
		return moderation.ModelVersion{}, nil, moderation.ErrNotFound
	}
	return s.versions[version-1], s.blobs[version], nil
}

func (s *MemStore) LiveModel() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live, nil
}

func (s *MemStore) SetLiveModel(version uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if version != 0 && int(version) > len(s.versions) {
		return moderation.ErrNotFound
	}
	s.live = version
	return nil
}
