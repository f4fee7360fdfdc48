package app

import "fyne.io/fyne/v2/dialog"

// showExportDialog exports the open design's tech pack.
//
// Not built yet: the Export dialog (preview, formats, sizes, language,
// progress) is being written; until then it says so.
func (u *UI) showExportDialog() {
	dialog.ShowInformation(u.tr.L("menu.export"), "Use `cordwain export` for now.", u.win)
}
