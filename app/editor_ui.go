package app

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// editing holds the window's editing controls: the tool bar over the
// window, the layers and edit tabs.
type editing struct {
	bar       *fyne.Container
	toolBtns  map[string]*widget.Button
	layersTab *container.TabItem
	editTab   *container.TabItem
	layers    *fyne.Container
	panel     *EditPanel
	search    *DesignSearch
	opacity   *widget.Slider // the underlay's, in the layers tab
}

// setupEditing connects the editor's session to the studio and the
// window: saving, the Edit menu's names, the tool bar and the panels. It
// runs once, at the end of build.
func (u *UI) setupEditing() {
	u.edit = &editing{toolBtns: map[string]*widget.Button{}}
	e := u.editor
	e.SetTranslator(u.tr)
	e.session.studioOf = func() CommitStudio {
		cs, _ := u.studio.(CommitStudio)
		if ss, ok := cs.(*StoreStudio); ok && ss == nil {
			return nil
		}
		return cs
	}
	e.session.schedule = afterIdle
	e.session.OnChange = func(d *models.Design) {
		e.onSessionChange(d)
		u.onDesignEdited(d)
	}
	e.session.OnSaved = u.onSaved
	e.OnStatus = func(s string) { u.status.SetText(s) }
	e.OnSelection = func(Selection) { u.edit.panel.Show(e.session.Design(), e.Selection()) }
	e.OnCalibrate = u.askCalibration

	u.edit.search = newDesignSearch(u)
	u.edit.bar = container.NewHBox()
	for _, name := range []string{ToolSelect, ToolPen, ToolLine, ToolPiece, ToolNotch, ToolPunch, ToolEyelets, ToolText, ToolMeasure, ToolCalibrate} {
		name := name
		b := widget.NewButton("", func() { u.selectTool(name) })
		u.edit.toolBtns[name] = b
		u.edit.bar.Add(b)
	}
	u.edit.layers = container.NewVBox()
	u.edit.panel = NewEditPanel(u)
	u.edit.editTab = container.NewTabItemWithIcon("", theme.DocumentCreateIcon(), container.NewVScroll(u.edit.panel.Object()))
	u.edit.layersTab = container.NewTabItemWithIcon("", theme.ListIcon(), container.NewVScroll(u.edit.layers))
	u.tabs.Append(u.edit.editTab)
	u.tabs.Append(u.edit.layersTab)
	searchBox := container.NewGridWrap(fyne.NewSize(240, u.edit.search.entry.MinSize().Height), u.edit.search.entry)
	top := container.NewBorder(nil, nil, nil, searchBox, u.edit.bar)
	u.win.SetContent(container.NewBorder(container.NewPadded(top), nil, nil, nil, u.win.Content()))
	for _, sc := range []struct {
		key  fyne.KeyName
		mods fyne.KeyModifier
		do   func()
	}{
		{fyne.KeyZ, fyne.KeyModifierShortcutDefault, u.undo},
		{fyne.KeyZ, fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift, u.redo},
		{fyne.KeyY, fyne.KeyModifierShortcutDefault, u.redo},
		{fyne.KeyS, fyne.KeyModifierShortcutDefault, u.askSave},
		{fyne.KeyC, fyne.KeyModifierShortcutDefault, func() { u.editor.Copy() }},
		{fyne.KeyV, fyne.KeyModifierShortcutDefault, u.editor.Paste},
		{fyne.KeyD, fyne.KeyModifierShortcutDefault, u.editor.Duplicate},
		{fyne.Key0, fyne.KeyModifierShortcutDefault, u.editor.Fit},
		{fyne.KeyEqual, fyne.KeyModifierShortcutDefault, func() { u.editor.Zoom(1.25) }},
		{fyne.KeyPlus, fyne.KeyModifierShortcutDefault, func() { u.editor.Zoom(1.25) }},
		{fyne.KeyMinus, fyne.KeyModifierShortcutDefault, func() { u.editor.Zoom(0.8) }},
		// Ctrl+Shift+= is Ctrl++ on keyboards where + is shifted.
		{fyne.KeyEqual, fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift, func() { u.editor.Zoom(1.25) }},
	} {
		do := sc.do
		u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: sc.key, Modifier: sc.mods}, func(fyne.Shortcut) { do() })
	}
	// The desktop driver turns Ctrl+Z, Ctrl+Y, Ctrl+C and Ctrl+V (Cmd on
	// macOS) into Fyne's standard shortcuts, never into the custom ones
	// above: without these the keys did nothing in the real window. A
	// focused entry still gets them first (its own undo, copy, paste).
	for _, sc := range []struct {
		s  fyne.Shortcut
		do func()
	}{
		{&fyne.ShortcutUndo{}, u.undo},
		{&fyne.ShortcutRedo{}, u.redo},
		{&fyne.ShortcutCopy{}, func() { u.editor.Copy() }},
		{&fyne.ShortcutPaste{}, u.editor.Paste},
	} {
		do := sc.do
		u.win.Canvas().AddShortcut(sc.s, func(fyne.Shortcut) { do() })
	}
	e.OnTool = u.highlightTool // a tool picked by its key is lit too
	u.applyEditingLanguage()
}

// applyEditingLanguage sets the editing controls' strings.
func (u *UI) applyEditingLanguage() {
	if u.edit == nil {
		return
	}
	tr := u.tr
	u.editor.SetTranslator(tr)
	for name, b := range u.edit.toolBtns {
		b.SetText(tr.L("tool." + name))
	}
	u.highlightTool()
	u.edit.editTab.Text = tr.L("menu.edit")
	u.edit.search.entry.SetPlaceHolder(tr.L("search.placeholder"))
	if u.archivedCheck != nil {
		u.archivedCheck.Text = tr.L("library.show_archived")
		u.archivedCheck.Refresh()
	}
	u.edit.layersTab.Text = tr.L("layers.title")
	u.buildLayers()
	u.edit.panel.Show(u.editor.session.Design(), u.editor.Selection())
	u.tabs.Refresh()
}

func (u *UI) selectTool(name string) {
	u.editor.SetTool(name)
	u.highlightTool()
}

func (u *UI) highlightTool() {
	cur := u.editor.Tool().Name()
	for name, b := range u.edit.toolBtns {
		if name == cur {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

// buildLayers lists the layers with Show and Lock checks.
func (u *UI) buildLayers() {
	box := u.edit.layers
	box.RemoveAll()
	tr := u.tr
	for _, l := range canvas.AllLayers {
		l := l
		visible, locked := u.editor.Layer(l)
		show := widget.NewCheck(tr.L("layers.visible"), nil)
		show.SetChecked(visible)
		lock := widget.NewCheck(tr.L("layers.locked"), nil)
		lock.SetChecked(locked)
		show.OnChanged = func(on bool) { _, lk := u.editor.Layer(l); u.editor.SetLayer(l, on, lk) }
		lock.OnChanged = func(on bool) { v, _ := u.editor.Layer(l); u.editor.SetLayer(l, v, on) }
		box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(show, lock), widget.NewLabel(tr.L(l.Key()))))
	}
	op := widget.NewSlider(0, 1)
	op.Step = 0.05
	op.Value = 0.5
	if un := u.editor.Underlay(); un != nil {
		op.Value = un.Opacity
	}
	// The drawing follows the slider while it is dragged; one undoable
	// command when it is let go, not one a step.
	op.OnChanged = u.editor.PreviewUnderlayOpacity
	op.OnChangeEnded = u.editor.SetUnderlayOpacity
	u.edit.opacity = op
	box.Add(widget.NewLabel(tr.L("underlay.opacity")))
	box.Add(op)
	box.Refresh()
}

// onDesignEdited follows the session: the open design, the inspector, the
// title, the Edit menu's names.
func (u *UI) onDesignEdited(d *models.Design) {
	if d == nil {
		return
	}
	if u.viewing {
		return
	}
	u.current = d
	u.inspector.Show(d)
	u.followColourways(d)
	u.followUnderlay(d)
	u.updateTitle()
	if u.edit != nil {
		u.edit.panel.Show(d, u.editor.Selection())
	}
	u.win.SetMainMenu(u.mainMenu())
}

func (u *UI) onSaved(v *models.Version, err error) {
	if err != nil {
		u.status.SetText(u.tr.L("status.save_failed", map[string]any{"Error": err.Error()}))
		return
	}
	if v != nil {
		u.status.SetText(u.tr.L("status.saved", map[string]any{"Version": shortID(v.ID), "Message": v.Message}))
	}
}

func (u *UI) undo() {
	if err := u.editor.session.Undo(); err != nil && !errors.Is(err, ErrNothingToUndo) {
		u.status.SetText(u.tr.L("status.undo_failed", map[string]any{"Error": err.Error()}))
	}
}

func (u *UI) redo() {
	if err := u.editor.session.Redo(); err != nil && !errors.Is(err, ErrNothingToRedo) {
		u.status.SetText(u.tr.L("status.undo_failed", map[string]any{"Error": err.Error()}))
	}
}

// editMenu is the Edit menu; Undo and Redo say what they would do.
func (u *UI) editMenu() *fyne.Menu {
	tr := u.tr
	s := u.editor.session
	undo := fyne.NewMenuItem(tr.L("menu.undo"), u.undo)
	if n := s.UndoName(); n != "" {
		undo.Label = tr.L("menu.undo_named", map[string]any{"Name": n})
	} else {
		undo.Disabled = true
	}
	undo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	redo := fyne.NewMenuItem(tr.L("menu.redo"), u.redo)
	if n := s.RedoName(); n != "" {
		redo.Label = tr.L("menu.redo_named", map[string]any{"Name": n})
	} else {
		redo.Disabled = true
	}
	redo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	del := fyne.NewMenuItem(tr.L("menu.delete"), func() { u.editor.TypeKey(fyne.KeyDelete, 0) })
	cp := fyne.NewMenuItem(tr.L("menu.copy"), func() { u.editor.Copy() })
	cp.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault}
	paste := fyne.NewMenuItem(tr.L("menu.paste"), u.editor.Paste)
	paste.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyV, Modifier: fyne.KeyModifierShortcutDefault}
	dup := fyne.NewMenuItem(tr.L("menu.duplicate"), u.editor.Duplicate)
	dup.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault}
	save := fyne.NewMenuItem(tr.L("menu.save"), u.askSave)
	save.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	newDesign := fyne.NewMenuItem(tr.L("menu.new_design"), u.askNewDesign)
	dupDesign := fyne.NewMenuItem(tr.L("menu.duplicate_design"), u.askDuplicateDesign)
	dupDesign.Disabled = u.editor.session.Design() == nil
	under := fyne.NewMenuItem(tr.L("menu.import_underlay"), u.askUnderlay)
	noUnder := fyne.NewMenuItem(tr.L("menu.remove_underlay"), func() { u.editor.SetUnderlay(nil) })
	noUnder.Disabled = u.editor.Underlay() == nil
	archive := fyne.NewMenuItem(tr.L("menu.archive_design"), func() { u.archive(true) })
	if d := u.editor.session.Design(); d == nil {
		archive.Disabled = true
	} else if d.Meta.Archived {
		archive = fyne.NewMenuItem(tr.L("menu.unarchive_design"), func() { u.archive(false) })
	}
	snap := fyne.NewMenuItem(tr.L("menu.snap"), func() {
		u.editor.SetSnapping(!u.editor.snapOn)
		u.win.SetMainMenu(u.mainMenu())
	})
	snap.Checked = u.editor.snapOn
	mirror := fyne.NewMenuItem(tr.L("menu.mirror"), u.editor.MirrorSelection)
	return fyne.NewMenu(tr.L("menu.edit"), undo, redo, fyne.NewMenuItemSeparator(), cp, paste, dup, del, mirror, snap,
		fyne.NewMenuItemSeparator(), save, newDesign, dupDesign, archive, fyne.NewMenuItemSeparator(), under, noUnder)
}

// zoomItems are the View menu's zoom entries.
func (u *UI) zoomItems() []*fyne.MenuItem {
	tr := u.tr
	in := fyne.NewMenuItem(tr.L("menu.zoom_in"), func() { u.editor.Zoom(1.25) })
	in.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}
	out := fyne.NewMenuItem(tr.L("menu.zoom_out"), func() { u.editor.Zoom(0.8) })
	out.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: fyne.KeyModifierShortcutDefault}
	fit := fyne.NewMenuItem(tr.L("menu.zoom_fit"), u.editor.Fit)
	fit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault}
	sel := fyne.NewMenuItem(tr.L("menu.zoom_selection"), func() {
		if d := u.editor.session.Design(); d != nil {
			u.editor.FitRect(u.editor.selectionBounds(d))
		}
	})
	actual := fyne.NewMenuItem(tr.L("menu.actual_size"), func() { u.editor.SetScale(1) })
	trueSize := fyne.NewMenuItem(tr.L("menu.true_size"), func() {
		u.editor.mu.Lock()
		on := !u.editor.trueSize
		u.editor.mu.Unlock()
		u.editor.SetTrueSize(on)
		u.win.SetMainMenu(u.mainMenu())
	})
	u.editor.mu.Lock()
	trueSize.Checked = u.editor.trueSize
	u.editor.mu.Unlock()
	return []*fyne.MenuItem{fyne.NewMenuItemSeparator(), in, out, fit, sel, actual, trueSize}
}

// askSave is Ctrl+S: save a version now, with an optional message.
func (u *UI) askSave() {
	s := u.editor.session
	if !s.Dirty() {
		u.status.SetText(u.tr.L("status.nothing_to_save"))
		return
	}
	msg := widget.NewEntry()
	msg.SetPlaceHolder(summarise(s.names))
	d := dialog.NewForm(u.tr.L("save.title"), u.tr.L("save.do"), u.tr.L("dialog.cancel"),
		[]*widget.FormItem{widget.NewFormItem(u.tr.L("save.message"), msg)},
		func(ok bool) {
			if ok {
				s.Save(msg.Text)
			}
		}, u.win)
	submitOnEnter(d, msg)
	d.Show()
	u.win.Canvas().Focus(msg)
}

// submitOnEnter makes Enter in any of entries confirm d, as its confirm
// button does (nothing while the form does not validate).
func submitOnEnter(d *dialog.FormDialog, entries ...*widget.Entry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { d.Submit() }
	}
}

// askCalibration asks the distance between two points picked on the
// underlay.
func (u *UI) askCalibration(a, b canvas.Point) {
	entry := widget.NewEntry()
	entry.SetPlaceHolder(fmt.Sprintf("%.1f", canvas.Dist(a, b)))
	var d *dialog.FormDialog
	entry.Validator = func(s string) error {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(v > 0) {
			return errors.New(u.tr.L("calibrate.bad"))
		}
		return nil
	}
	d = dialog.NewForm(u.tr.L("calibrate.title"), u.tr.L("dialog.ok"), u.tr.L("dialog.cancel"),
		[]*widget.FormItem{widget.NewFormItem(u.tr.L("calibrate.distance"), entry)},
		func(ok bool) {
			if !ok {
				return
			}
			v, _ := strconv.ParseFloat(strings.TrimSpace(entry.Text), 64)
			if err := u.editor.CalibrateUnderlay(a, b, v); err != nil {
				u.status.SetText(err.Error())
			}
		}, u.win)
	submitOnEnter(d, entry)
	d.Show()
}

// askUnderlay opens a PNG or JPEG to trace.
func (u *UI) askUnderlay() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, 256<<20))
		if err != nil {
			dialog.ShowError(fmt.Errorf("%s: %w", u.tr.L("underlay.error"), err), u.win)
			return
		}
		u.importUnderlay(data)
	}, u.win)
	fd.Show()
}

// importUnderlay decodes data (a large photo takes seconds: it is read
// and scaled down off the window's thread) and puts it under the design
// that was open when it started; if another design is open by then,
// nothing changes and the designer is told.
func (u *UI) importUnderlay(data []byte) {
	d := u.editor.session.Design()
	if d == nil {
		return
	}
	id := d.ID
	u.status.SetText(u.tr.L("underlay.importing"))
	inBackground(func() {
		un, err := DecodeUnderlay(data)
		fyne.Do(func() {
			if cur := u.editor.session.Design(); err == nil && (cur == nil || cur.ID != id) {
				err = errors.New(u.tr.L("underlay.design_changed"))
			}
			if err == nil {
				err = u.placeUnderlay(un)
			}
			if err != nil {
				u.status.SetText("")
				dialog.ShowError(fmt.Errorf("%s: %w", u.tr.L("underlay.error"), err), u.win)
				return
			}
			u.status.SetText(u.tr.L("underlay.imported"))
		})
	})
}

// loadUnderlay decodes data and puts it under the drawing; a file that
// does not decode changes nothing and says why.
func (u *UI) loadUnderlay(data []byte) error {
	un, err := DecodeUnderlay(data)
	if err != nil {
		return err
	}
	return u.placeUnderlay(un)
}

// placeUnderlay puts a decoded picture under the drawing, on the mean
// form.
func (u *UI) placeUnderlay(un *Underlay) error {
	if err := u.editor.SetUnderlay(un); err != nil {
		return err
	}
	if u.editor.Options().View != canvas.ViewMeanForm {
		u.setView(canvas.ViewMeanForm)
	}
	u.buildLayers()
	u.win.SetMainMenu(u.mainMenu())
	return nil
}

// askNewDesign makes a new design from a sample or a blank last.
func (u *UI) askNewDesign() {
	tr := u.tr
	all := samples.All()
	fromOpts := []string{tr.L("new.blank")}
	for _, d := range all {
		fromOpts = append(fromOpts, u.displayName(d.Meta.Name, d.Meta.NameZH))
	}
	from := widget.NewSelect(fromOpts, nil)
	from.SetSelectedIndex(1)
	name := widget.NewEntry()
	style := widget.NewEntry()
	genders := []models.Gender{models.Men, models.Women, models.Unisex, models.Kids}
	var gNames []string
	for _, g := range genders {
		gNames = append(gNames, tr.L("gender."+string(g)))
	}
	gender := widget.NewSelect(gNames, nil)
	gender.SetSelectedIndex(0)
	size := widget.NewEntry()
	size.SetText("250")
	systems := []models.SizeSystem{models.SizeCN, models.SizeEU, models.SizeUK, models.SizeUSMen, models.SizeUSWomen}
	var sysNames []string
	for _, ss := range systems {
		sysNames = append(sysNames, string(ss))
	}
	system := widget.NewSelect(sysNames, nil)
	system.SetSelectedIndex(0)
	d := dialog.NewForm(tr.L("new.title"), tr.L("new.create"), tr.L("dialog.cancel"), []*widget.FormItem{
		widget.NewFormItem(tr.L("new.from"), from),
		widget.NewFormItem(tr.L("new.name"), name),
		widget.NewFormItem(tr.L("new.style_no"), style),
		widget.NewFormItem(tr.L("new.gender"), gender),
		widget.NewFormItem(tr.L("new.size"), size),
		widget.NewFormItem(tr.L("new.size_system"), system),
	}, func(ok bool) {
		if !ok {
			return
		}
		mm, _ := strconv.ParseFloat(strings.TrimSpace(size.Text), 64)
		var base *models.Design
		if i := from.SelectedIndex(); i > 0 {
			base = all[i-1]
		}
		g := genders[max(gender.SelectedIndex(), 0)]
		sys := systems[max(system.SelectedIndex(), 0)]
		if err := u.createDesign(base, name.Text, style.Text, g, mm, sys); err != nil {
			dialog.ShowError(errors.New(tr.L("new.failed", map[string]any{"Error": err.Error()})), u.win)
		}
	}, u.win)
	submitOnEnter(d, name, style, size)
	d.Show()
}

// CreateDesign saves a new design — a copy of base (a sample) or, with
// base nil, a blank on the default last for gender at baseSize mm — and
// opens it.
func (u *UI) CreateDesign(base *models.Design, name, styleNo string, g models.Gender, baseSize float64) error {
	return u.createDesign(base, name, styleNo, g, baseSize, "")
}

// createDesign is CreateDesign showing sizes in system (a blank design;
// "" keeps the default, and a copy keeps its own).
func (u *UI) createDesign(base *models.Design, name, styleNo string, g models.Gender, baseSize float64, system models.SizeSystem) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New(u.tr.L("new.name_needed"))
	}
	cs, ok := u.studio.(CommitStudio)
	if !ok {
		return errors.New("this studio is read-only")
	}
	var d *models.Design
	if base != nil {
		c := *base
		d = &c
	} else {
		if !(baseSize > 0) {
			baseSize = 250
		}
		d = &models.Design{Meta: models.DefaultMeta(g), Last: models.DefaultLast(g, baseSize)}
		if system != "" {
			d.Meta.SizeSystem = system
		}
	}
	d.ID = models.NewID()
	d.Meta.Name, d.Meta.NameZH = name, ""
	d.Meta.Archived = false // a copy of an archived design is a live one
	if s := strings.TrimSpace(styleNo); s != "" {
		d.Meta.StyleNo = s
	}
	if d.Meta.StyleNo == "" {
		d.Meta.StyleNo = "NEW-" + string(d.ID[:4])
	}
	if _, err := cs.Commit(d, "New design"); err != nil {
		return err
	}
	u.reload()
	// The library is sorted by name: the new design may take the row that
	// is selected, and selecting a selected row opens nothing.
	u.list.UnselectAll()
	u.SelectDesign(d.ID)
	return nil
}

// askDuplicateDesign saves a copy of the open design, as it is now, under
// a new name, and opens it.
func (u *UI) askDuplicateDesign() {
	d := u.editor.session.Design()
	if d == nil {
		return
	}
	tr := u.tr
	name := widget.NewEntry()
	name.SetText(d.Meta.Name + " (2)")
	style := widget.NewEntry()
	style.SetText(d.Meta.StyleNo + "-2")
	dlg := dialog.NewForm(tr.L("menu.duplicate_design"), tr.L("new.create"), tr.L("dialog.cancel"), []*widget.FormItem{
		widget.NewFormItem(tr.L("new.name"), name),
		widget.NewFormItem(tr.L("new.style_no"), style),
	}, func(ok bool) {
		if !ok {
			return
		}
		if err := u.CreateDesign(d, name.Text, style.Text, d.Meta.Gender, d.Meta.BaseSize); err != nil {
			dialog.ShowError(errors.New(tr.L("new.failed", map[string]any{"Error": err.Error()})), u.win)
		}
	}, u.win)
	submitOnEnter(dlg, name, style)
	name.OnSubmitted = func(string) { dlg.Submit() }
	dlg.Show()
}
