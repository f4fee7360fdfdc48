package app

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cordwain/canvas/samples"
	"cordwain/models"
)

// fakeStudio serves the built-in samples from memory.
type fakeStudio struct {
	designs map[models.ID]*models.Design
	order   []models.ID
	failOn  models.ID
}

func newFakeStudio() *fakeStudio {
	f := &fakeStudio{designs: map[models.ID]*models.Design{}}
	for _, d := range samples.All() {
		f.designs[d.ID] = d
		f.order = append(f.order, d.ID)
	}
	return f
}

func (f *fakeStudio) Designs() ([]DesignSummary, error) {
	var out []DesignSummary
	for _, id := range f.order {
		d := f.designs[id]
		out = append(out, DesignSummary{ID: d.ID, Name: d.Meta.Name, NameZH: d.Meta.NameZH, StyleNo: d.Meta.StyleNo, Season: d.Meta.Season})
	}
	return out, nil
}

func (f *fakeStudio) Design(id models.ID) (*models.Design, error) {
	if id == f.failOn {
		return nil, errors.New("version abc: signature does not verify")
	}
	d, ok := f.designs[id]
	if !ok {
		return nil, errors.New("no such design")
	}
	return d, nil
}

func (f *fakeStudio) Changed() <-chan struct{} { return nil }

func newTestUI(t *testing.T, studio Studio, startErr error) (*UI, func()) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	w.Resize(DefaultWindowSize)
	u, err := New(a, w, studio, startErr)
	if err != nil {
		t.Fatal(err)
	}
	return u, func() { w.Close() }
}

func encode(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inked counts pixels that are not near-white: how much was drawn.
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bb < 0xe000 {
				n++
			}
		}
	}
	return n
}

func TestSelectingADesignChangesTitleAndDrawing(t *testing.T) {
	studio := newFakeStudio()
	u, done := newTestUI(t, studio, nil)
	defer done()
	if len(studio.order) < 3 {
		t.Fatalf("want the three samples, have %d", len(studio.order))
	}
	first := studio.designs[studio.order[0]]
	if u.Current() == nil || u.Current().ID != first.ID {
		t.Fatalf("the first design should open on start, have %v", u.Current())
	}
	if !strings.Contains(u.win.Title(), first.Meta.Name) {
		t.Fatalf("title %q lacks %q", u.win.Title(), first.Meta.Name)
	}
	img1 := u.Editor().Render(800, 500)
	if inked(img1) < 2000 {
		t.Fatalf("the drawing of %s is nearly empty (%d inked pixels)", first.Meta.Name, inked(img1))
	}

	second := studio.designs[studio.order[1]]
	u.SelectDesign(second.ID)
	if u.Current().ID != second.ID {
		t.Fatalf("selecting %s opened %s", second.ID, u.Current().ID)
	}
	if !strings.Contains(u.win.Title(), second.Meta.Name) || strings.Contains(u.win.Title(), first.Meta.Name) {
		t.Fatalf("title %q should name %q only", u.win.Title(), second.Meta.Name)
	}
	img2 := u.Editor().Render(800, 500)
	if bytes.Equal(encode(t, img1), encode(t, img2)) {
		t.Fatal("the drawing did not change with the design")
	}
	rows := u.inspector.Rows()
	found := false
	for _, r := range rows {
		if r[1] == second.Meta.StyleNo {
			found = true
		}
	}
	if !found {
		t.Fatalf("inspector does not show style no. %q: %v", second.Meta.StyleNo, rows)
	}
}

func TestSwitchingLanguageChangesLabelsAndIsRemembered(t *testing.T) {
	studio := newFakeStudio()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	u, err := New(a, w, studio, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.LibraryTitle(); got != "Designs" {
		t.Fatalf("English library title = %q", got)
	}
	u.SetLanguage(LangZH)
	if got := u.LibraryTitle(); got != "款式" {
		t.Fatalf("Chinese library title = %q", got)
	}
	if menu := w.MainMenu(); menu == nil || menu.Items[1].Label != "编辑" || menu.Items[2].Label != "视图" { // File, Edit, View…
		t.Fatalf("menu not translated: %+v", menu)
	}
	if got := u.viewSelect.Selected; got != "外侧" {
		t.Fatalf("view selector shows %q, want 外侧", got)
	}
	if d := u.Current(); d.Meta.NameZH != "" && !strings.Contains(w.Title(), d.Meta.NameZH) {
		t.Fatalf("title %q should use the Chinese name %q", w.Title(), d.Meta.NameZH)
	}
	// A new window on the same preferences starts in Chinese (the settings
	// are written once idle, or when the app stops).
	u.flushSettings()
	w2 := a.NewWindow("Cordwain")
	u2, err := New(a, w2, studio, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := u2.LibraryTitle(); got != "款式" {
		t.Fatalf("language not remembered: %q", got)
	}
}

func TestViewSwitchRedraws(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	lateral := encode(t, u.Editor().Render(640, 400))
	u.setView(viewByName("bottom"))
	bottom := encode(t, u.Editor().Render(640, 400))
	if bytes.Equal(lateral, bottom) {
		t.Fatal("bottom view drew the same as lateral")
	}
	u.flushSettings() // written once idle
	if u.settings.View != "bottom" || LoadSettings(u.app.Preferences()).View != "bottom" {
		t.Fatalf("view not remembered: %q", u.settings.View)
	}
}

func TestBadDataDirShowsErrorInWindow(t *testing.T) {
	u, done := newTestUI(t, nil, errors.New(`opening studio "/nope": permission denied`))
	defer done()
	if b := u.Banner(); !strings.Contains(b, "permission denied") || !strings.Contains(b, "data directory") {
		t.Fatalf("banner = %q", b)
	}
	if u.Current() != nil {
		t.Fatal("a design opened without a studio")
	}
}

func TestUnreadableDesignIsReportedAndKeepsTheWindow(t *testing.T) {
	studio := newFakeStudio()
	studio.failOn = studio.order[2]
	u, done := newTestUI(t, studio, nil)
	defer done()
	before := u.Current()
	u.SelectDesign(studio.order[2])
	if !strings.Contains(u.Banner(), "signature") {
		t.Fatalf("banner = %q", u.Banner())
	}
	if u.Current() != before {
		t.Fatal("the open design changed although loading failed")
	}
}

func TestTranslationsHaveTheSameKeys(t *testing.T) {
	tr, err := NewTranslator(LangEN)
	if err != nil {
		t.Fatal(err)
	}
	en, zh := tr.Keys(LangEN), tr.Keys(LangZH)
	if strings.Join(en, ",") != strings.Join(zh, ",") {
		t.Fatalf("en and zh tables differ:\nen %v\nzh %v", en, zh)
	}
	if err := RegisterWithFyne(); err != nil {
		t.Fatalf("fyne rejects the tables: %v", err)
	}
}
