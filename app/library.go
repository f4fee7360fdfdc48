package app

import (
	"errors"

	"fyne.io/fyne/v2/widget"

	"cordwain/models"
	"cordwain/models/store"
)

// DesignSummary is one row of the library.
type DesignSummary struct {
	ID       models.ID
	Name     string
	NameZH   string
	StyleNo  string
	Season   string
	Archived bool // hidden from the library unless archived designs are shown
}

// visibleDesigns is the library as listed: archived designs only when
// they are shown. all is not modified.
func visibleDesigns(all []DesignSummary, showArchived bool) []DesignSummary {
	if showArchived {
		return all
	}
	out := make([]DesignSummary, 0, len(all))
	for _, d := range all {
		if !d.Archived {
			out = append(out, d)
		}
	}
	return out
}

// ArchiveDesign is the command that archives d (archived true) or brings
// it back: a change of its header like any other, saved as a version and
// synced, never a deletion.
func ArchiveDesign(d *models.Design, archived bool) models.Command {
	m := d.Meta
	m.Archived = archived
	name := "Archive design"
	if !archived {
		name = "Unarchive design"
	}
	return models.SetElem(name, d, m)
}

// SetArchived archives (or unarchives) the open design and saves it as a
// version at once, so the library of every machine in the studio follows.
// The design stays open; the library hides it unless archived designs are
// shown.
func (u *UI) SetArchived(archived bool) error {
	s := u.editor.session
	d := s.Design()
	if d == nil {
		return errors.New("archive: no design open")
	}
	if d.Meta.Archived == archived {
		return nil
	}
	c := ArchiveDesign(d, archived)
	if err := u.editor.Do(c); err != nil {
		return err
	}
	if _, err := s.Save(c.Name); err != nil {
		return err
	}
	if u.studio != nil {
		u.reload()
		u.highlightCurrent()
	}
	u.win.SetMainMenu(u.mainMenu())
	return nil
}

// archive is the Edit menu's Archive / Unarchive design: SetArchived,
// a failure said on the status line.
func (u *UI) archive(on bool) {
	if err := u.SetArchived(on); err != nil {
		u.status.SetText(err.Error())
	}
}

// ShowArchived shows or hides archived designs in the library.
func (u *UI) ShowArchived(on bool) {
	u.showArchived = on
	if u.archivedCheck != nil && u.archivedCheck.Checked != on {
		u.archivedCheck.SetChecked(on) // calls back here once more, harmlessly
		return
	}
	if u.studio != nil {
		u.reload()
		u.highlightCurrent()
	}
}

// highlightCurrent selects the open design's row (none when it is not
// listed) without opening it again: after the list changed under it, the
// old row number may point at another design.
func (u *UI) highlightCurrent() {
	on := u.list.OnSelected
	u.list.OnSelected = nil
	defer func() { u.list.OnSelected = on }()
	u.list.UnselectAll()
	if u.current == nil {
		return
	}
	for i, d := range u.designs {
		if d.ID == u.current.ID {
			u.list.Select(i)
			return
		}
	}
}

// newArchivedCheck is the library's "Show archived" toggle.
func (u *UI) newArchivedCheck() *widget.Check {
	u.archivedCheck = widget.NewCheck("", u.ShowArchived)
	return u.archivedCheck
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
