package app

import (
	"errors"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// Visual diff colours: added green, removed red, changed amber.
var (
	colAdded   = color.NRGBA{R: 0x1f, G: 0xa0, B: 0x4a, A: 0xff}
	colRemoved = color.NRGBA{R: 0xd9, G: 0x2d, B: 0x2d, A: 0xff}
	colChanged = color.NRGBA{R: 0xe8, G: 0x9a, B: 0x00, A: 0xff}
)

// historyHost is what the history panel asks of the window: show a version
// (read-only, with diff highlights and a ghosted older last) in the
// editor, or go back to the head; save pending edits before the branch
// under them changes, and show the head of a newly current branch.
type historyHost interface {
	showVersion(d *models.Design, highlight map[models.ID]color.Color, note string)
	showComparison(d *models.Design, highlight map[models.ID]color.Color, ghost *models.Last, note string)
	showCurrent()
	saveEdits() error
	branchSwitched()
}

// HistoryPanel is the History tab: the open design's versions as a commit
// graph, newest first, and what can be done with them: view one read-only,
// compare two, restore, branch, tag.
type HistoryPanel struct {
	tr     *Translator
	studio HistoryStudio // nil when the studio keeps no history
	win    fyne.Window
	host   historyHost

	design   models.ID
	versions []*models.Version // child before parent, newest first
	rows     []graphRow
	lanes    int
	refs     map[models.ID][]store.Ref
	members  p2p.MemberSet // current studio members (nil: no list, everyone is)
	selected models.ID
	picking  models.ID // compare: the first version, waiting for the second
	// reselecting is set while Refresh selects the row of the selected
	// version again (rows moved): not the designer's click.
	reselecting bool

	// The comparison shown in the editor, if any: every change, the
	// header's (meta) ones shown in a block above the rest, and the older
	// last when the last changed.
	diffOld, diffNew models.ID
	diff             []models.Change
	changes          []changeLine
	listed           []changeLine // changes less the header's
	headerChanges    []changeLine
	ghost            *models.Last
	highlight        map[models.ID]color.Color

	// Branches: the picker shows the current branch; Merge… merges one
	// branch into another. syncing is set while the picker is updated
	// from the studio (not a designer's choice).
	branchLabel  *widget.Label
	branchSelect *widget.Select
	mergeBtn     *widget.Button
	deleteBtn    *widget.Button // Delete branch…
	syncing      bool

	list        *widget.List
	openBtn     *widget.Button
	compareBtn  *widget.Button
	restoreBtn  *widget.Button
	branchBtn   *widget.Button
	tagBtn      *widget.Button
	message     *widget.Label
	detailTitle *widget.Label
	detail      *widget.Label
	changeList  *widget.List
	headerBlock *widget.Label
	empty       *widget.Label
	box         fyne.CanvasObject
}

// NewHistoryPanel builds the panel; studio may be nil.
func NewHistoryPanel(tr *Translator, studio HistoryStudio, win fyne.Window, host historyHost) *HistoryPanel {
	h := &HistoryPanel{tr: tr, studio: studio, win: win, host: host}
	h.list = widget.NewList(h.rowCount, h.rowCreate, h.rowUpdate)
	h.list.OnSelected = h.onSelected
	h.openBtn = widget.NewButtonWithIcon("", theme.VisibilityIcon(), h.onOpen)
	h.compareBtn = widget.NewButtonWithIcon("", theme.ViewRestoreIcon(), h.onCompare)
	h.restoreBtn = widget.NewButtonWithIcon("", theme.HistoryIcon(), h.onRestore)
	h.branchBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), h.onBranch)
	h.tagBtn = widget.NewButtonWithIcon("", theme.ConfirmIcon(), h.onTag)
	h.message = widget.NewLabel("")
	h.message.Wrapping = fyne.TextWrapWord
	h.message.Hide()
	h.detailTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.detail = widget.NewLabel("")
	h.detail.Wrapping = fyne.TextWrapWord
	h.detail.Selectable = true
	h.changeList = widget.NewList(h.changeCount, h.changeCreate, h.changeUpdate)
	h.changeList.Hide()
	h.headerBlock = widget.NewLabel("")
	h.headerBlock.Wrapping = fyne.TextWrapWord
	h.headerBlock.Hide()
	h.branchLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.branchSelect = widget.NewSelect(nil, h.onBranchPicked)
	h.mergeBtn = widget.NewButtonWithIcon("", theme.MailForwardIcon(), h.onMerge)
	h.deleteBtn = widget.NewButtonWithIcon("", theme.DeleteIcon(), h.onDeleteBranch)
	h.empty = widget.NewLabel("")
	h.empty.Wrapping = fyne.TextWrapWord
	h.empty.Hide()

	buttons := container.NewGridWithColumns(3, h.openBtn, h.compareBtn, h.restoreBtn, h.branchBtn, h.tagBtn)
	// The branch picker, and under it what is done with branches.
	header := container.NewVBox(container.NewBorder(nil, nil, h.branchLabel, nil, h.branchSelect),
		container.NewGridWithColumns(2, h.mergeBtn, h.deleteBtn))
	top := container.NewBorder(header, nil, nil, nil, container.NewStack(h.list, h.empty))
	details := container.NewBorder(container.NewVBox(buttons, h.message, h.detailTitle, h.headerBlock), nil, nil, nil,
		container.NewStack(container.NewVScroll(h.detail), h.changeList))
	split := container.NewVSplit(top, details)
	split.Offset = 0.55
	h.box = split
	h.applyLanguage()
	h.updateButtons()
	h.updateBranches()
	return h
}

// Object is the panel's canvas object.
func (h *HistoryPanel) Object() fyne.CanvasObject { return h.box }

// SetTranslator switches the panel's language.
func (h *HistoryPanel) SetTranslator(tr *Translator) {
	h.tr = tr
	h.applyLanguage()
}

func (h *HistoryPanel) applyLanguage() {
	tr := h.tr
	h.openBtn.SetText(tr.L("history.open"))
	h.compareBtn.SetText(tr.L("history.compare"))
	h.restoreBtn.SetText(tr.L("history.restore"))
	h.branchBtn.SetText(tr.L("history.branch"))
	h.tagBtn.SetText(tr.L("history.tag"))
	h.branchLabel.SetText(tr.L("history.branch_label"))
	h.mergeBtn.SetText(tr.L("history.merge_button"))
	h.deleteBtn.SetText(tr.L("history.delete_branch_button"))
	h.branchSelect.PlaceHolder = tr.L("history.no_branch")
	h.branchSelect.Refresh()
	if h.studio == nil {
		h.empty.SetText(tr.L("history.unavailable"))
	} else {
		h.empty.SetText(tr.L("history.no_versions"))
	}
	if h.diffOld != "" {
		h.splitChanges(h.diff) // the header block in the new language
		h.showChanges()
	} else {
		h.showDetail()
	}
	h.list.Refresh()
}

// SetDesign shows the history of design ("" for none) and forgets the
// selection and any comparison.
func (h *HistoryPanel) SetDesign(design models.ID) {
	h.design, h.selected, h.picking = design, "", ""
	h.clearDiff()
	h.hideMessage()
	h.list.UnselectAll()
	h.Refresh()
	h.list.ScrollToTop()
}

// Refresh re-reads the history from the studio, keeping the selection.
func (h *HistoryPanel) Refresh() {
	h.versions, h.rows, h.refs = nil, nil, map[models.ID][]store.Ref{}
	h.members = nil
	if ss, ok := h.studio.(interface{ Store() *store.Store }); ok {
		h.members = p2p.CurrentMembers(ss.Store())
	}
	if h.studio != nil && h.design != "" {
		vs, err := h.studio.History(h.design)
		if err != nil {
			h.showMessage(err.Error(), true)
		}
		h.versions = orderForGraph(vs)
		h.rows = layoutGraph(h.versions, store.IsMerge)
		for _, r := range h.studio.Refs(h.design) {
			h.refs[r.Version] = append(h.refs[r.Version], r)
		}
	}
	h.lanes = 1
	for _, r := range h.rows {
		h.lanes = max(h.lanes, r.Lanes)
	}
	h.updateBranches()
	h.empty.Hidden = len(h.versions) > 0
	h.empty.Refresh()
	if h.selected != "" {
		if i := h.index(h.selected); i >= 0 {
			h.reselecting = true
			h.list.Select(i)
			h.reselecting = false
		} else {
			h.selected = ""
			h.list.UnselectAll()
		}
	}
	h.list.Refresh()
	h.updateButtons()
	if h.diffOld == "" {
		h.showDetail()
	}
}

func (h *HistoryPanel) index(id models.ID) int {
	return slices.IndexFunc(h.versions, func(v *models.Version) bool { return v.ID == id })
}

func (h *HistoryPanel) version(id models.ID) *models.Version {
	if i := h.index(id); i >= 0 {
		return h.versions[i]
	}
	return nil
}

// Versions lists the versions shown, top to bottom.
func (h *HistoryPanel) Versions() []*models.Version { return h.versions }

// Select selects a version as a click on its row does.
func (h *HistoryPanel) Select(id models.ID) {
	if i := h.index(id); i >= 0 {
		h.list.Select(i)
	}
}

func (h *HistoryPanel) updateButtons() {
	has := h.selected != "" && h.studio != nil
	for _, b := range h.buttons() {
		if has {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if h.picking != "" {
		h.compareBtn.Importance = widget.HighImportance
	} else {
		h.compareBtn.Importance = widget.MediumImportance
	}
	h.compareBtn.Refresh()
}

// --- rows ---

func (h *HistoryPanel) rowCount() int { return len(h.versions) }

func (h *HistoryPanel) rowCreate() fyne.CanvasObject {
	id := widget.NewLabelWithStyle("0000000", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	id.SizeName = theme.SizeNameCaptionText
	// The theme's foreground, not LowImportance (the disabled grey, which
	// was hard to read on dark).
	id.Importance = widget.MediumImportance
	msg := widget.NewLabel("Message")
	msg.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewLabel("Author · 2006-01-02 15:04")
	meta.SizeName = theme.SizeNameCaptionText
	meta.Truncation = fyne.TextTruncateEllipsis
	chips := container.NewHBox(newChip("main", laneColour(0)))
	top := container.NewBorder(nil, nil, chips, nil, msg)
	bottom := container.NewBorder(nil, nil, id, nil, meta)
	text := container.New(layout.NewCustomPaddedVBoxLayout(-14), top, bottom)
	return container.NewBorder(nil, nil, newGraphCell(), nil, text)
}

func (h *HistoryPanel) rowUpdate(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(h.versions) {
		return
	}
	v, row := h.versions[i], h.rows[i]
	outer := o.(*fyne.Container)
	text, cell := outer.Objects[0].(*fyne.Container), outer.Objects[1].(*graphCell)
	cell.set(row, h.lanes)
	top, bottom := text.Objects[0].(*fyne.Container), text.Objects[1].(*fyne.Container)
	msg, chips := top.Objects[0].(*widget.Label), top.Objects[1].(*fyne.Container)
	meta, id := bottom.Objects[0].(*widget.Label), bottom.Objects[1].(*widget.Label)

	merge := store.IsMerge(v)
	message := firstLine(v.Message)
	if merge {
		message = h.tr.L("history.merge")
	}
	msg.TextStyle.Italic = merge
	msg.SetText(message)
	id.SetText(store.Short(v.ID))
	author := authorName(v.Author)
	if merge {
		author = h.tr.L("history.merge_author")
	}
	meta.Importance = widget.MediumImportance
	if h.NotMember(v) {
		author += " · " + h.tr.L("history.not_member")
		meta.Importance = widget.WarningImportance
	}
	meta.SetText(author + " · " + formatTime(v.Time))

	chips.Objects = chips.Objects[:0]
	current := h.Branch()
	for _, r := range h.refs[v.ID] {
		if r.Kind == store.RefBranch {
			name := r.Name
			if name == current { // the branch the window works on
				name = "● " + name
			}
			chips.Objects = append(chips.Objects, newChip(name, laneColour(row.Lane)))
		}
	}
	for _, r := range h.refs[v.ID] {
		if r.Kind == store.RefTag {
			chips.Objects = append(chips.Objects, newChip("◆ "+r.Name, colTag))
		}
	}
	chips.Refresh()
	top.Refresh()
}

var colTag = color.NRGBA{R: 0x44, G: 0x6b, B: 0x7a, A: 0xff}

// newChip is a branch or tag label: white text on a rounded colour.
func newChip(text string, bg color.Color) fyne.CanvasObject {
	t := fynecanvas.NewText(text, color.White)
	t.TextSize = theme.CaptionTextSize()
	t.TextStyle.Bold = true
	r := fynecanvas.NewRectangle(bg)
	r.CornerRadius = 4
	return container.NewCenter(container.NewStack(r, container.New(layout.NewCustomPaddedLayout(1, 1, 5, 5), t)))
}

// NotMember reports whether v was made by a peer that is not a current
// member of the studio (merges and the samples' roots are nobody's).
func (h *HistoryPanel) NotMember(v *models.Version) bool {
	return !store.IsMerge(v) && !store.IsRoot(v) && !h.members.Has(v.Author.PeerID)
}

// authorName is the designer's display name, or the start of their key
// when they never set one.
func authorName(a models.Author) string {
	if a.Name != "" {
		return a.Name
	}
	return shortID(models.ID(strings.TrimPrefix(a.PeerID, "ed25519:")))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// formatTime shows a version's time in the designer's time zone.
func formatTime(t models.HLC) string {
	return time.UnixMilli(t.Wall).Local().Format("2006-01-02 15:04")
}

func (h *HistoryPanel) onSelected(i widget.ListItemID) {
	if i < 0 || i >= len(h.versions) {
		return
	}
	h.selected = h.versions[i].ID
	if h.reselecting {
		h.updateButtons()
		return
	}
	h.hideMessage()
	if h.picking != "" && h.picking != h.selected {
		first := h.picking
		h.picking = ""
		h.Compare(first, h.selected)
	} else if h.diffOld == "" {
		h.showDetail()
	}
	h.updateButtons()
}

// showDetail describes the selected version below the graph.
func (h *HistoryPanel) showDetail() {
	h.changeList.Hide()
	v := h.version(h.selected)
	if v == nil {
		h.detailTitle.SetText("")
		h.detail.SetText(h.tr.L("history.hint"))
		return
	}
	tr := h.tr
	h.detailTitle.SetText(tr.L("history.version", map[string]any{"Version": store.Short(v.ID)}))
	var b strings.Builder
	if store.IsMerge(v) {
		b.WriteString(tr.L("history.merge_detail"))
	} else {
		b.WriteString(v.Message)
		b.WriteString("\n" + tr.L("history.by", map[string]any{"Author": authorName(v.Author)}))
		if h.NotMember(v) {
			b.WriteString(" (" + tr.L("history.not_member") + ")")
		}
	}
	b.WriteString("\n" + formatTime(v.Time))
	if len(v.Parents) > 0 {
		var ps []string
		for _, p := range v.Parents {
			ps = append(ps, store.Short(p))
		}
		b.WriteString("\n" + tr.L("history.parents") + ": " + strings.Join(ps, ", "))
	}
	var names []string
	for _, r := range h.refs[v.ID] {
		names = append(names, tr.L("ref."+string(r.Kind))+" "+r.Name)
	}
	if len(names) > 0 {
		b.WriteString("\n" + strings.Join(names, ", "))
	}
	b.WriteString("\n" + string(v.ID))
	h.detail.SetText(b.String())
}

func (h *HistoryPanel) showMessage(text string, bad bool) {
	h.message.Importance = widget.SuccessImportance
	if bad {
		h.message.Importance = widget.DangerImportance
	}
	h.message.SetText(text)
	h.message.Show()
}

func (h *HistoryPanel) hideMessage() { h.message.Hide() }

// Message is the panel's last message ("" when none).
func (h *HistoryPanel) Message() string {
	if !h.message.Visible() {
		return ""
	}
	return h.message.Text
}

// --- actions ---

// onOpen shows the selected version read-only in the editor.
func (h *HistoryPanel) onOpen() { h.Open(h.selected) }

// Open shows version id read-only in the editor.
func (h *HistoryPanel) Open(id models.ID) {
	v := h.version(id)
	if v == nil || h.studio == nil {
		return
	}
	h.hideMessage()
	d, err := h.studio.Checkout(id)
	if err != nil {
		h.showMessage(err.Error(), true)
		return
	}
	h.clearDiff()
	h.showDetail()
	h.host.showVersion(d, nil, h.tr.L("history.viewing",
		map[string]any{"Version": store.Short(id), "Time": formatTime(v.Time)}))
}

// onCompare starts a comparison: the next version clicked is compared with
// the selected one.
func (h *HistoryPanel) onCompare() {
	if h.selected == "" {
		return
	}
	h.hideMessage()
	if h.picking != "" {
		h.picking = ""
		h.updateButtons()
		return
	}
	h.picking = h.selected
	h.showMessage(h.tr.L("history.pick", map[string]any{"Version": store.Short(h.selected)}), false)
	h.message.Importance = widget.HighImportance
	h.message.Refresh()
	h.updateButtons()
}

// Compare shows the difference between two versions: the editor draws the
// newer one with added elements green, changed amber and removed ones
// (taken from the older) red, and the panel lists every change.
func (h *HistoryPanel) Compare(a, b models.ID) {
	va, vb := h.version(a), h.version(b)
	if va == nil || vb == nil || h.studio == nil || a == b {
		return
	}
	// Rows run newest first, so the larger index is the older version.
	if h.index(a) < h.index(b) {
		va, vb = vb, va
	}
	h.hideMessage()
	changes, err := h.studio.Diff(va.ID, vb.ID)
	if err != nil {
		h.showMessage(err.Error(), true)
		return
	}
	d, err := h.diffDesign(va.ID, vb.ID, changes)
	if err != nil {
		h.showMessage(err.Error(), true)
		return
	}
	older, _ := h.studio.Checkout(va.ID) // for the names of removed elements
	hl := map[models.ID]color.Color{}
	for _, c := range changes {
		switch {
		case c.Prop == "" && c.Op == models.OpAdded:
			hl[c.Element] = colAdded
		case c.Prop == "" && c.Op == models.OpRemoved:
			hl[c.Element] = colRemoved
		default:
			if _, ok := hl[c.Element]; !ok {
				hl[c.Element] = colChanged
			}
		}
	}
	h.diffOld, h.diffNew, h.highlight = va.ID, vb.ID, hl
	h.diff = changes
	h.changes = describeChanges(h.tr, changes, elementNames(h.tr, older, d))
	h.splitChanges(changes)
	h.ghost = nil
	if older != nil && lastChanged(changes) {
		l := older.Last
		h.ghost = &l
	}
	h.showChanges()
	h.host.showComparison(d, hl, h.ghost, h.tr.L("history.comparing", map[string]any{
		"Old": shortID(va.ID), "New": shortID(vb.ID), "Count": len(h.changes)}))
}

// diffDesign is the newer version with the elements the older had and the
// newer lacks put back, so the removed ones can be drawn in red.
func (h *HistoryPanel) diffDesign(older, newer models.ID, changes []models.Change) (*models.Design, error) {
	removed := false
	for _, c := range changes {
		removed = removed || (c.Prop == "" && c.Op == models.OpRemoved)
	}
	if !removed {
		return h.studio.Checkout(newer)
	}
	so, err := h.studio.Snapshot(older)
	if err != nil {
		return nil, err
	}
	sn, err := h.studio.Snapshot(newer)
	if err != nil {
		return nil, err
	}
	union := make(models.Snapshot, len(sn))
	for id, e := range sn {
		union[id] = e
	}
	for _, c := range changes {
		if c.Prop == "" && c.Op == models.OpRemoved {
			union[c.Element] = so[c.Element]
		}
	}
	d, err := models.DesignFromSnapshot(h.design, union)
	if err != nil { // the old elements do not fit in; show the newer alone
		return h.studio.Checkout(newer)
	}
	return d, nil
}

// Highlight is the visual diff's colouring (nil outside a comparison).
func (h *HistoryPanel) Highlight() map[models.ID]color.Color { return h.highlight }

// Changes lists the rows of the comparison shown.
func (h *HistoryPanel) Changes() []changeLine { return h.changes }

func (h *HistoryPanel) showChanges() {
	h.detailTitle.SetText(h.tr.L("history.changes", map[string]any{
		"Old": store.Short(h.diffOld), "New": store.Short(h.diffNew), "Count": len(h.changes)}))
	h.showHeaderBlock()
	if len(h.changes) == 0 {
		h.changeList.Hide()
		h.detail.SetText(h.tr.L("history.no_changes"))
		return
	}
	h.detail.SetText("")
	if len(h.listed) == 0 {
		h.changeList.Hide()
		return
	}
	h.changeList.Show()
	h.changeList.Refresh()
	h.changeList.ScrollToTop()
}

// clearDiff forgets the comparison (the window goes back to the head).
func (h *HistoryPanel) clearDiff() {
	h.diffOld, h.diffNew, h.changes, h.highlight = "", "", nil, nil
	h.diff, h.listed, h.headerChanges, h.ghost = nil, nil, nil, nil
	h.changeList.Hide()
	h.headerBlock.Hide()
}

// leaveView is called when the window goes back to the current version.
func (h *HistoryPanel) leaveView() {
	h.clearDiff()
	h.hideMessage()
	h.picking = ""
	h.updateButtons()
	h.showDetail()
}

func (h *HistoryPanel) changeCount() int { return len(h.listed) }

func (h *HistoryPanel) changeCreate() fyne.CanvasObject {
	swatch := fynecanvas.NewRectangle(colChanged)
	swatch.SetMinSize(fyne.NewSize(4, 10))
	what := widget.NewLabelWithStyle("Element", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what.Truncation = fyne.TextTruncateEllipsis
	how := widget.NewLabel("property: old → new")
	how.SizeName = theme.SizeNameCaptionText
	how.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, swatch, nil, container.New(layout.NewCustomPaddedVBoxLayout(-14), what, how))
}

func (h *HistoryPanel) changeUpdate(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(h.listed) {
		return
	}
	c := h.listed[i]
	outer := o.(*fyne.Container)
	text, swatch := outer.Objects[0].(*fyne.Container), outer.Objects[1].(*fynecanvas.Rectangle)
	what, how := text.Objects[0].(*widget.Label), text.Objects[1].(*widget.Label)
	col := colChanged
	switch {
	case c.Prop == "" && c.Op == models.OpAdded:
		col = colAdded
	case c.Prop == "" && c.Op == models.OpRemoved:
		col = colRemoved
	}
	swatch.FillColor = col
	swatch.Refresh()
	what.SetText(c.What)
	how.SetText(c.Describe(h.tr))
}

// Describe is the change for people: "Ball girth: 232 mm → 236 mm".
func (c changeLine) Describe(tr *Translator) string {
	if c.Prop == "" {
		return tr.L("history." + string(c.Op))
	}
	if c.Note != "" {
		return c.Prop + ": " + c.Note
	}
	switch c.Op {
	case models.OpAdded:
		return c.Prop + ": " + c.New + " (" + tr.L("history.added") + ")"
	case models.OpRemoved:
		return c.Prop + ": " + c.Old + " (" + tr.L("history.removed") + ")"
	}
	return c.Prop + ": " + c.Old + " → " + c.New
}

// onRestore asks, then commits on the current branch a new version with
// the selected version's content.
func (h *HistoryPanel) onRestore() {
	id := h.selected
	if id == "" {
		return
	}
	h.hideMessage()
	tr := h.tr
	d := dialog.NewConfirm(tr.L("history.restore_title"),
		tr.L("history.restore_confirm", map[string]any{"Version": store.Short(id), "Branch": h.Branch()}),
		func(ok bool) {
			if ok {
				h.Restore(id)
			}
		}, h.win)
	d.SetConfirmText(tr.L("history.restore_do"))
	d.SetDismissText(tr.L("history.cancel"))
	d.Show()
}

// Restore commits on the current branch a version with the content of id.
func (h *HistoryPanel) Restore(id models.ID) {
	if h.studio == nil {
		return
	}
	h.hideMessage()
	branch := h.Branch()
	if err := h.host.saveEdits(); err != nil {
		h.showMessage(h.tr.L("history.restore_failed", map[string]any{"Error": err.Error()}), true)
		return
	}
	v, err := h.studio.Restore(h.design, id)
	switch {
	case errors.Is(err, store.ErrNoChange):
		h.showMessage(h.tr.L("history.no_change", map[string]any{"Version": store.Short(id), "Branch": branch}), false)
		return
	case err != nil:
		h.showMessage(h.tr.L("history.restore_failed", map[string]any{"Error": err.Error()}), true)
		return
	}
	h.selected = v.ID
	h.Refresh()
	h.host.showCurrent()
	h.showMessage(h.tr.L("history.restored", map[string]any{"Version": store.Short(id), "New": store.Short(v.ID), "Branch": branch}), false)
}

func (h *HistoryPanel) onBranch() {
	h.hideMessage()
	// Creating a branch offers to switch to it (ticked by default).
	sw := widget.NewCheck(h.tr.L("history.switch_to_new"), nil)
	sw.SetChecked(true)
	h.askName(h.tr.L("history.branch_title", map[string]any{"Version": store.Short(h.selected)}), func(name string) {
		if h.CreateBranch(name) && sw.Checked {
			h.SwitchBranch(name)
		}
	}, widget.NewFormItem("", sw))
}

func (h *HistoryPanel) onTag() {
	h.hideMessage()
	h.askName(h.tr.L("history.tag_title", map[string]any{"Version": store.Short(h.selected)}), h.CreateTag)
}

// askName asks for a branch or tag name (and any extra fields) and passes
// it to create.
func (h *HistoryPanel) askName(title string, create func(name string), extra ...*widget.FormItem) {
	if h.selected == "" {
		return
	}
	entry := widget.NewEntry()
	entry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(h.tr.L("history.name_needed"))
		}
		return nil
	}
	d := dialog.NewForm(title, h.tr.L("history.create"), h.tr.L("history.cancel"),
		append([]*widget.FormItem{widget.NewFormItem(h.tr.L("history.name"), entry)}, extra...),
		func(ok bool) {
			if ok {
				create(strings.TrimSpace(entry.Text))
			}
		}, h.win)
	submitOnEnter(d, entry)
	d.Resize(fyne.NewSize(380, d.MinSize().Height))
	d.Show()
	h.win.Canvas().Focus(entry)
}

// CreateBranch creates branch name at the selected version and reports
// whether it did.
func (h *HistoryPanel) CreateBranch(name string) bool {
	id := h.selected
	if h.studio == nil || id == "" {
		return false
	}
	h.hideMessage()
	err := h.studio.Branch(h.design, name, id)
	switch {
	case errors.Is(err, store.ErrExists):
		h.showMessage(h.tr.L("history.branch_exists", map[string]any{"Name": name}), true)
		return false
	case err != nil:
		h.showMessage(h.tr.L("history.branch_failed", map[string]any{"Error": err.Error()}), true)
		return false
	}
	h.Refresh()
	h.showMessage(h.tr.L("history.branched", map[string]any{"Name": name, "Version": store.Short(id)}), false)
	return true
}

// CreateTag tags the selected version; an existing tag is never moved.
func (h *HistoryPanel) CreateTag(name string) {
	id := h.selected
	if h.studio == nil || id == "" {
		return
	}
	h.hideMessage()
	err := h.studio.Tag(h.design, name, id)
	switch {
	case errors.Is(err, store.ErrExists):
		at := ""
		for _, r := range h.studio.Refs(h.design) {
			if r.Kind == store.RefTag && r.Name == name {
				at = store.Short(r.Version)
			}
		}
		h.showMessage(h.tr.L("history.tag_exists", map[string]any{"Name": name, "Version": at}), true)
		return
	case err != nil:
		h.showMessage(h.tr.L("history.tag_failed", map[string]any{"Error": err.Error()}), true)
		return
	}
	h.Refresh()
	h.showMessage(h.tr.L("history.tagged", map[string]any{"Name": name, "Version": store.Short(id)}), false)
}

// buttons are the panel's action buttons, in order.
func (h *HistoryPanel) buttons() []*widget.Button {
	return []*widget.Button{h.openBtn, h.compareBtn, h.restoreBtn, h.branchBtn, h.tagBtn}
}
