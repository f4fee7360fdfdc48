package app

import (
	"errors"
	"image/color"

	"cordwain/models"
	"cordwain/models/store"
)

// The window's side of the History tab's branches and comparisons (the
// historyHost methods beyond showing a version).

// saveEdits saves the open design's edits not yet saved, on the branch
// they were made on, before the branch under them changes (a switch, a
// merge into it).
func (u *UI) saveEdits() error {
	s := u.editor.Session()
	if !s.Dirty() {
		return nil
	}
	_, err := s.Save("")
	return err
}

// branchSwitched shows the head of the open design's new current branch:
// any old version or comparison is left, the editing session starts again
// on that head (the undo stack belongs to the other branch), and the
// inspector, title and tabs follow.
func (u *UI) branchSwitched() {
	if u.current == nil || u.studio == nil {
		return
	}
	if u.viewing {
		u.leaveView()
		u.editor.ShowVersion(nil)
	}
	d, err := u.studio.Design(u.current.ID)
	if err != nil {
		u.showError(u.tr.L("error.load_design"), err)
		return
	}
	u.editor.Session().Load(d)
	if u.net != nil {
		// The sync notice's "new head" baseline is the new branch's head,
		// not a change by a peer.
		u.net.headDesign = ""
	}
	u.refreshCurrent()
	u.updateTitle()
	u.rememberBranch(u.current.ID)
}

// branchStudio is the studio's branch side, or nil when it has none.
func (u *UI) branchStudio() BranchStudio {
	bs, ok := u.studio.(BranchStudio)
	if ss, isStore := bs.(*StoreStudio); !ok || (isStore && ss == nil) {
		return nil
	}
	return bs
}

// rememberBranch keeps design's current branch in the settings, so that
// the design opens on it after a restart. The settings writer writes once
// the settings are idle: switching back and forth is one write.
func (u *UI) rememberBranch(design models.ID) {
	bs := u.branchStudio()
	if bs == nil {
		return
	}
	if s := u.settings.withBranch(design, bs.CurrentBranch(design)); s != u.settings {
		u.settings = s
		u.prefs.Set(u.settings)
	}
}

// restoreBranch makes the branch remembered for design its current branch
// before the design is opened (once after a restart: later the two agree).
// A remembered branch that no longer exists is forgotten and the design
// opens on main; its name is returned for the History tab to say so ("" when
// nothing is to be said).
func (u *UI) restoreBranch(design models.ID) string {
	bs := u.branchStudio()
	want := u.settings.branchOf(design)
	if bs == nil || want == "" || bs.CurrentBranch(design) == want {
		return ""
	}
	if err := bs.SwitchBranch(design, want); err != nil && errors.Is(err, store.ErrNotFound) {
		u.settings = u.settings.withBranch(design, store.DefaultBranch)
		u.prefs.Set(u.settings)
		return want
	}
	return "" // another error: main for now, the branch stays remembered
}

// showComparison draws a comparison: d with the diff colours and, when the
// last changed, the older last ghosted under it.
func (u *UI) showComparison(d *models.Design, highlight map[models.ID]color.Color, ghost *models.Last, note string) {
	if ghost != nil {
		note += " · " + u.tr.L("history.ghost_note")
	}
	u.showVersion(d, highlight, note)
	if ghost != nil {
		opt := u.editor.Options()
		opt.Ghost = ghost
		u.editor.SetOptions(opt)
	}
}

// branchTitle is the window title's part naming the current branch when
// it is not main ("" on main).
func (u *UI) branchTitle() string {
	bs, ok := u.studio.(BranchStudio)
	if ss, isStore := bs.(*StoreStudio); !ok || u.current == nil || (isStore && ss == nil) {
		return ""
	}
	b := bs.CurrentBranch(u.current.ID)
	if b == store.DefaultBranch {
		return ""
	}
	return " — " + u.tr.L("history.on_branch", map[string]any{"Name": b})
}
