package app

import (
	"cordwain/models"
	"cordwain/models/store"
)

// DesignSummary is one row of the library.
type DesignSummary struct {
	ID      models.ID
	Name    string
	NameZH  string
	StyleNo string
	Season  string
}

// Studio is what the window needs from the studio's store. The store
// implements it in production; tests use a fake.
type Studio interface {
	// Designs lists the designs, sorted for display.
	Designs() ([]DesignSummary, error)
	// Design loads the current head of a design's main branch.
	Design(id models.ID) (*models.Design, error)
	// Changed is closed (or sent to) when the list of designs or a head
	// changes; the window then reloads. Nil means never.
	Changed() <-chan struct{}
}

// HistoryStudio is what the History and Conflicts tabs need: a design's
// version graph, its branches and tags, old contents and differences, and
// the operations that write (restore, branch, tag, flip). A Studio that
// does not implement it gets a window without history.
type HistoryStudio interface {
	// History lists every version of a design (all branches), newest first.
	History(design models.ID) ([]*models.Version, error)
	// Refs lists the design's branches and tags.
	Refs(design models.ID) []store.Ref
	// Checkout returns the design as it was at a version.
	Checkout(version models.ID) (*models.Design, error)
	// Snapshot returns the elements of a version.
	Snapshot(version models.ID) (models.Snapshot, error)
	// Diff lists what changed from version a to version b.
	Diff(a, b models.ID) ([]models.Change, error)
	// Restore commits on main a new version whose content equals version.
	Restore(design, version models.ID) (*models.Version, error)
	// Branch creates a branch named name at version from.
	Branch(design models.ID, name string, from models.ID) error
	// Tag names a version; an existing tag is never moved (store.ErrExists).
	Tag(design models.ID, name string, version models.ID) error
	// Conflicts lists the design's recorded merge conflicts.
	Conflicts(design models.ID) []store.ConflictRecord
	// FlipConflict makes the loser of a conflict win on main.
	FlipConflict(key string) (*models.Version, error)
}
