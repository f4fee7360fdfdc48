package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// The desktop driver delivers Ctrl+Z, Ctrl+Y, Ctrl+C and Ctrl+V (Cmd on
// macOS) as Fyne's standard shortcuts, not as custom ones: the window
// answers them (undo, redo, copy, paste) whatever has the focus.
func TestStandardShortcutsEdit(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	sc := u.win.Canvas().(fyne.Shortcutable)
	d := u.editor.Session().Design()
	if d == nil {
		t.Fatal("no design open")
	}
	name := d.Meta.Name
	if err := u.editor.Do(canvas.Rename(d, "Renamed by a test", "")); err != nil {
		t.Fatal(err)
	}
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	if got := u.editor.Session().Design().Meta.Name; got != name {
		t.Fatalf("after Ctrl+Z the design is named %q, want %q", got, name)
	}
	sc.TypedShortcut(&fyne.ShortcutRedo{})
	if got := u.editor.Session().Design().Meta.Name; got != "Renamed by a test" {
		t.Fatalf("after Ctrl+Y the design is named %q", got)
	}
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	// Ctrl+Shift+Z, a custom shortcut, redoes too.
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if got := u.editor.Session().Design().Meta.Name; got != "Renamed by a test" {
		t.Fatalf("after Ctrl+Shift+Z the design is named %q", got)
	}

	// Copy and paste a piece: one more piece.
	pc := u.editor.Session().Design().Pieces[0]
	u.editor.Select(Selection{Elems: []models.ID{pc.ID}})
	n := len(u.editor.Session().Design().Pieces)
	sc.TypedShortcut(&fyne.ShortcutCopy{})
	sc.TypedShortcut(&fyne.ShortcutPaste{})
	if got := len(u.editor.Session().Design().Pieces); got != n+1 {
		t.Fatalf("after Ctrl+C, Ctrl+V: %d pieces, want %d", got, n+1)
	}
}

// A tool picked by its key is lit in the toolbar as if clicked.
func TestToolKeyLightsTheToolbar(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	u.editor.TypedRune('l')
	if u.editor.Tool().Name() != ToolLine {
		t.Fatalf("tool %q after L", u.editor.Tool().Name())
	}
	for name, b := range u.edit.toolBtns {
		want := widget.MediumImportance
		if name == ToolLine {
			want = widget.HighImportance
		}
		if b.Importance != want {
			t.Errorf("button %s: importance %v, want %v", name, b.Importance, want)
		}
	}
}
