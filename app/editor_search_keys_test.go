package app

import (
	"testing"

	"fyne.io/fyne/v2"
)

// In the search's results pop-up Down and Up move the highlighted result
// (staying within the results), Enter opens the highlighted one, Escape
// closes the pop-up, and typing still goes on into the entry.
func TestDesignSearchArrowKeys(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	s := u.edit.search
	w.Canvas().Focus(s.entry)

	typeOnWindow(w, "r")
	if s.popup == nil || !s.popup.Visible() || len(s.found) < 2 {
		t.Fatalf("after %q: %d found", s.entry.Text, len(s.found))
	}
	if s.Highlighted() != 0 {
		t.Fatalf("highlighted %d when the pop-up opened, want the first", s.Highlighted())
	}
	keyOnWindow(w, fyne.KeyDown)
	if s.Highlighted() != 1 {
		t.Fatalf("Down: highlighted %d, want 1", s.Highlighted())
	}
	for range s.found {
		keyOnWindow(w, fyne.KeyDown)
	}
	if s.Highlighted() != len(s.found)-1 {
		t.Fatalf("Down past the end: highlighted %d of %d", s.Highlighted(), len(s.found))
	}
	keyOnWindow(w, fyne.KeyUp)
	if s.Highlighted() != len(s.found)-2 {
		t.Fatalf("Up: highlighted %d, want %d", s.Highlighted(), len(s.found)-2)
	}
	if s.entry.Text != "r" || !s.popup.Visible() {
		t.Fatalf("the arrows changed the entry to %q or closed the pop-up", s.entry.Text)
	}

	// Escape closes the pop-up; typing goes on and opens it again.
	keyOnWindow(w, fyne.KeyEscape)
	if s.popup.Visible() || w.Canvas().Focused() != s.entry {
		t.Fatalf("after Escape: pop-up shown %v, focused %T", s.popup.Visible(), w.Canvas().Focused())
	}
	typeOnWindow(w, "u")
	if s.entry.Text != "ru" || !s.popup.Visible() {
		t.Fatalf("typing after Escape: entry %q, pop-up shown %v", s.entry.Text, s.popup.Visible())
	}
	keyOnWindow(w, fyne.KeyBackspace)
	if s.entry.Text != "r" || len(s.found) < 2 || s.Highlighted() != 0 {
		t.Fatalf("Backspace: entry %q, %d found, highlighted %d", s.entry.Text, len(s.found), s.Highlighted())
	}
	keyOnWindow(w, fyne.KeyDown)
	want := s.found[1]
	if want.ID == u.Current().ID {
		t.Fatalf("fixture: the second result %s is open already", want.Name)
	}
	keyOnWindow(w, fyne.KeyReturn)
	if d := u.Current(); d == nil || d.ID != want.ID {
		t.Fatalf("Enter opened %v, want the highlighted %s", d, want.Name)
	}
	if s.popup.Visible() || s.entry.Text != "" {
		t.Fatalf("after opening: pop-up shown %v, entry %q", s.popup.Visible(), s.entry.Text)
	}
}
