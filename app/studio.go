package app

import (
	"context"
	"errors"
	"sort"
	"sync"

	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// StoreStudio serves the window from the studio's store: the library from
// the designs index, each design from the head of its main branch, and
// change notifications from the store's watch channel.
type StoreStudio struct {
	st       *store.Store
	identity *store.Identity
	cancel   context.CancelFunc
	changed  chan struct{}

	mu      sync.Mutex
	headers map[models.ID]cachedHeader // by design, valid while the head is unchanged
	// branches is the branch the window works on, by design (absent:
	// main); see history_branch.go.
	branches map[models.ID]string
}

type cachedHeader struct {
	head    models.ID
	summary DesignSummary
}

var _ Studio = (*StoreStudio)(nil)

// NewStoreStudio wraps an open store; identity signs the designer's commits.
func NewStoreStudio(st *store.Store, identity *store.Identity) *StoreStudio {
	ctx, cancel := context.WithCancel(context.Background())
	s := &StoreStudio{st: st, identity: identity, cancel: cancel, changed: make(chan struct{}, 1),
		headers: map[models.ID]cachedHeader{}}
	events := st.Watch(ctx)
	go func() {
		defer close(s.changed)
		for range events {
			select {
			case s.changed <- struct{}{}:
			default: // a reload is already pending
			}
		}
	}()
	return s
}

// Store is the underlying store.
func (s *StoreStudio) Store() *store.Store { return s.st }

// Identity signs this machine's versions; nil while the studio has
// versions by this machine but its key file is gone (cli.ErrIdentityLost).
func (s *StoreStudio) Identity() *store.Identity { return s.identity }

// SetIdentity gives the studio the key to sign with (File → New
// identity…, or a key file that came back). UI goroutine only.
func (s *StoreStudio) SetIdentity(id *store.Identity) { s.identity = id }

// ErrNoIdentity: a commit was asked for while this machine has no key to
// sign it with.
var ErrNoIdentity = errors.New("nothing was committed: this machine's signing key (identity.pem) is missing. " +
	"Restore it from a backup, or start a new identity with File → New identity…")

// signer is the identity to commit with, or ErrNoIdentity.
func (s *StoreStudio) signer() (*store.Identity, error) {
	if s.identity == nil {
		return nil, ErrNoIdentity
	}
	return s.identity, nil
}

// Designs lists the studio's designs by name.
func (s *StoreStudio) Designs() ([]DesignSummary, error) {
	infos := s.st.Designs()
	out := make([]DesignSummary, 0, len(infos))
	for _, info := range infos {
		if p2p.IsStudioDoc(info.ID) {
			continue // the member list, not a design
		}
		// The list reads each design's branch and meta without loading
		// its history: a studio of years opens at once.
		head, err := s.st.HeadID(info.ID, "main")
		if err != nil {
			if len(s.st.Refs(info.ID)) == 0 {
				// Still arriving: a peer sends a large design in parts,
				// its branches in the last, so there is nothing to open
				// yet. It shows when the rest has come.
				continue
			}
			// A design without a main branch (only other branches) still
			// shows, by the name the index has.
			out = append(out, DesignSummary{ID: info.ID, Name: info.Name})
			continue
		}
		s.mu.Lock()
		c, ok := s.headers[info.ID]
		s.mu.Unlock()
		if !ok || c.head != head {
			el, err := s.st.MetaAt(info.ID, head)
			var m models.Meta
			if err == nil {
				m, err = models.MetaOf(el)
			}
			if err != nil {
				// Damaged: listed by the name the index has; opening it
				// says what is wrong (LoadDesign).
				out = append(out, DesignSummary{ID: info.ID, Name: info.Name})
				continue
			}
			c = cachedHeader{head: head, summary: DesignSummary{ID: info.ID, Name: m.Name, NameZH: m.NameZH,
				StyleNo: m.StyleNo, Season: m.Season, Archived: m.Archived}}
			s.mu.Lock()
			s.headers[info.ID] = c
			s.mu.Unlock()
		}
		out = append(out, c.summary)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Design checks out the head of the design's current branch (main unless
// the window switched, see SwitchBranch).
func (s *StoreStudio) Design(id models.ID) (*models.Design, error) {
	head, err := s.currentHead(id)
	if err != nil {
		return nil, err
	}
	return s.st.Checkout(head.ID)
}

// Changed signals that the store changed.
func (s *StoreStudio) Changed() <-chan struct{} { return s.changed }

// Close stops watching and closes the store.
func (s *StoreStudio) Close() error {
	s.cancel()
	return s.st.Close()
}

var _ HistoryStudio = (*StoreStudio)(nil)

// History lists every version of a design, newest first.
func (s *StoreStudio) History(design models.ID) ([]*models.Version, error) {
	if _, err := s.st.Design(design); err != nil {
		return nil, err
	}
	return s.st.History(design), nil
}

// Refs lists a design's branches and tags.
func (s *StoreStudio) Refs(design models.ID) []store.Ref { return s.st.Refs(design) }

// Checkout returns the design as it was at version.
func (s *StoreStudio) Checkout(version models.ID) (*models.Design, error) {
	return s.st.Checkout(version)
}

// Snapshot returns the content of version.
func (s *StoreStudio) Snapshot(version models.ID) (models.Snapshot, error) {
	return s.st.Snapshot(version)
}

// Diff lists what changed from version a to version b.
func (s *StoreStudio) Diff(a, b models.ID) ([]models.Change, error) { return s.st.Diff(a, b) }

// Restore commits on the design's current branch, as this machine's
// designer, a new version with the content of version.
func (s *StoreStudio) Restore(design, version models.ID) (*models.Version, error) {
	id, err := s.signer()
	if err != nil {
		return nil, err
	}
	return s.st.Restore(design, s.CurrentBranch(design), version, id)
}

// Branch creates a branch at version.
func (s *StoreStudio) Branch(design models.ID, name string, from models.ID) error {
	return s.st.Branch(design, name, from)
}

// Tag names version; existing tags never move.
func (s *StoreStudio) Tag(design models.ID, name string, version models.ID) error {
	return s.st.Tag(design, name, version)
}

// Conflicts lists the design's recorded merge conflicts.
func (s *StoreStudio) Conflicts(design models.ID) []store.ConflictRecord {
	return s.st.Conflicts(design)
}

// FlipConflict makes a conflict's loser win on the design's current
// branch, as this machine's designer.
func (s *StoreStudio) FlipConflict(key string) (*models.Version, error) {
	id, err := s.signer()
	if err != nil {
		return nil, err
	}
	return s.st.FlipConflict(key, s.CurrentBranch(conflictDesign(key)), id)
}
