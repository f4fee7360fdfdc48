package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
	"cordwain/models/store"
)

// inDialog finds in the dialog on top a visible, enabled button labelled
// text, and the dialog's branch picker.
func inDialog(t *testing.T, w fyne.Window, text string) (*widget.Button, *widget.Select) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	var btn *widget.Button
	var sel *widget.Select
	for _, o := range test.LaidOutObjects(top) {
		switch o := o.(type) {
		case *widget.Button:
			if o.Text == text && o.Visible() && !o.Disabled() {
				btn = o
			}
		case *widget.Select:
			sel = o
		}
	}
	if btn == nil || sel == nil {
		t.Fatalf("the dialog has no button %q or no picker", text)
	}
	return btn, sel
}

func branchNames(f *storeFixture) string {
	var out []string
	for _, r := range f.st.Refs(f.design) {
		if r.Kind == store.RefBranch {
			out = append(out, r.Name)
		}
	}
	return strings.Join(out, ",")
}

// Delete branch… in the History tab: a confirm dialog offers the branches
// other than main and the current one; Cancel changes nothing; Delete
// removes the name only (the versions stay in the history). Main, the
// current branch and an unknown branch are refused with a line in the
// panel and nothing changed. The button and dialog follow the language.
func TestDeleteBranchFromHistoryTab(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	for _, b := range []string{"trial", "wider-fit"} {
		if err := f.st.Branch(f.design, b, base.ID); err != nil {
			t.Fatal(err)
		}
	}
	onWider := f.commit(t, "wider-fit", "Girth +4 on the branch", func(d *models.Design) { d.Last.BallGirth += 4 })
	u, _ := newBranchUI(t, f)
	w := u.win
	u.history.SwitchBranch("trial")
	versions := len(u.history.Versions())

	// Cancel: nothing changes.
	test.Tap(button(t, w, "Delete branch…"))
	cancel, sel := inDialog(t, w, "Cancel")
	if strings.Join(sel.Options, ",") != "wider-fit" || sel.Selected != "wider-fit" {
		t.Fatalf("the dialog offers %v (picked %q), want only wider-fit", sel.Options, sel.Selected)
	}
	test.Tap(cancel)
	if got := branchNames(f); got != "main,trial,wider-fit" {
		t.Fatalf("after Cancel the branches are %s", got)
	}

	// Delete.
	test.Tap(button(t, w, "Delete branch…"))
	del, _ := inDialog(t, w, "Delete")
	test.Tap(del)
	if got := branchNames(f); got != "main,trial" {
		t.Fatalf("after Delete the branches are %s", got)
	}
	if got := strings.Join(u.history.branchSelect.Options, ","); got != "main,trial" || u.history.Branch() != "trial" {
		t.Fatalf("the picker offers %s, on %q", got, u.history.Branch())
	}
	if msg := u.history.Message(); !strings.Contains(msg, "wider-fit") || !strings.Contains(msg, "deleted") {
		t.Fatalf("message %q", msg)
	}
	if len(u.history.Versions()) != versions || u.history.index(onWider.ID) < 0 {
		t.Fatalf("the history lost versions: %d, want %d with %s", len(u.history.Versions()), versions, store.Short(onWider.ID))
	}
	if _, err := f.st.Version(onWider.ID); err != nil {
		t.Fatalf("the branch's version is gone from the store: %v", err)
	}
	// Nothing left to delete: main and the current branch stay.
	if !u.history.deleteBtn.Disabled() {
		t.Fatal("Delete branch… is enabled with only main and the current branch")
	}

	// Refused: main, the current branch, a branch that does not exist.
	for _, c := range []struct{ name, says string }{
		{"main", "cannot be deleted"}, {"trial", "cannot be deleted"}, {"no-such-branch", "Could not delete"},
	} {
		u.history.DeleteBranch(c.name)
		if msg := u.history.Message(); !strings.Contains(msg, c.name) || !strings.Contains(msg, c.says) {
			t.Fatalf("deleting %q: message %q", c.name, msg)
		}
		if got := branchNames(f); got != "main,trial" || u.history.Branch() != "trial" || len(u.history.Versions()) != versions {
			t.Fatalf("deleting %q changed the branches to %s (on %q)", c.name, got, u.history.Branch())
		}
	}

	// 中文. The deletion travels to the other studio machines, so the
	// name made again at the deleted version is made on a new version on
	// top of it, with its content, that the deletion does not cover.
	if err := f.st.Branch(f.design, "wider-fit", onWider.ID); err != nil {
		t.Fatalf("re-creating the branch at the deleted version: %v", err)
	}
	again, err := f.st.Head(f.design, "wider-fit")
	if err != nil || again.ID == onWider.ID || len(again.Parents) != 1 || again.Parents[0] != onWider.ID || again.Root != onWider.Root {
		t.Fatalf("made again: %+v, %v; want a version on top of %s with its content", again, err, store.Short(onWider.ID))
	}
	u.history.Refresh()
	u.SetLanguage(LangZH)
	test.Tap(button(t, w, "删除分支…"))
	del, _ = inDialog(t, w, "删除")
	test.Tap(del)
	if got := branchNames(f); got != "main,trial" || !strings.Contains(u.history.Message(), "已删除") {
		t.Fatalf("in 中文: branches %s, message %q", got, u.history.Message())
	}
}
