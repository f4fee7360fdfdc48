package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
	"cordwain/models/store"
)

// ConflictsPanel is the Conflicts tab: every (element, property) that two
// merged lines of work changed differently, the value kept and the other
// one, and a Flip button that makes the other value win on main.
type ConflictsPanel struct {
	tr     *Translator
	studio HistoryStudio // nil when the studio keeps no history
	design models.ID

	conflicts []store.ConflictRecord
	names     map[models.ID]string
	authors   map[string]string // peer ID → display name

	list    *widget.List
	empty   *widget.Label
	message *widget.Label
	intro   *widget.Label
	box     fyne.CanvasObject
	// onCount is told how many conflicts wait for review (for the tab title).
	onCount func(int)
	// OnWrite is called after a flip committed a version, so the window
	// shows the new head without waiting for the store's notification.
	OnWrite func()
}

// NewConflictsPanel builds the panel; studio may be nil.
func NewConflictsPanel(tr *Translator, studio HistoryStudio, onCount func(int)) *ConflictsPanel {
	c := &ConflictsPanel{tr: tr, studio: studio, onCount: onCount}
	c.list = widget.NewList(c.rowCount, c.rowCreate, c.rowUpdate)
	c.list.OnSelected = func(widget.ListItemID) {
		// A click on a row is the next action: the last one's message goes,
		// as in the History tab.
		c.hideMessage()
		c.list.UnselectAll()
	}
	c.empty = widget.NewLabel("")
	c.empty.Wrapping = fyne.TextWrapWord
	c.message = widget.NewLabel("")
	c.message.Wrapping = fyne.TextWrapWord
	c.message.Hide()
	c.intro = widget.NewLabel("")
	c.intro.Wrapping = fyne.TextWrapWord
	c.intro.SizeName = theme.SizeNameCaptionText
	c.box = container.NewBorder(container.NewVBox(c.intro, c.message), nil, nil, nil, container.NewStack(c.list, c.empty))
	c.applyLanguage()
	return c
}

// Object is the panel's canvas object.
func (c *ConflictsPanel) Object() fyne.CanvasObject { return c.box }

// SetTranslator switches the panel's language.
func (c *ConflictsPanel) SetTranslator(tr *Translator) {
	c.tr = tr
	c.applyLanguage()
	c.Refresh()
}

func (c *ConflictsPanel) applyLanguage() {
	c.intro.SetText(c.tr.L("conflicts.intro"))
	if c.studio == nil {
		c.empty.SetText(c.tr.L("history.unavailable"))
	} else {
		c.empty.SetText(c.tr.L("conflicts.none"))
	}
}

// SetDesign shows the conflicts of design.
func (c *ConflictsPanel) SetDesign(design models.ID) {
	c.design = design
	c.hideMessage()
	c.Refresh()
}

// hideMessage clears the message of the last action: each action (a
// flip, a click on a row, another design) starts without it, as in the
// History tab.
func (c *ConflictsPanel) hideMessage() {
	if c.message.Visible() {
		c.message.Hide()
	}
}

// Refresh re-reads the conflicts from the studio.
func (c *ConflictsPanel) Refresh() {
	c.conflicts, c.names, c.authors = nil, map[models.ID]string{}, map[string]string{}
	if c.studio != nil && c.design != "" {
		c.conflicts = c.studio.Conflicts(c.design)
		if vs, err := c.studio.History(c.design); err == nil {
			for _, v := range vs {
				if v.Author.PeerID != "" {
					c.authors[v.Author.PeerID] = authorName(v.Author)
				}
			}
			// Name elements by the newest of the recent versions that has
			// them (a conflict's element may have been deleted since).
			var ds []*models.Design
			for i := min(len(vs), 8) - 1; i >= 0; i-- {
				if d, err := c.studio.Checkout(vs[i].ID); err == nil {
					ds = append(ds, d)
				}
			}
			c.names = elementNames(c.tr, ds...)
		}
	}
	open := 0
	for _, r := range c.conflicts {
		if r.FlippedBy == "" {
			open++
		}
	}
	c.empty.Hidden = len(c.conflicts) > 0
	c.empty.Refresh()
	c.intro.Hidden = len(c.conflicts) == 0
	c.intro.Refresh()
	c.list.Refresh()
	if c.onCount != nil {
		c.onCount(open)
	}
}

// Conflicts lists the conflicts shown.
func (c *ConflictsPanel) Conflicts() []store.ConflictRecord { return c.conflicts }

// Message is the panel's last message ("" when none).
func (c *ConflictsPanel) Message() string {
	if !c.message.Visible() {
		return ""
	}
	return c.message.Text
}

func (c *ConflictsPanel) rowCount() int { return len(c.conflicts) }

func (c *ConflictsPanel) rowCreate() fyne.CanvasObject {
	what := widget.NewLabelWithStyle("Element · property", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what.Truncation = fyne.TextTruncateEllipsis
	kept := widget.NewLabel("Kept")
	kept.SizeName = theme.SizeNameCaptionText
	kept.Truncation = fyne.TextTruncateEllipsis
	other := widget.NewLabel("Other")
	other.SizeName = theme.SizeNameCaptionText
	other.Truncation = fyne.TextTruncateEllipsis
	flip := widget.NewButtonWithIcon("Flip", theme.ViewRefreshIcon(), nil)
	text := container.New(layout.NewCustomPaddedVBoxLayout(-14), what, kept, other)
	return container.NewBorder(nil, nil, nil, container.NewCenter(flip), text)
}

func (c *ConflictsPanel) rowUpdate(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(c.conflicts) {
		return
	}
	r := c.conflicts[i]
	tr := c.tr
	outer := o.(*fyne.Container)
	text := outer.Objects[0].(*fyne.Container)
	flip := outer.Objects[1].(*fyne.Container).Objects[0].(*widget.Button)
	what := text.Objects[0].(*widget.Label)
	kept, other := text.Objects[1].(*widget.Label), text.Objects[2].(*widget.Label)

	name := elementName(c.names, tr, r.Element, "")
	if r.Prop == "" {
		what.SetText(name + " · " + tr.L("conflicts.element"))
	} else {
		what.SetText(name + " · " + propLabel(tr, r.Prop))
	}
	kept.SetText(tr.L("conflicts.kept", map[string]any{"Value": c.value(r, r.Winner), "Who": c.who(r.WinnerStamp)}))
	other.SetText(tr.L("conflicts.other", map[string]any{"Value": c.value(r, r.Loser), "Who": c.who(r.LoserStamp)}))
	key := r.Key
	if r.FlippedBy != "" {
		what.SetText(what.Text + " · " + tr.L("conflicts.flipped", map[string]any{"Version": shortID(r.FlippedBy)}))
		flip.SetText(tr.L("conflicts.flipped_button"))
		flip.Disable()
		flip.OnTapped = nil
	} else {
		flip.SetText(tr.L("conflicts.flip"))
		flip.Enable()
		flip.OnTapped = func() { c.Flip(key) }
	}
}

func (c *ConflictsPanel) value(r store.ConflictRecord, b []byte) string {
	switch {
	case r.Prop == "" && b == nil:
		return c.tr.L("conflicts.deleted")
	case r.Prop == "":
		return c.tr.L("conflicts.present")
	case r.Prop == models.KindProp:
		return string(b)
	case b == nil:
		return c.tr.L("conflicts.unset")
	}
	return formatValue(c.tr, r.Prop, b)
}

func (c *ConflictsPanel) who(s models.Stamp) string {
	name := c.authors[s.Author]
	if name == "" {
		name = c.tr.L("conflicts.someone")
	}
	return name + ", " + formatTime(s.Time)
}

// branch is the branch flips commit to: the design's current branch.
func (c *ConflictsPanel) branch() string {
	bs, ok := c.studio.(BranchStudio)
	if ss, isStore := bs.(*StoreStudio); !ok || c.design == "" || (isStore && ss == nil) {
		return store.DefaultBranch
	}
	return bs.CurrentBranch(c.design)
}

// Flip makes the other value of conflict key win on the current branch.
func (c *ConflictsPanel) Flip(key string) {
	c.hideMessage()
	if c.studio == nil {
		return
	}
	v, err := c.studio.FlipConflict(key)
	if err != nil {
		c.message.Importance = widget.DangerImportance
		c.message.SetText(c.tr.L("conflicts.flip_failed", map[string]any{"Error": err.Error()}))
	} else {
		c.message.Importance = widget.SuccessImportance
		c.message.SetText(c.tr.L("conflicts.flip_done", map[string]any{"Version": store.Short(v.ID), "Branch": c.branch()}))
	}
	c.message.Show()
	c.Refresh()
	if err == nil && c.OnWrite != nil {
		c.OnWrite()
	}
}
