package app

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	fcanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/packaging"
)

// ExportFormat is what File > Export tech pack… writes: the formats of
// the one export path the command line uses too ([packaging.Export]).
type ExportFormat = packaging.Format

// Export formats.
const (
	ExportPDF = packaging.FormatPDF // the whole tech pack
	ExportPNG = packaging.FormatPNG // one PNG per page, NAME-01.png …
	ExportDXF = packaging.FormatDXF // cut files, every piece at every size
	ExportCSV = packaging.FormatCSV // bill of materials
	ExportZip = packaging.FormatZip // the workshop package: all of it and a manifest
	// ExportSampleRequest is the one-page sample request sheet (PDF).
	ExportSampleRequest = packaging.FormatRequest
)

// exportFormats in the dialog's order, with their translation keys.
var exportFormats = []struct {
	f   ExportFormat
	key string
}{
	{ExportPDF, "export.format.pdf"}, {ExportPNG, "export.format.png"}, {ExportDXF, "export.format.dxf"},
	{ExportCSV, "export.format.csv"}, {ExportZip, "export.format.zip"},
	{ExportSampleRequest, "export.format.request"},
}

// exportLangs in the dialog's order.
var exportLangs = []struct {
	l   packaging.Lang
	key string
}{{packaging.LangZH, "export.lang.zh"}, {packaging.LangEN, "export.lang.en"}, {packaging.LangBoth, "export.lang.both"}}

// ExportRequest is one export: the design, the format, the tech pack
// options and where to write.
type ExportRequest = packaging.ExportRequest

// RunExport writes req through [packaging.Export], the path `cordwain
// export` takes, and returns the files written. progress (may be nil) is
// called with 0…1 from the calling goroutine. On any error nothing is
// written; the design is never changed.
func RunExport(req ExportRequest, progress func(float64)) ([]string, error) {
	if req.Design == nil {
		return nil, errors.New("export: no design is open")
	}
	return packaging.Export(req, progress)
}

// exportDialog is File > Export tech pack…: a preview of the cover, the
// format, language, sizes and colourway, where to save, and a progress bar
// while the export runs in the background. Widgets are touched only on
// Fyne's goroutine (fyne.Do from the export goroutine).
type exportDialog struct {
	win       fyne.Window
	tr        *Translator
	design    *models.Design // a copy: exporting never changes the open design
	versionID string
	history   []packaging.HistoryEntry

	preview   *fcanvas.Image
	format    *widget.Select
	lang      *widget.RadioGroup
	sizes     *widget.CheckGroup
	colourway *widget.Select
	unfold    *widget.Check
	path      *widget.Entry
	browse    *widget.Button
	progress  *widget.ProgressBar
	message   *widget.Label
	exportBtn *widget.Button
	dlg       dialog.Dialog

	sizeByLabel map[string]float64
	cwByName    map[string]models.ID
	running     bool
	// afterExport, when set, is called (on Fyne's goroutine) when an export
	// finishes; tests wait on it.
	afterExport func(files []string, err error)
}

// showExportDialog opens the Export dialog for the open design.
func (u *UI) showExportDialog() {
	if u.current == nil {
		dialog.ShowInformation(u.tr.L("menu.export"), u.tr.L("export.no_design"), u.win)
		return
	}
	e := newExportDialog(u.win, u.tr, u.current, u.editor.Options().Colourway)
	e.versionID, e.history = u.exportHistory(u.current.ID)
	e.show()
}

// exportHistory is the version ID and revision history of a design's
// head, found as `cordwain export` finds them ([packaging.ExportVersion]:
// the head of main, or the newest version when there is no main).
func (u *UI) exportHistory(id models.ID) (string, []packaging.HistoryEntry) {
	ss, ok := u.studio.(*StoreStudio)
	if !ok {
		return "", nil
	}
	_, v, hist, err := packaging.ExportVersion(ss.Store(), id, "")
	if err != nil {
		return "", nil
	}
	return string(v.ID), hist
}

func newExportDialog(win fyne.Window, tr *Translator, d *models.Design, cw models.ID) *exportDialog {
	e := &exportDialog{win: win, tr: tr, design: canvas.CloneDesign(d),
		sizeByLabel: map[string]float64{}, cwByName: map[string]models.ID{}}
	e.preview = fcanvas.NewImageFromImage(nil)
	e.preview.FillMode = fcanvas.ImageFillContain
	e.preview.SetMinSize(fyne.NewSize(210, 297))

	var formats []string
	for _, f := range exportFormats {
		formats = append(formats, tr.L(f.key))
	}
	e.format = widget.NewSelect(formats, e.onFormatChanged)
	var langs []string
	for _, l := range exportLangs {
		langs = append(langs, tr.L(l.key))
	}
	e.lang = widget.NewRadioGroup(langs, e.onLanguageChanged)
	e.lang.Horizontal = true
	e.lang.Required = true

	var sizeLabels []string
	for _, s := range d.Meta.SizeRun {
		l := canvas.FormatDesignSize(d, s)
		if d.Meta.SizeSystem != "" && d.Meta.SizeSystem != models.SizeCN {
			l += fmt.Sprintf(" (%g)", s)
		}
		e.sizeByLabel[l] = s
		sizeLabels = append(sizeLabels, l)
	}
	e.sizes = widget.NewCheckGroup(sizeLabels, nil)
	e.sizes.Horizontal = true
	e.sizes.SetSelected(sizeLabels)

	var cwNames []string
	selectedCW := ""
	for _, c := range d.Colourways {
		name := c.Name
		if tr.Language() == LangZH && c.NameZH != "" {
			name = c.NameZH
		}
		if _, dup := e.cwByName[name]; dup {
			name += " (" + string(c.ID) + ")"
		}
		e.cwByName[name] = c.ID
		cwNames = append(cwNames, name)
		if c.ID == cw || selectedCW == "" {
			selectedCW = name
		}
	}
	e.colourway = widget.NewSelect(cwNames, e.onColourwayChanged)
	// Half patterns come on the fold by default; cutting machines want
	// them whole.
	e.unfold = widget.NewCheck(tr.L("export.unfold"), nil)

	e.path = widget.NewEntry()
	e.path.SetPlaceHolder(tr.L("export.path_hint"))
	e.browse = widget.NewButton(tr.L("export.browse"), e.onBrowse)
	e.progress = widget.NewProgressBar()
	e.progress.Hide()
	e.message = widget.NewLabel("")
	e.message.Wrapping = fyne.TextWrapWord
	e.message.Hide()
	e.exportBtn = widget.NewButton(tr.L("export.run"), e.onExport)
	e.exportBtn.Importance = widget.HighImportance

	// Defaults: set after every widget exists (the handlers refresh the
	// preview and the path).
	e.lang.SetSelected(tr.L("export.lang.both"))
	if selectedCW != "" {
		e.colourway.SetSelected(selectedCW)
	}
	e.format.SetSelected(formats[0])
	return e
}

// content lays the dialog out: preview on the left, choices on the right.
func (e *exportDialog) content() fyne.CanvasObject {
	tr := e.tr
	form := widget.NewForm(
		widget.NewFormItem(tr.L("export.format"), e.format),
		widget.NewFormItem(tr.L("export.language"), e.lang),
		widget.NewFormItem(tr.L("export.sizes"), e.sizes),
		widget.NewFormItem(tr.L("export.colourway"), e.colourway),
		widget.NewFormItem("", e.unfold),
		widget.NewFormItem(tr.L("export.save_to"), container.NewBorder(nil, nil, nil, e.browse, e.path)),
	)
	right := container.NewVBox(form, e.progress, e.message, layout.NewSpacer(),
		container.NewHBox(layout.NewSpacer(), e.exportBtn))
	return container.NewBorder(nil, nil, e.preview, nil, right)
}

func (e *exportDialog) show() {
	e.dlg = dialog.NewCustom(e.tr.L("export.title"), e.tr.L("export.close"), e.content(), e.win)
	e.dlg.Resize(fyne.NewSize(820, 520))
	e.dlg.Show()
}

// selectedFormat is the chosen format.
func (e *exportDialog) selectedFormat() ExportFormat {
	for _, f := range exportFormats {
		if e.tr.L(f.key) == e.format.Selected {
			return f.f
		}
	}
	return ExportPDF
}

// options are the tech pack options as chosen.
func (e *exportDialog) options() packaging.Options {
	o := packaging.Options{Lang: packaging.LangBoth, VersionID: e.versionID, History: e.history}
	for _, l := range exportLangs {
		if e.tr.L(l.key) == e.lang.Selected {
			o.Lang = l.l
		}
	}
	for _, l := range e.sizes.Selected {
		o.Sizes = append(o.Sizes, e.sizeByLabel[l])
	}
	o.Colourway = e.cwByName[e.colourway.Selected]
	o.Unfold = e.unfold != nil && e.unfold.Checked
	return o
}

// request is the export as chosen.
func (e *exportDialog) request() ExportRequest {
	return ExportRequest{Design: e.design, Format: e.selectedFormat(), Options: e.options(), Path: strings.TrimSpace(e.path.Text)}
}

func (e *exportDialog) onFormatChanged(string) {
	// Keep the chosen folder and name, with the format's extension.
	ext := "." + string(e.selectedFormat())
	if e.selectedFormat() == ExportSampleRequest {
		ext = ".pdf"
	}
	p := strings.TrimSpace(e.path.Text)
	if p == "" {
		home, _ := os.UserHomeDir()
		name := e.design.Meta.StyleNo
		if name == "" {
			name = "techpack"
		}
		p = filepath.Join(home, name)
	}
	e.path.SetText(strings.TrimSuffix(p, filepath.Ext(p)) + ext)
}

func (e *exportDialog) onLanguageChanged(string) { e.refreshPreview() }

func (e *exportDialog) onColourwayChanged(string) { e.refreshPreview() }

// refreshPreview renders page 1 (the cover) at a low resolution.
func (e *exportDialog) refreshPreview() {
	if e.preview == nil || e.colourway == nil {
		return // still building
	}
	o := e.options()
	o.Sizes = nil // the cover's size list follows the run; sizes do not change page 1's drawing
	img, err := renderCover(e.design, o)
	if err != nil {
		e.showMessage(err)
		return
	}
	e.preview.Image = img
	e.preview.Refresh()
}

// renderCover draws page 1 of the tech pack at 40 dpi.
func renderCover(d *models.Design, o packaging.Options) (image.Image, error) {
	pages, err := packaging.Pages(d, o)
	if err != nil {
		return nil, err
	}
	return packaging.RenderPage(pages, 0, 40)
}

func (e *exportDialog) onBrowse() {
	fd := dialog.NewFileSave(e.onSaveChosen, e.win)
	req := e.request()
	if req.Path != "" {
		fd.SetFileName(filepath.Base(req.Path))
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(req.Path))); err == nil {
			fd.SetLocation(dir)
		}
	}
	fd.Show()
}

// onSaveChosen takes the path the file dialog chose. The dialog opens the
// file for writing; the export writes it later (atomically), so the writer
// is closed straight away.
func (e *exportDialog) onSaveChosen(w fyne.URIWriteCloser, err error) {
	if err != nil {
		e.showMessage(err)
		return
	}
	if w == nil {
		return // cancelled
	}
	path := w.URI().Path()
	w.Close()
	e.path.SetText(path)
}

// onExport starts the export in the background.
func (e *exportDialog) onExport() {
	if e.running {
		return
	}
	req := e.request()
	if len(req.Options.Sizes) == 0 {
		e.showMessage(errors.New(e.tr.L("export.no_sizes")))
		return
	}
	if req.Path == "" {
		e.showMessage(errors.New(e.tr.L("export.no_path")))
		return
	}
	e.running = true
	e.exportBtn.Disable()
	e.message.Hide()
	e.progress.SetValue(0)
	e.progress.Show()
	go func() {
		files, err := RunExport(req, func(v float64) { fyne.Do(func() { e.progress.SetValue(v) }) })
		fyne.Do(func() { e.onExportDone(files, err) })
	}()
}

// onExportDone shows the outcome in the dialog.
func (e *exportDialog) onExportDone(files []string, err error) {
	e.running = false
	e.exportBtn.Enable()
	if err != nil {
		e.progress.Hide()
		e.showMessage(err)
	} else {
		e.progress.SetValue(1)
		e.message.Importance = widget.SuccessImportance
		e.message.SetText(e.tr.L("export.done", map[string]any{"Count": len(files), "Path": filepath.Dir(files[0])}))
		e.message.Show()
	}
	if e.afterExport != nil {
		e.afterExport(files, err)
	}
}

func (e *exportDialog) showMessage(err error) {
	e.message.Importance = widget.DangerImportance
	e.message.SetText(err.Error())
	e.message.Show()
}
