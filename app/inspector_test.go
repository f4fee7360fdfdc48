package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The fault: after switching designs the Inspector's Name row still showed
// the first design's name. What the window draws must follow the design.
func TestInspectorFollowsTheOpenDesign(t *testing.T) {
	studio := newFakeStudio()
	u, done := newTestUI(t, studio, nil)
	defer done()
	u.tabs.Select(u.inspectorTab)
	for _, id := range studio.order {
		u.SelectDesign(id)
		u.win.Canvas().Capture() // draw it, as the window would between clicks
		want := studio.designs[id].Meta.Name
		found := false
		for _, o := range test.LaidOutObjects(u.inspector.Object()) {
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text == want {
				found = true
			}
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != want && isOtherName(studio, l.Text, want) {
				t.Errorf("after opening %q the inspector still shows %q", want, l.Text)
			}
		}
		if !found {
			t.Errorf("after opening %q the inspector does not show its name", want)
		}
	}
}

func isOtherName(f *fakeStudio, text, current string) bool {
	for _, d := range f.designs {
		if d.Meta.Name == text && text != current {
			return true
		}
	}
	return false
}

// In 中文 the inspector shows the trade words (gender, construction,
// category) in Chinese, not the stored English words.
func TestInspectorTermsInChinese(t *testing.T) {
	studio := newFakeStudio()
	u, done := newTestUI(t, studio, nil)
	defer done()
	u.SetLanguage(LangZH)
	for _, id := range studio.order {
		u.SelectDesign(id)
		d := studio.designs[id]
		rows := map[string]string{}
		for _, r := range u.inspector.Rows() {
			rows[r[0]] = r[1]
		}
		for _, stored := range []string{string(d.Meta.Gender), string(d.Meta.Construction), d.Meta.Category} {
			for label, v := range rows {
				if v == stored {
					t.Errorf("%s: row %s shows the stored word %q", d.Meta.Name, label, stored)
				}
			}
		}
	}
}
