package app

import (
	"strings"

	"fyne.io/fyne/v2"
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
	found   []DesignSummary
}

func newDesignSearch(u *UI) *DesignSearch {
	s := &DesignSearch{u: u}
	s.entry = widget.NewEntry()
	s.entry.OnChanged = s.onChanged
	s.entry.OnSubmitted = func(string) {
		if len(s.found) > 0 {
			s.open(0)
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
				o.(*widget.Label).SetText(text)
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
	s.results.UnselectAll()
	s.results.Refresh()
	if len(s.found) == 0 {
		if s.popup != nil {
			s.popup.Hide()
		}
		return
	}
	if s.popup == nil {
		s.popup = widget.NewPopUp(s.results, s.u.win.Canvas())
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.entry)
	s.popup.ShowAtPosition(pos.Add(fyne.NewPos(0, s.entry.Size().Height)))
	s.popup.Resize(fyne.NewSize(max(s.entry.Size().Width, 260), min(float32(len(s.found))*40+8, 320)))
}

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
