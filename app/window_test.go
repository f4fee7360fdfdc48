package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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

// The window opens at 80 % of a large screen, never under DefaultWindowSize
// and never over the screen.
func TestWindowSizeFollowsTheScreen(t *testing.T) {
	for _, c := range []struct{ screen, want fyne.Size }{
		{fyne.NewSize(1920, 1080), fyne.NewSize(1536, 864)},
		{fyne.NewSize(2560, 1440), fyne.NewSize(2048, 1152)},
		{fyne.NewSize(1366, 768), fyne.NewSize(1280, 760)},
		{fyne.NewSize(1024, 600), fyne.NewSize(1024, 600)},
		{fyne.Size{}, DefaultWindowSize},
	} {
		if got := WindowSize(c.screen); got != c.want {
			t.Errorf("screen %v: window %v, want %v", c.screen, got, c.want)
		}
	}
}

// A burst of view, grid and language changes is written once, after the
// settings have been idle: not on every change, while Fyne reads the file.
func TestSettingsBurstIsOneWrite(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	var later []func()
	u.prefs.schedule = func(_ time.Duration, f func()) func() {
		later = append(later, f)
		return func() {}
	}
	writes := 0
	u.app.Preferences().AddChangeListener(func() { writes++ })
	for i := 0; i < 10; i++ {
		u.setView(viewByName("top"))
		u.setView(viewByName("bottom"))
		u.toggleGrid()
		u.SetLanguage(LangZH)
		u.SetLanguage(LangEN)
	}
	u.SetLanguage(LangZH)
	if writes != 0 {
		t.Fatalf("%d preference writes during the burst, want none until idle", writes)
	}
	if len(later) == 0 {
		t.Fatal("no write scheduled")
	}
	later[len(later)-1]()
	if writes != 1 {
		t.Fatalf("%d preference writes after the burst, want 1", writes)
	}
	got := LoadSettings(u.app.Preferences())
	if got != u.settings {
		t.Fatalf("written %+v, want %+v", got, u.settings)
	}
	u.flushSettings() // nothing new: no write
	if writes != 1 {
		t.Fatalf("%d writes after an empty flush", writes)
	}
}

// The language dialog's buttons follow the language (they were "OK" and
// "Cancel" in 中文).
func TestLanguageDialogButtonsTranslated(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	u.SetLanguage(LangZH)
	u.showLanguageDialog()
	texts := map[string]bool{}
	for _, o := range objects(u.win) {
		if b, ok := o.(*widget.Button); ok {
			texts[b.Text] = true
		}
	}
	if !texts["确定"] || !texts["取消"] || texts["OK"] || texts["Cancel"] {
		t.Fatalf("language dialog buttons in 中文: %v", texts)
	}
}

// A version's hash in the history list is drawn in the theme's foreground
// colour, readable on dark, not in the disabled grey.
func TestVersionHashUsesForegroundColour(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	row := u.history.rowCreate()
	for _, o := range test.LaidOutObjects(row) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace {
			if l.Importance != widget.MediumImportance {
				t.Fatalf("the hash is drawn with importance %v, want the foreground (medium)", l.Importance)
			}
			return
		}
	}
	t.Fatal("no hash label in a history row")
}

// The compare bar's note wraps instead of being cut to "4 cha…".
func TestCompareNoteIsNotCut(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	if u.viewNote.Truncation != fyne.TextTruncateOff || u.viewNote.Wrapping != fyne.TextWrapWord {
		t.Fatalf("compare note truncation %v, wrapping %v: want it wrapped, not cut", u.viewNote.Truncation, u.viewNote.Wrapping)
	}
}
