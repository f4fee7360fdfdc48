package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
	"cordwain/models/store"
)

// The History tab's branches: the picker of the current branch and
// Merge….

// branchStudio is the studio's branch side, or nil when it has none.
func (h *HistoryPanel) branchStudio() BranchStudio {
	bs, ok := h.studio.(BranchStudio)
	if !ok || h.design == "" {
		return nil
	}
	if ss, isStore := bs.(*StoreStudio); isStore && ss == nil {
		return nil
	}
	return bs
}

// Branch is the branch the window works on (main when the studio keeps
// no branches).
func (h *HistoryPanel) Branch() string {
	if bs := h.branchStudio(); bs != nil {
		return bs.CurrentBranch(h.design)
	}
	return store.DefaultBranch
}

// updateBranches fills the picker from the studio and shows the current
// branch in it.
func (h *HistoryPanel) updateBranches() {
	h.syncing = true
	defer func() { h.syncing = false }()
	bs := h.branchStudio()
	if bs == nil {
		h.branchSelect.Options = nil
		h.branchSelect.ClearSelected()
		h.branchSelect.Disable()
		h.mergeBtn.Disable()
		h.deleteBtn.Disable()
		return
	}
	h.branchSelect.Options = bs.Branches(h.design)
	h.branchSelect.Enable()
	h.branchSelect.SetSelected(bs.CurrentBranch(h.design))
	h.branchSelect.Refresh()
	if len(h.branchSelect.Options) > 1 {
		h.mergeBtn.Enable()
	} else {
		h.mergeBtn.Disable()
	}
	if len(h.deletableBranches(bs)) > 0 {
		h.deleteBtn.Enable()
	} else {
		h.deleteBtn.Disable()
	}
}

// deletableBranches are the design's branches that Delete branch… offers:
// all but main and the current branch.
func (h *HistoryPanel) deletableBranches(bs BranchStudio) []string {
	current := bs.CurrentBranch(h.design)
	var out []string
	for _, n := range bs.Branches(h.design) {
		if n != store.DefaultBranch && n != current {
			out = append(out, n)
		}
	}
	return out
}

// onDeleteBranch asks which branch to delete, and confirms: by default a
// branch at the selected version, else the first one offered.
func (h *HistoryPanel) onDeleteBranch() {
	bs := h.branchStudio()
	if bs == nil {
		return
	}
	h.hideMessage()
	names := h.deletableBranches(bs)
	if len(names) == 0 {
		h.showMessage(h.tr.L("history.delete_branch_none"), true)
		return
	}
	pick := names[0]
	for _, r := range h.refs[h.selected] {
		if r.Kind == store.RefBranch && slices.Contains(names, r.Name) {
			pick = r.Name
			break
		}
	}
	tr := h.tr
	sel := widget.NewSelect(names, nil)
	sel.SetSelected(pick)
	note := widget.NewLabel(tr.L("history.delete_branch_note"))
	note.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(widget.NewForm(widget.NewFormItem(tr.L("history.delete_branch_which"), sel)), note)
	d := dialog.NewCustomConfirm(tr.L("history.delete_branch_title"), tr.L("history.delete_branch_do"), tr.L("history.cancel"),
		content, func(ok bool) {
			if ok {
				h.DeleteBranch(sel.Selected)
			}
		}, h.win)
	d.Resize(fyne.NewSize(380, d.MinSize().Height))
	d.Show()
}

// DeleteBranch deletes branch name of the open design: its versions stay
// in the history, only the name goes. Main and the current branch cannot
// be deleted. On error nothing changes and the panel says why.
func (h *HistoryPanel) DeleteBranch(name string) {
	bs := h.branchStudio()
	if bs == nil {
		return
	}
	h.hideMessage()
	if name == "" || name == store.DefaultBranch || name == bs.CurrentBranch(h.design) {
		h.showMessage(h.tr.L("history.delete_branch_refused", map[string]any{"Name": name}), true)
		return
	}
	if err := bs.DeleteBranch(h.design, name); err != nil {
		h.showMessage(h.tr.L("history.delete_branch_failed", map[string]any{"Name": name, "Error": err.Error()}), true)
		return
	}
	h.Refresh()
	h.showMessage(h.tr.L("history.branch_deleted", map[string]any{"Name": name}), false)
}

// onBranchPicked: the designer chose a branch in the picker.
func (h *HistoryPanel) onBranchPicked(name string) {
	if h.syncing || name == "" {
		return
	}
	h.SwitchBranch(name)
}

// SwitchBranch makes name the current branch of the open design: edits
// not yet saved are saved on the branch they were made on, then the
// window draws name's head and later commits go to it. On error nothing
// changes and the panel says why.
func (h *HistoryPanel) SwitchBranch(name string) {
	bs := h.branchStudio()
	if bs == nil {
		return
	}
	h.hideMessage()
	from := bs.CurrentBranch(h.design)
	if name == from {
		h.updateBranches()
		return
	}
	if err := h.host.saveEdits(); err != nil {
		h.showMessage(h.tr.L("history.switch_failed", map[string]any{"Name": name, "Error": err.Error()}), true)
		h.updateBranches()
		return
	}
	if err := bs.SwitchBranch(h.design, name); err != nil {
		h.showMessage(h.tr.L("history.switch_failed", map[string]any{"Name": name, "Error": err.Error()}), true)
		h.updateBranches()
		return
	}
	h.picking = ""
	h.clearDiff()
	h.host.branchSwitched()
	h.Refresh()
	h.showMessage(h.tr.L("history.switched", map[string]any{"Name": name}), false)
}

// branchGone says that the design's remembered branch name is gone and
// the design opened on main.
func (h *HistoryPanel) branchGone(name string) {
	h.showMessage(h.tr.L("history.branch_gone", map[string]any{"Name": name}), false)
	h.message.Importance = widget.WarningImportance
	h.message.Refresh()
}

// onMerge asks which branch to merge into which: by default the current
// branch into main, or (on main) the first other branch into main.
func (h *HistoryPanel) onMerge() {
	bs := h.branchStudio()
	if bs == nil {
		return
	}
	h.hideMessage()
	names := bs.Branches(h.design)
	if len(names) < 2 {
		h.showMessage(h.tr.L("history.merge_nothing"), true)
		return
	}
	into, from := store.DefaultBranch, bs.CurrentBranch(h.design)
	if from == into {
		for _, n := range names {
			if n != into {
				from = n
				break
			}
		}
	}
	tr := h.tr
	fromSel := widget.NewSelect(names, nil)
	fromSel.SetSelected(from)
	intoSel := widget.NewSelect(names, nil)
	intoSel.SetSelected(into)
	d := dialog.NewForm(tr.L("history.merge_title"), tr.L("history.merge_do"), tr.L("history.cancel"),
		[]*widget.FormItem{
			widget.NewFormItem(tr.L("history.merge_from"), fromSel),
			widget.NewFormItem(tr.L("history.merge_into"), intoSel),
		},
		func(ok bool) {
			if ok {
				h.Merge(fromSel.Selected, intoSel.Selected)
			}
		}, h.win)
	d.Resize(fyne.NewSize(380, d.MinSize().Height))
	d.Show()
}

// Merge merges the head of branch from into branch into with the store's
// deterministic merge: a fast-forward when into's head is an ancestor,
// nothing when into has it already, else a merge version, selected in the
// graph, with its conflicts named in the panel (and listed in the
// Conflicts tab). Edits not yet saved are saved first. On error nothing
// changes and the panel says why.
func (h *HistoryPanel) Merge(from, into string) {
	bs := h.branchStudio()
	if bs == nil {
		return
	}
	h.hideMessage()
	tr := h.tr
	fail := func(err error) {
		h.showMessage(tr.L("history.merge_failed", map[string]any{"From": from, "Into": into, "Error": err.Error()}), true)
	}
	if from == "" || into == "" || from == into {
		h.showMessage(tr.L("history.merge_same"), true)
		return
	}
	if err := h.host.saveEdits(); err != nil {
		fail(err)
		return
	}
	res, err := bs.MergeBranch(h.design, from, into)
	if err != nil {
		fail(err)
		return
	}
	h.picking = ""
	h.clearDiff()
	if res.Kind != MergeUpToDate {
		h.selected = res.Head.ID
	}
	if into == bs.CurrentBranch(h.design) {
		h.host.showCurrent() // the drawing shows the merged head
	}
	h.Refresh()
	if i := h.index(h.selected); i >= 0 {
		h.reselecting = true
		h.list.Select(i)
		h.reselecting = false
		h.showDetail()
	}
	args := map[string]any{"From": from, "Into": into, "Version": store.Short(res.Head.ID), "Count": len(res.Conflicts)}
	switch res.Kind {
	case MergeUpToDate:
		h.showMessage(tr.L("history.merge_uptodate", args), false)
	case MergeFastForward:
		h.showMessage(tr.L("history.merge_ff", args), false)
	default:
		msg := tr.L("history.merged", args)
		if len(res.Conflicts) > 0 {
			msg = tr.L("history.merged_conflicts", args) + "\n" + h.describeConflicts(res.Conflicts)
		}
		h.showMessage(msg, len(res.Conflicts) > 0)
		if len(res.Conflicts) > 0 {
			h.message.Importance = widget.WarningImportance
			h.message.Refresh()
		}
	}
}

// describeConflicts names a merge's conflicts, one a line: the element and
// property, the value kept and the other one.
func (h *HistoryPanel) describeConflicts(cs []store.ConflictRecord) string {
	var ds []*models.Design
	if v, err := h.studio.Checkout(cs[0].Merge); err == nil {
		ds = append(ds, v)
	}
	names := elementNames(h.tr, ds...)
	var b strings.Builder
	for i, c := range cs {
		if i == 6 {
			b.WriteString("\n" + h.tr.L("history.more", map[string]any{"Count": len(cs) - i}))
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		what := elementName(names, h.tr, c.Element, "")
		if c.Prop != "" {
			what += " · " + propLabel(h.tr, c.Prop)
		}
		b.WriteString(h.tr.L("history.conflict_line", map[string]any{"What": what,
			"Kept": conflictValue(h.tr, c, c.Winner), "Other": conflictValue(h.tr, c, c.Loser)}))
	}
	return b.String()
}

// conflictValue shows one side of a conflict as the Conflicts tab does.
func conflictValue(tr *Translator, r store.ConflictRecord, b []byte) string {
	return (&ConflictsPanel{tr: tr}).value(r, b)
}
