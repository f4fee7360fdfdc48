// Package app is Cordwain's Fyne client: the main window with the library of
// designs, the drawing in the middle and the inspector, menus, settings and
// translations. Only main imports fyne.io/fyne/v2/app, so everything here
// runs under Fyne's headless test driver.
package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// Version is set by main from the build.
var Version = "dev"

// DefaultWindowSize fits a 1366×768 laptop screen.
var DefaultWindowSize = fyne.NewSize(1280, 760)

// WindowSize is the size the window opens at on a screen of the given size
// (in Fyne units; zero when not known): 80 % of the screen, at least
// DefaultWindowSize, and never more than the screen.
func WindowSize(screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		return DefaultWindowSize
	}
	w := min(max(screen.Width*0.8, DefaultWindowSize.Width), screen.Width)
	h := min(max(screen.Height*0.8, DefaultWindowSize.Height), screen.Height)
	return fyne.NewSize(w, h)
}

// UI is the main window's state: its widgets, its dependencies and the
// preferences. Handlers are its methods.
type UI struct {
	app      fyne.App
	win      fyne.Window
	quit     func() // the app's Quit; tests count the calls
	studio   Studio
	tr       *Translator
	settings Settings
	prefs    *settingsWriter // writes settings once idle (settings.go)

	designs []DesignSummary // as listed (see library.go)
	current *models.Design
	// allDesigns is the whole library, archived designs included;
	// showArchived lists them too (archivedCheck toggles it).
	allDesigns    []DesignSummary
	showArchived  bool
	archivedCheck *widget.Check

	libTitle   *widget.Label
	list       *widget.List
	editor     *Editor
	inspector  *Inspector
	viewSelect *widget.Select
	cwSelect   *widget.Select
	sizeSelect *widget.Select
	status     *widget.Label
	banner     *widget.Label // data directory or load errors, shown in the window

	// The right-hand tabs: inspector, history, conflicts.
	tabs          *container.AppTabs
	inspectorTab  *container.TabItem
	historyTab    *container.TabItem
	conflictsTab  *container.TabItem
	history       *HistoryPanel
	conflicts     *ConflictsPanel
	openConflicts int

	// The bar over the editor while an old version or a comparison is
	// shown instead of the head.
	viewing  bool
	viewBar  *fyne.Container
	viewNote *widget.Label
	legend   *fyne.Container
	backBtn  *widget.Button

	start *startup // opening the studio (Start) and whether it can sign

	edit *editing // the editor's tool bar and panels (editor_ui.go)

	net *studioNet // studio sync: node, indicator, presence (net.go)
}

// views in menu order, with their translation keys.
var views = []struct {
	view canvas.View
	key  string
}{
	{canvas.ViewLateral, "view.lateral"},
	{canvas.ViewMedial, "view.medial"},
	{canvas.ViewTop, "view.top"},
	{canvas.ViewBack, "view.back"},
	{canvas.ViewBottom, "view.bottom"},
	{canvas.ViewMeanForm, "view.meanform"},
}

// New builds the main window's content for studio. startErr, when not nil,
// is a problem opening the studio (a data directory that cannot be created
// or read): it is shown in the window instead of an empty studio.
func New(a fyne.App, w fyne.Window, studio Studio, startErr error) (*UI, error) {
	settings := LoadSettings(a.Preferences())
	tr, err := NewTranslator(settings.Language)
	if err != nil {
		return nil, err
	}
	a.Settings().SetTheme(newStudioTheme())
	u := &UI{app: a, win: w, studio: studio, tr: tr, settings: settings, quit: a.Quit}
	u.prefs = newSettingsWriter(a.Preferences(), settings)
	u.build()
	if startErr != nil {
		u.showError(tr.L("error.data_dir"), startErr)
	} else if studio != nil {
		u.reload()
		u.watch()
	}
	return u, nil
}

func (u *UI) build() {
	u.libTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.list = widget.NewList(u.listLength, u.listCreate, u.listUpdate)
	u.list.OnSelected = u.onDesignSelected
	u.editor = NewEditor()
	opt := u.editor.Options()
	opt.View = viewByName(u.settings.View)
	opt.Grid = u.settings.Grid
	opt.ShowAllowances = u.settings.Allowances
	u.editor.SetOptions(opt)
	u.inspector = NewInspector(u.tr)
	u.viewSelect = widget.NewSelect(nil, u.onViewChanged)
	u.cwSelect = widget.NewSelect(nil, u.onColourwayChanged)
	u.sizeSelect = widget.NewSelect(nil, u.onSizeChanged)
	u.status = widget.NewLabel("")
	u.banner = widget.NewLabel("")
	u.banner.Wrapping = fyne.TextWrapWord
	u.banner.Importance = widget.DangerImportance
	u.banner.Hide()

	hs, _ := u.studio.(HistoryStudio)
	u.history = NewHistoryPanel(u.tr, hs, u.win, u)
	u.conflicts = NewConflictsPanel(u.tr, hs, u.onConflictCount)
	u.conflicts.OnWrite = u.refreshCurrent
	u.inspectorTab = container.NewTabItemWithIcon("", theme.InfoIcon(), container.NewVScroll(u.inspector.Object()))
	u.historyTab = container.NewTabItemWithIcon("", theme.HistoryIcon(), u.history.Object())
	u.conflictsTab = container.NewTabItemWithIcon("", theme.WarningIcon(), u.conflicts.Object())
	u.tabs = container.NewAppTabs(u.inspectorTab, u.historyTab, u.conflictsTab)
	u.buildViewBar()

	left := container.NewBorder(container.NewVBox(u.libTitle, u.newArchivedCheck()), nil, nil, nil, u.list)
	toolbar := container.NewHBox(u.viewSelect, u.sizeSelect, u.cwSelect)
	u.setupNet()
	centre := container.NewBorder(container.NewVBox(u.noticeObject(), u.banner, u.viewBar, toolbar), u.statusBar(), nil, nil, u.editor)
	inner := container.NewHSplit(centre, u.tabs)
	inner.Offset = 0.66
	split := container.NewHSplit(left, inner)
	split.Offset = 0.18
	u.win.SetContent(split)
	u.setupEditing()
	u.hookNet()
	u.applyLanguage()
}

// applyLanguage sets every visible string; called on start and when the
// designer switches language.
func (u *UI) applyLanguage() {
	tr := u.tr
	u.libTitle.SetText(tr.L("library.title"))
	names := make([]string, len(views))
	selected := ""
	cur := u.editor.Options().View
	for i, v := range views {
		names[i] = tr.L(v.key)
		if v.view == cur {
			selected = names[i]
		}
	}
	u.viewSelect.Options = names
	u.viewSelect.SetSelected(selected)
	u.inspector.SetTranslator(tr)
	u.inspector.Show(u.current)
	u.history.SetTranslator(tr)
	u.conflicts.SetTranslator(tr)
	u.inspectorTab.Text = tr.L("tab.inspector")
	u.historyTab.Text = tr.L("tab.history")
	u.updateConflictsTab()
	u.backBtn.SetText(tr.L("history.back"))
	for i, key := range []string{"history.added", "history.changed", "history.removed"} {
		u.legend.Objects[i].(*fyne.Container).Objects[1].(*widget.Label).SetText(tr.L(key))
	}
	u.updateSizes()
	u.updateColourways()
	u.updateTitle()
	u.updateStatus()
	u.list.Refresh()
	u.applyEditingLanguage()
	u.applyNetLanguage()
	u.win.SetMainMenu(u.mainMenu())
}

func (u *UI) mainMenu() *fyne.MainMenu {
	tr := u.tr
	var viewItems []*fyne.MenuItem
	for i, v := range views {
		v := v
		item := fyne.NewMenuItem(tr.L(v.key), func() { u.setView(v.view) })
		u.shortcut(item, fyne.KeyName(fmt.Sprint(i+1)))
		viewItems = append(viewItems, item)
	}
	grid := fyne.NewMenuItem(tr.L("menu.grid"), u.toggleGrid)
	grid.Checked = u.editor.Options().Grid
	u.shortcut(grid, fyne.KeyG)
	allow := fyne.NewMenuItem(tr.L("menu.allowances"), u.toggleAllowances)
	allow.Checked = u.editor.Options().ShowAllowances
	viewItems = append(viewItems, fyne.NewMenuItemSeparator(), grid, allow)
	viewItems = append(viewItems, u.zoomItems()...)

	language := fyne.NewMenuItem(tr.L("menu.language"), u.showLanguageDialog)
	about := fyne.NewMenuItem(tr.L("menu.about"), func() {
		dialog.ShowInformation(tr.L("menu.about"), tr.L("about.text", map[string]any{"Version": Version}), u.win)
	})
	export := fyne.NewMenuItem(tr.L("menu.export"), u.showExportDialog)
	u.shortcut(export, fyne.KeyE)
	// Fyne adds a Quit item to the File menu but no Ctrl+Q on Linux and
	// Windows: ours is last in the menu (so Fyne adds none), translated,
	// and Ctrl+Q (Cmd+Q) is registered on the canvas. The edits pending
	// are saved when the app stops (setupEditing).
	quit := fyne.NewMenuItem(tr.L("menu.quit"), func() { u.quit() })
	quit.IsQuit = true
	u.shortcut(quit, fyne.KeyQ)
	fileItems := append(u.fileItems(export), fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMainMenu(
		fyne.NewMenu(tr.L("menu.file"), fileItems...),
		u.editMenu(),
		fyne.NewMenu(tr.L("menu.view"), viewItems...),
		fyne.NewMenu(tr.L("menu.settings"), language),
		fyne.NewMenu(tr.L("menu.help"), about),
	)
}

// shortcut gives a menu item Ctrl+key (Cmd+key on macOS) and registers it
// on the window's canvas, where Fyne looks for keyboard shortcuts.
func (u *UI) shortcut(item *fyne.MenuItem, key fyne.KeyName) {
	sc := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
	item.Shortcut = sc
	action := item.Action
	u.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { action() })
}

func (u *UI) showLanguageDialog() {
	opts := []string{u.tr.L("settings.lang.system"), "English", "中文"}
	codes := []string{LangSystem, LangEN, LangZH}
	sel := widget.NewRadioGroup(opts, nil)
	for i, c := range codes {
		if c == u.settings.Language {
			sel.SetSelected(opts[i])
		}
	}
	dialog.ShowCustomConfirm(u.tr.L("settings.title"), u.tr.L("dialog.ok"), u.tr.L("dialog.cancel"),
		widget.NewForm(widget.NewFormItem(u.tr.L("settings.language"), sel)),
		func(ok bool) {
			if !ok {
				return
			}
			for i, o := range opts {
				if o == sel.Selected {
					u.SetLanguage(codes[i])
				}
			}
		}, u.win)
}

// SetLanguage switches the UI language and remembers the choice.
func (u *UI) SetLanguage(code string) {
	u.settings.Language = code
	u.prefs.Set(u.settings)
	u.tr.SetLanguage(code)
	u.applyLanguage()
}

// flushSettings writes the settings now (the app stops; tests).
func (u *UI) flushSettings() { u.prefs.Flush() }

// Stop is what quitting (window closed, Ctrl+Q, a signal) does once the
// window's loop has ended: the edits made within the idle time are saved
// rather than dropped, and the settings pending are written. The caller
// runs it on the main goroutine after ShowAndRun returns, before the
// studio is closed. (Not as a Fyne OnStopped hook: Fyne 2.7 runs those
// through a queue that can lose them at shutdown, leaving the process
// waiting for ever; see main's takeStopHooks.)
func (u *UI) Stop() {
	if u.editor != nil {
		u.editor.session.Save("")
	}
	u.flushSettings()
}

// Language is the language in use.
func (u *UI) Language() string { return u.tr.Language() }

// reload re-reads the library from the studio and keeps the selection.
func (u *UI) reload() {
	designs, err := u.studio.Designs()
	if err != nil {
		u.showError(u.tr.L("error.data_dir"), err)
		return
	}
	u.allDesigns = designs
	designs = visibleDesigns(designs, u.showArchived)
	u.designs = designs
	u.list.Refresh()
	u.updateStatus()
	want := u.settings.LastDesign
	if u.current != nil {
		want = string(u.current.ID)
	}
	idx, found := 0, false
	for i, d := range designs {
		if string(d.ID) == want {
			idx, found = i, true
		}
	}
	if u.current != nil && !found {
		// The open design was archived: it stays open, unlisted.
		u.list.UnselectAll()
		u.refreshCurrent()
		return
	}
	if len(designs) > 0 {
		if u.current != nil && designs[idx].ID == u.current.ID {
			u.refreshCurrent()
		} else {
			u.list.Select(idx)
		}
	}
}

// refreshCurrent re-reads the open design after the store changed: its
// head may have moved (a commit, a restore, a flip, sync), and its history,
// branches, tags and conflicts with it. An old version or a comparison on
// screen stays until the designer leaves it.
func (u *UI) refreshCurrent() {
	if u.current == nil || u.studio == nil {
		return
	}
	d, err := u.studio.Design(u.current.ID)
	if err != nil {
		u.showError(u.tr.L("error.load_design"), err)
		return
	}
	u.current = d
	if !u.viewing {
		u.editor.SetDesign(d)
		u.inspector.Show(d)
		u.updateSizes()
		u.updateColourways()
		u.updateTitle()
	}
	u.history.Refresh()
	u.conflicts.Refresh()
}

// watch reloads when the studio changes (another window, sync, a command).
func (u *UI) watch() {
	ch := u.studio.Changed()
	if ch == nil {
		return
	}
	go func() {
		for range ch {
			fyne.Do(u.reload)
		}
	}()
}

func (u *UI) listLength() int { return len(u.designs) }

func (u *UI) listCreate() fyne.CanvasObject {
	return container.NewVBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""))
}

func (u *UI) listUpdate(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(u.designs) {
		return
	}
	d := u.designs[id]
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(u.displayName(d.Name, d.NameZH))
	sub := strings.TrimSpace(d.StyleNo + "  " + d.Season)
	if d.Archived {
		sub = strings.TrimSpace(sub + "  · " + u.tr.L("library.archived"))
	}
	box.Objects[1].(*widget.Label).SetText(sub)
}

func (u *UI) displayName(en, zh string) string {
	if u.tr.Language() == LangZH && zh != "" {
		return zh
	}
	return en
}

// SelectDesign opens a design by ID.
func (u *UI) SelectDesign(id models.ID) {
	for i, d := range u.designs {
		if d.ID == id {
			u.list.Select(i)
			return
		}
	}
}

func (u *UI) onDesignSelected(id widget.ListItemID) {
	if id < 0 || id >= len(u.designs) {
		return
	}
	gone := u.restoreBranch(u.designs[id].ID) // the branch it was on before a restart
	d, err := u.studio.Design(u.designs[id].ID)
	if err != nil {
		u.showError(u.tr.L("error.load_design"), err)
		return
	}
	u.banner.Hide()
	u.leaveView()
	u.current = d
	u.settings.LastDesign = string(d.ID)
	u.prefs.Set(u.settings)
	opt := u.editor.Options()
	opt.Colourway, opt.Size, opt.Selected, opt.Highlight = "", 0, "", nil
	if len(d.Colourways) > 0 {
		opt.Colourway = d.Colourways[0].ID
	}
	u.editor.SetOptions(opt)
	u.editor.SetDesign(d)
	u.inspector.Show(d)
	u.updateSizes()
	u.updateColourways()
	u.updateTitle()
	u.history.SetDesign(d.ID)
	if gone != "" {
		u.history.branchGone(gone)
	}
	u.conflicts.SetDesign(d.ID)
}

// Current is the open design (nil when none).
func (u *UI) Current() *models.Design { return u.current }

func (u *UI) updateTitle() {
	title := "Cordwain"
	if u.current != nil {
		title = u.displayName(u.current.Meta.Name, u.current.Meta.NameZH) + " — " + u.current.Meta.StyleNo + u.branchTitle() + " — Cordwain"
	}
	u.win.SetTitle(title)
}

func (u *UI) updateStatus() {
	if u.studio == nil { // not open: the window says why, nothing else
		u.status.SetText("")
		return
	}
	if len(u.designs) == 0 {
		u.status.SetText(u.tr.L("library.empty"))
		return
	}
	u.status.SetText(u.tr.L("status.designs", map[string]any{"Count": len(u.designs)}))
}

func (u *UI) updateSizes() {
	if u.current == nil {
		u.sizeSelect.Options = nil
		u.sizeSelect.ClearSelected()
		return
	}
	var opts []string
	selected := ""
	cur := u.editor.Options().Size
	for _, mm := range u.current.Meta.SizeRun {
		label := canvas.FormatDesignSizeDecimal(u.current, mm)
		if mm == u.current.Meta.BaseSize {
			label += " ★"
		}
		opts = append(opts, label)
		if mm == cur || (cur == 0 && mm == u.current.Meta.BaseSize) {
			selected = label
		}
	}
	u.sizeSelect.Options = opts
	u.sizeSelect.SetSelected(selected)
}

func (u *UI) updateColourways() {
	if u.current == nil {
		u.cwSelect.Options = nil
		u.cwSelect.ClearSelected()
		return
	}
	var opts []string
	selected := ""
	cur := u.editor.Options().Colourway
	for _, c := range u.current.Colourways {
		name := u.displayName(c.Name, c.NameZH)
		opts = append(opts, name)
		if c.ID == cur {
			selected = name
		}
	}
	u.cwSelect.Options = opts
	u.cwSelect.SetSelected(selected)
}

func (u *UI) onViewChanged(name string) {
	for _, v := range views {
		if u.tr.L(v.key) == name {
			u.setView(v.view)
		}
	}
}

func (u *UI) setView(v canvas.View) {
	opt := u.editor.Options()
	if opt.View == v {
		return
	}
	opt.View = v
	u.editor.SetOptions(opt)
	u.settings.View = viewName(v)
	u.prefs.Set(u.settings)
	for _, vv := range views {
		if vv.view == v {
			u.viewSelect.SetSelected(u.tr.L(vv.key))
		}
	}
}

func (u *UI) onSizeChanged(label string) {
	if u.current == nil {
		return
	}
	idx := u.sizeSelect.SelectedIndex()
	if idx < 0 || idx >= len(u.current.Meta.SizeRun) {
		return
	}
	mm := u.current.Meta.SizeRun[idx]
	opt := u.editor.Options()
	if mm == u.current.Meta.BaseSize {
		mm = 0
	}
	if opt.Size != mm {
		opt.Size = mm
		u.editor.SetOptions(opt)
	}
}

func (u *UI) onColourwayChanged(string) {
	if u.current == nil {
		return
	}
	idx := u.cwSelect.SelectedIndex()
	if idx < 0 || idx >= len(u.current.Colourways) {
		return
	}
	opt := u.editor.Options()
	if opt.Colourway != u.current.Colourways[idx].ID {
		opt.Colourway = u.current.Colourways[idx].ID
		u.editor.SetOptions(opt)
	}
}

func (u *UI) toggleGrid() {
	opt := u.editor.Options()
	opt.Grid = !opt.Grid
	u.editor.SetOptions(opt)
	u.settings.Grid = opt.Grid
	u.prefs.Set(u.settings)
	u.win.SetMainMenu(u.mainMenu())
}

func (u *UI) toggleAllowances() {
	opt := u.editor.Options()
	opt.ShowAllowances = !opt.ShowAllowances
	u.editor.SetOptions(opt)
	u.settings.Allowances = opt.ShowAllowances
	u.prefs.Set(u.settings)
	u.win.SetMainMenu(u.mainMenu())
}

func (u *UI) showError(title string, err error) {
	u.banner.SetText(title + ": " + err.Error())
	u.banner.Show()
}

// Editor exposes the drawing widget (tests render it).
func (u *UI) Editor() *Editor { return u.editor }

// Banner is the error text shown in the window ("" when none).
func (u *UI) Banner() string {
	if !u.banner.Visible() {
		return ""
	}
	return u.banner.Text
}

// LibraryTitle is the heading of the library (tests check the language).
func (u *UI) LibraryTitle() string { return u.libTitle.Text }

func viewName(v canvas.View) string {
	for _, vv := range views {
		if vv.view == v {
			return strings.TrimPrefix(vv.key, "view.")
		}
	}
	return "lateral"
}

func viewByName(name string) canvas.View {
	for _, vv := range views {
		if strings.TrimPrefix(vv.key, "view.") == name {
			return vv.view
		}
	}
	return canvas.ViewLateral
}
