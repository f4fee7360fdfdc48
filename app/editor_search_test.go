package app

import (
	"testing"

	"fyne.io/fyne/v2"
)

// typeOnWindow types chars one by one as the desktop driver delivers them:
// each rune to what the window has focused (in the top pop-up when one is
// shown), else to the canvas's own handler.
func typeOnWindow(w fyne.Window, chars string) {
	c := w.Canvas()
	for _, r := range chars {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else if h := c.OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// keyOnWindow presses a key as the desktop driver delivers it.
func keyOnWindow(w fyne.Window, name fyne.KeyName) {
	c := w.Canvas()
	e := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(e)
	} else if h := c.OnTypedKey(); h != nil {
		h(e)
	}
}

// Typing into the search goes on into the entry after the results pop-up
// opened (the pop-up took the keys: "runner" came out as "r"), Escape
// closes the pop-up and leaves the keys with the entry, and Enter opens
// what was found.
func TestDesignSearchTypingThroughPopup(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	s := u.edit.search
	var runner DesignSummary
	for _, d := range u.allDesigns {
		if d.Name == "Oujiang Runner" {
			runner = d
		}
	}
	if runner.ID == "" || runner.ID == u.Current().ID {
		t.Fatalf("fixture: runner %q, open %q", runner.ID, u.Current().ID)
	}
	w.Canvas().Focus(s.entry)

	typeOnWindow(w, "r")
	if s.popup == nil || !s.popup.Visible() || len(s.found) < 2 {
		t.Fatalf("after %q: pop-up shown %v, %d found", s.entry.Text, s.popup != nil && s.popup.Visible(), len(s.found))
	}
	typeOnWindow(w, "unner")
	if s.entry.Text != "runner" {
		t.Fatalf("typed %q, the entry holds %q", "runner", s.entry.Text)
	}
	if len(s.found) != 1 || s.found[0].ID != runner.ID || !s.popup.Visible() {
		t.Fatalf("found %+v, pop-up shown %v", s.found, s.popup.Visible())
	}

	// Escape closes the pop-up; typing goes on in the entry.
	keyOnWindow(w, fyne.KeyEscape)
	if s.popup.Visible() || w.Canvas().Focused() != s.entry {
		t.Fatalf("after Escape: pop-up shown %v, focused %T", s.popup.Visible(), w.Canvas().Focused())
	}
	keyOnWindow(w, fyne.KeyBackspace)
	typeOnWindow(w, "r")
	if s.entry.Text != "runner" || !s.popup.Visible() {
		t.Fatalf("after Escape and typing: entry %q, pop-up shown %v", s.entry.Text, s.popup.Visible())
	}

	keyOnWindow(w, fyne.KeyReturn)
	if d := u.Current(); d == nil || d.ID != runner.ID {
		t.Fatalf("Enter opened %v", d)
	}
	if s.popup.Visible() || s.entry.Text != "" || w.Canvas().Focused() != s.entry {
		t.Fatalf("after opening: pop-up shown %v, entry %q", s.popup.Visible(), s.entry.Text)
	}
}
