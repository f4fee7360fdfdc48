package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
)

// DesignSearch finds designs by name (English or Chinese) or style number
// as the designer types, and opens the one picked.
type DesignSearch struct {
	u       *UI
	entry   *widget.Entry
	results *widget.List
	popup   *widget.PopUp
	keys    *searchKeys // the popup's content: passes the keys on to entry
	found   []DesignSummary
	// cur is the highlighted result, which Up and Down move and Enter
	// opens (-1: none).
	cur int
}

func newDesignSearch(u *UI) *DesignSearch {
	s := &DesignSearch{u: u, cur: -1}
	s.entry = widget.NewEntry()
	s.entry.OnChanged = s.onChanged
	s.entry.OnSubmitted = func(string) {
		if len(s.found) > 0 {
			s.open(max(s.cur, 0))
		}
	}
	s.results = widget.NewList(func() int { return len(s.found) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(s.found) {
				d := s.found[i]
				text := u.displayName(d.Name, d.NameZH) + "  " + d.StyleNo
				if d.Archived {
					text += "  · " + u.tr.L("library.archived")
				}
				l := o.(*widget.Label)
				l.TextStyle.Bold = i == s.cur // the highlighted result
				l.Importance = widget.MediumImportance
				if i == s.cur {
					l.Importance = widget.HighImportance
				}
				l.SetText(text)
			}
		})
	s.results.OnSelected = func(i widget.ListItemID) { s.open(i) }
	return s
}

// Find lists the designs whose name, Chinese name or style number contains
// q (case does not matter), archived ones too: the library hides them,
// the search does not.
func (s *DesignSearch) Find(q string) []DesignSummary {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	all := s.u.allDesigns
	if all == nil {
		all = s.u.designs
	}
	var out []DesignSummary
	for _, d := range all {
		if strings.Contains(strings.ToLower(d.Name), q) || strings.Contains(strings.ToLower(d.NameZH), q) ||
			strings.Contains(strings.ToLower(d.StyleNo), q) {
			out = append(out, d)
		}
	}
	return out
}

func (s *DesignSearch) onChanged(q string) {
	s.found = s.Find(q)
	s.cur = -1
	if len(s.found) > 0 {
		s.cur = 0 // Enter opens the first, as before Up and Down were used
	}
	s.results.UnselectAll()
	s.results.Refresh()
	if len(s.found) == 0 {
		if s.popup != nil {
			s.popup.Hide()
		}
		return
	}
	if s.popup == nil {
		s.keys = newSearchKeys(s)
		s.popup = widget.NewPopUp(s.keys, s.u.win.Canvas())
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.entry)
	s.popup.ShowAtPosition(pos.Add(fyne.NewPos(0, s.entry.Size().Height)))
	s.popup.Resize(fyne.NewSize(max(s.entry.Size().Width, 260), min(float32(len(s.found))*40+8, 320)))
	// A pop-up is an overlay with a focus manager of its own: while it is
	// shown the window sends the keys to what is focused in it, not to the
	// entry, so the letters typed after it opened were lost. What is
	// focused in it is searchKeys, which passes them on to the entry.
	s.u.win.Canvas().Focus(s.keys)
}

// searchKeys is the results pop-up's content: the list, and the focus in
// the pop-up, whose keys go on to the search entry (the designer goes on
// typing there), except Up and Down, which move the highlighted result,
// Enter, which opens it, and Escape, which closes the pop-up.
type searchKeys struct {
	widget.BaseWidget
	s *DesignSearch
}

var (
	_ fyne.Focusable    = (*searchKeys)(nil)
	_ fyne.Shortcutable = (*searchKeys)(nil)
	_ desktop.Keyable   = (*searchKeys)(nil)
)

func newSearchKeys(s *DesignSearch) *searchKeys {
	k := &searchKeys{s: s}
	k.ExtendBaseWidget(k)
	return k
}

func (k *searchKeys) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.s.results)
}

func (k *searchKeys) FocusGained() {}
func (k *searchKeys) FocusLost()   {}

func (k *searchKeys) TypedRune(r rune) { k.s.entry.TypedRune(r) }

func (k *searchKeys) TypedKey(e *fyne.KeyEvent) {
	s := k.s
	switch e.Name {
	case fyne.KeyEscape:
		s.popup.Hide() // the entry has the keys again
		return
	case fyne.KeyDown:
		s.highlight(s.cur + 1)
		return
	case fyne.KeyUp:
		s.highlight(s.cur - 1)
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.cur >= 0 && s.cur < len(s.found) {
			s.open(s.cur)
			return
		}
	}
	s.entry.TypedKey(e)
}

// highlight moves the highlighted result to i, kept within the results,
// and scrolls it into sight.
func (s *DesignSearch) highlight(i int) {
	if len(s.found) == 0 {
		return
	}
	s.cur = max(0, min(i, len(s.found)-1))
	s.results.ScrollTo(s.cur)
	s.results.Refresh()
}

// Highlighted is the index in the results that Enter opens (-1: none).
func (s *DesignSearch) Highlighted() int { return s.cur }

func (k *searchKeys) TypedShortcut(sc fyne.Shortcut) { k.s.entry.TypedShortcut(sc) }
func (k *searchKeys) KeyDown(e *fyne.KeyEvent)       { k.s.entry.KeyDown(e) }
func (k *searchKeys) KeyUp(e *fyne.KeyEvent)         { k.s.entry.KeyUp(e) }

func (s *DesignSearch) open(i int) {
	if i < 0 || i >= len(s.found) {
		return
	}
	found := s.found[i]
	if s.popup != nil {
		s.popup.Hide()
	}
	s.entry.SetText("")
	if found.Archived && !s.u.showArchived {
		s.u.ShowArchived(true) // so the library can list and open it
	}
	// Selecting the row that is selected opens nothing.
	s.u.list.UnselectAll()
	s.u.SelectDesign(found.ID)
}

// Open opens the design with this ID (tests).
func (s *DesignSearch) Open(id models.ID) { s.u.SelectDesign(id) }
