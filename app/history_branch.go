package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"cordwain/models"
	"cordwain/models/store"
)

// BranchStudio is a HistoryStudio that works on a chosen branch of each
// design: the window draws that branch's head, and its commits (autosave,
// Ctrl+S, Restore, Flip) go to it. It merges one branch into another.
type BranchStudio interface {
	// CurrentBranch is the branch the window works on (main by default).
	CurrentBranch(design models.ID) string
	// SwitchBranch makes name the current branch; an unknown branch is
	// refused and nothing changes.
	SwitchBranch(design models.ID, name string) error
	// Branches lists the design's branches, main first.
	Branches(design models.ID) []string
	// MergeBranch merges the head of branch from into branch into.
	MergeBranch(design models.ID, from, into string) (MergeResult, error)
	// DeleteBranch deletes branch name (not main, not the current
	// branch); its versions stay in the history. On error nothing changes.
	DeleteBranch(design models.ID, name string) error
}

// MergeKind says what a merge did.
type MergeKind int

// What a merge did.
const (
	MergeUpToDate    MergeKind = iota // into already held from's head
	MergeFastForward                  // into moved to from's head
	MergeNewVersion                   // a merge version was written
)

// MergeResult is the outcome of MergeBranch: the target's new head, what
// happened, and the conflicts the merge version recorded.
type MergeResult struct {
	Head      *models.Version
	Kind      MergeKind
	Conflicts []store.ConflictRecord
}

var _ BranchStudio = (*StoreStudio)(nil)

// CurrentBranch is the branch the window works on for design.
func (s *StoreStudio) CurrentBranch(design models.ID) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.branches[design]; b != "" {
		return b
	}
	return store.DefaultBranch
}

// SwitchBranch makes name the design's current branch.
func (s *StoreStudio) SwitchBranch(design models.ID, name string) error {
	if _, err := s.st.Head(design, name); err != nil {
		return fmt.Errorf("switching to branch %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.branches == nil {
		s.branches = map[models.ID]string{}
	}
	if name == store.DefaultBranch {
		delete(s.branches, design)
	} else {
		s.branches[design] = name
	}
	return nil
}

// DeleteBranch deletes the branch name of design: the name only, the
// versions stay. Main and the design's current branch are refused.
func (s *StoreStudio) DeleteBranch(design models.ID, name string) error {
	if name == s.CurrentBranch(design) {
		return fmt.Errorf("deleting branch %q: %w: it is the current branch", name, store.ErrInvalid)
	}
	return s.st.DeleteBranch(design, name)
}

// currentHead is the head of design's current branch. A current branch
// that no longer exists falls back to main.
func (s *StoreStudio) currentHead(design models.ID) (*models.Version, error) {
	b := s.CurrentBranch(design)
	head, err := s.st.Head(design, b)
	if err != nil && b != store.DefaultBranch && errors.Is(err, store.ErrNotFound) {
		s.mu.Lock()
		delete(s.branches, design)
		s.mu.Unlock()
		return s.st.Head(design, store.DefaultBranch)
	}
	return head, err
}

// Branches lists design's branches, main first, then by name.
func (s *StoreStudio) Branches(design models.ID) []string {
	var out []string
	for _, r := range s.st.Refs(design) {
		if r.Kind == store.RefBranch {
			out = append(out, r.Name)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == store.DefaultBranch:
			return -1
		case b == store.DefaultBranch:
			return 1
		}
		return strings.Compare(a, b)
	})
	return out
}

// MergeBranch merges from's head into into with the store's deterministic
// merge (store.MergeHeads): nothing when into already holds it, a
// fast-forward when into's head is an ancestor, else a merge version whose
// conflicts are returned. On error nothing is written.
func (s *StoreStudio) MergeBranch(design models.ID, from, into string) (MergeResult, error) {
	if from == into {
		return MergeResult{}, fmt.Errorf("merging %q into itself: %w", from, store.ErrInvalid)
	}
	src, err := s.st.Head(design, from)
	if err != nil {
		return MergeResult{}, fmt.Errorf("merging %q: %w", from, err)
	}
	before, err := s.st.Head(design, into)
	if err != nil {
		return MergeResult{}, fmt.Errorf("merging into %q: %w", into, err)
	}
	head, err := s.st.MergeHeads(design, into, src.ID)
	if err != nil {
		return MergeResult{}, err
	}
	res := MergeResult{Head: head}
	switch head.ID {
	case before.ID:
		res.Kind = MergeUpToDate
	case src.ID:
		res.Kind = MergeFastForward
	default:
		res.Kind = MergeNewVersion
		for _, c := range s.st.Conflicts(design) {
			if c.Merge == head.ID {
				res.Conflicts = append(res.Conflicts, c)
			}
		}
	}
	return res, nil
}

// conflictDesign is the design a conflict key belongs to ("" when the key
// is malformed).
func conflictDesign(key string) models.ID {
	d, _, ok := strings.Cut(key, "\x00")
	if !ok {
		return ""
	}
	return models.ID(d)
}
