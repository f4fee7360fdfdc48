package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
)

// buildViewBar makes the bar shown over the editor while it shows an old
// version or a comparison: what is shown, the diff colours, and the way
// back.
func (u *UI) buildViewBar() {
	u.viewNote = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.viewNote.Wrapping = fyne.TextWrapWord // the whole note, never "4 cha…"
	u.backBtn = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), u.showCurrent)
	u.backBtn.Importance = widget.HighImportance
	swatch := func(c color.Color) fyne.CanvasObject {
		r := fynecanvas.NewRectangle(c)
		r.CornerRadius = 2
		r.SetMinSize(fyne.NewSize(12, 12))
		return container.NewCenter(r)
	}
	u.legend = container.NewHBox(
		container.NewHBox(swatch(colAdded), widget.NewLabel("")),
		container.NewHBox(swatch(colChanged), widget.NewLabel("")),
		container.NewHBox(swatch(colRemoved), widget.NewLabel("")),
	)
	bg := fynecanvas.NewRectangle(color.NRGBA{R: 0xe8, G: 0x9a, B: 0x00, A: 0x30})
	bg.CornerRadius = 4
	row := container.NewBorder(nil, nil, nil, container.NewHBox(u.legend, u.backBtn), u.viewNote)
	u.viewBar = container.NewStack(bg, container.NewPadded(row))
	u.viewBar.Hide()
}

// showVersion draws d in the editor instead of the head, read-only, with
// the diff colours when comparing.
func (u *UI) showVersion(d *models.Design, highlight map[models.ID]color.Color, note string) {
	u.viewing = true
	opt := u.editor.Options()
	opt.Highlight, opt.Selected, opt.Ghost = highlight, "", nil
	u.editor.SetOptions(opt)
	u.editor.ShowVersion(d)
	u.inspector.Show(d)
	u.viewNote.SetText(note)
	if highlight != nil {
		u.legend.Show()
	} else {
		u.legend.Hide()
	}
	u.viewBar.Show()
}

// showCurrent leaves an old version or a comparison: the editor shows the
// head again.
func (u *UI) showCurrent() {
	u.leaveView()
	u.editor.ShowVersion(nil)
	if u.current != nil {
		if d, err := u.studio.Design(u.current.ID); err == nil {
			u.current = d
		}
	}
	u.editor.SetDesign(u.current)
	if d := u.editor.Session().Design(); d != nil {
		u.current = d // with any edits not saved yet
	}
	u.inspector.Show(u.current)
	u.updateSizes()
	u.updateColourways()
}

// leaveView drops the view bar and the highlights.
func (u *UI) leaveView() {
	u.viewing = false
	opt := u.editor.Options()
	if opt.Highlight != nil || opt.Ghost != nil {
		opt.Highlight, opt.Ghost = nil, nil
		u.editor.SetOptions(opt)
	}
	u.viewBar.Hide()
	u.history.leaveView()
}

// Viewing reports whether the editor shows something other than the head.
func (u *UI) Viewing() bool { return u.viewing }

func (u *UI) onConflictCount(n int) {
	u.openConflicts = n
	u.updateConflictsTab()
}

func (u *UI) updateConflictsTab() {
	if u.conflictsTab == nil || u.tabs == nil {
		return
	}
	if u.openConflicts > 0 {
		u.conflictsTab.Text = u.tr.L("tab.conflicts_n", map[string]any{"Count": u.openConflicts})
	} else {
		u.conflictsTab.Text = u.tr.L("tab.conflicts")
	}
	u.tabs.Refresh()
}
