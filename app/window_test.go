package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// Ctrl+Q (Cmd+Q on macOS) quits: Fyne's own Quit item has no shortcut
// outside macOS. The File menu ends with our Quit, translated.
func TestCtrlQQuits(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	quits := 0
	u.quit = func() { quits++ }
	sc := &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
	if quits != 1 {
		t.Fatalf("Ctrl+Q quit %d times, want 1", quits)
	}
	file := u.win.MainMenu().Items[0]
	last := file.Items[len(file.Items)-1]
	if !last.IsQuit || last.Label != "Quit" {
		t.Fatalf("the File menu ends with %q (quit %v), want Quit", last.Label, last.IsQuit)
	}
	u.SetLanguage(LangZH)
	file = u.win.MainMenu().Items[0]
	if last := file.Items[len(file.Items)-1]; last.Label != "退出" {
		t.Fatalf("Quit in 中文 is %q", last.Label)
	}
}
