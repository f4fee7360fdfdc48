package app

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// The fault: the window named the pump's base size (foot 235 mm, last 247
// mm) "EU 38" from a generic toe allowance while its tech pack, from the
// design's own last, said EU 37 (247 / 6.667 = 37.05), and half sizes
// showed as a broken "½" glyph. The size picker and the inspector now name
// every size of the run as the tech pack's grading table does.
func TestSizeLabelsMatchTheTechPack(t *testing.T) {
	studio := newFakeStudio()
	u, done := newTestUI(t, studio, nil)
	defer done()
	u.tabs.Select(u.inspectorTab)
	checked := 0
	for _, id := range studio.order {
		d := studio.designs[id]
		u.SelectDesign(id)
		u.win.Canvas().Capture()
		sys := d.Meta.SizeSystem
		if sys == "" || sys == models.SizeCN {
			continue
		}
		var want []string
		for _, mm := range d.Meta.SizeRun {
			s, err := canvas.SizeFromLast(sys, canvas.DesignLastLength(d, mm))
			if err != nil {
				t.Fatal(err)
			}
			label := strings.TrimSuffix(canvas.FormatSize(sys, s), "½")
			if s != float64(int(s)) {
				label = strings.Fields(label)[0] + " " + strconv.FormatFloat(s, 'f', 1, 64)
			}
			if mm == d.Meta.BaseSize {
				label += " ★"
			}
			want = append(want, label)
		}
		got := u.sizeSelect.Options
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: size picker %q, the tech pack's sizes %q", d.Meta.StyleNo, got, want)
		}
		for _, o := range test.LaidOutObjects(u.inspector.Object()) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "½") {
				t.Errorf("%s: the inspector shows %q", d.Meta.StyleNo, l.Text)
			}
		}
		if d.Meta.StyleNo == "CW-P-2602" && !containsLabel(u, "EU 37 (235 mm)") {
			t.Errorf("the pump's base size is not shown as EU 37 (235 mm)")
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no sample sized in a system other than CN")
	}
}

func containsLabel(u *UI, text string) bool {
	for _, o := range test.LaidOutObjects(u.inspector.Object()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text == text {
			return true
		}
	}
	return false
}
