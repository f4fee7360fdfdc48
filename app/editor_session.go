package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"cordwain/models"
	"cordwain/models/store"
)

// CommitStudio is a Studio that saves: it commits a design on main as this
// machine's designer.
type CommitStudio interface {
	Commit(d *models.Design, message string) (*models.Version, error)
}

// DefaultAutosaveIdle is how long the designer pauses before the edits
// are saved as a version.
const DefaultAutosaveIdle = 2 * time.Second

// ErrNothingToUndo and ErrNothingToRedo are returned by Undo and Redo on
// an empty stack.
var (
	ErrNothingToUndo = errors.New("nothing to undo")
	ErrNothingToRedo = errors.New("nothing to redo")
)

// Session is the open design while it is edited: the current design value
// (immutable: every edit makes a new one), the undo and redo stacks of
// commands, and autosave. Its methods run on Fyne's thread; the autosave
// timer hands back through fyne.Do (the schedule function).
type Session struct {
	design *models.Design
	saved  *models.Design // content of the last version read or written
	undo   []models.Command
	redo   []models.Command
	// names of the commands since the last save, for the version message.
	names []string

	studio CommitStudio
	// studioOf, when set, is asked for the studio at each save: the window
	// opens its studio in the background, after the editor exists.
	studioOf func() CommitStudio
	idle     time.Duration
	// schedule runs f after d on Fyne's thread and returns a cancel;
	// tests replace it to fire autosave by hand.
	schedule func(d time.Duration, f func()) (cancel func())
	cancel   func()
	busy     bool // a drag in progress: autosave waits for its end

	// OnChange is called with the new design after every change (edit,
	// undo, redo, load, rebase).
	OnChange func(d *models.Design)
	// OnSaved is called after every save attempt.
	OnSaved func(v *models.Version, err error)
}

// NewSession makes a session that saves through studio (nil: never saves).
func NewSession(studio CommitStudio, schedule func(time.Duration, func()) func()) *Session {
	return &Session{studio: studio, idle: DefaultAutosaveIdle, schedule: schedule}
}

// Load starts editing d (nil: nothing open): stacks emptied, nothing
// unsaved.
func (s *Session) Load(d *models.Design) {
	s.stopTimer()
	s.design, s.saved = d, d
	s.undo, s.redo, s.names = nil, nil, nil
	s.changed()
}

// Design is the current design value; callers must not modify it.
func (s *Session) Design() *models.Design { return s.design }

// Dirty reports whether there are edits not saved as a version.
func (s *Session) Dirty() bool { return s.design != s.saved }

// Do applies c, puts it on the undo stack and schedules autosave.
func (s *Session) Do(c models.Command) error {
	if s.design == nil {
		return fmt.Errorf("%s: no design open", c.Name)
	}
	if c.Empty() {
		return nil
	}
	next, err := c.Apply(s.design)
	if err != nil {
		return err
	}
	s.undo = append(s.undo, c)
	s.redo = nil
	s.set(next, c.Name)
	return nil
}

// UndoName and RedoName name the command Undo and Redo would take back or
// do again ("" when none).
func (s *Session) UndoName() string {
	if len(s.undo) == 0 {
		return ""
	}
	return s.undo[len(s.undo)-1].Name
}

// RedoName: see [Session.UndoName].
func (s *Session) RedoName() string {
	if len(s.redo) == 0 {
		return ""
	}
	return s.redo[len(s.redo)-1].Name
}

// Undo takes back the last command. A command whose elements were changed
// since by a peer is not undone (models.ErrStale) and stays on the stack.
func (s *Session) Undo() error {
	if len(s.undo) == 0 {
		return ErrNothingToUndo
	}
	c := s.undo[len(s.undo)-1]
	prev, err := c.Invert().Apply(s.design)
	if err != nil {
		return fmt.Errorf("undo %w", err)
	}
	s.undo = s.undo[:len(s.undo)-1]
	s.redo = append(s.redo, c)
	s.set(prev, "Undo "+c.Name)
	return nil
}

// Redo does the last undone command again.
func (s *Session) Redo() error {
	if len(s.redo) == 0 {
		return ErrNothingToRedo
	}
	c := s.redo[len(s.redo)-1]
	next, err := c.Apply(s.design)
	if err != nil {
		return fmt.Errorf("redo %w", err)
	}
	s.redo = s.redo[:len(s.redo)-1]
	s.undo = append(s.undo, c)
	s.set(next, c.Name)
	return nil
}

func (s *Session) set(d *models.Design, name string) {
	s.design = d
	s.names = append(s.names, name)
	s.changed()
	s.startTimer()
}

func (s *Session) changed() {
	if s.OnChange != nil {
		s.OnChange(s.design)
	}
}

// SetBusy holds autosave during a drag; when the drag ends the idle time
// starts again.
func (s *Session) SetBusy(busy bool) {
	s.busy = busy
	if busy {
		s.stopTimer()
	} else if s.Dirty() {
		s.startTimer()
	}
}

// commitStudio is where saves go now (nil: nowhere yet).
func (s *Session) commitStudio() CommitStudio {
	if s.studioOf != nil {
		if cs := s.studioOf(); cs != nil {
			return cs
		}
	}
	return s.studio
}

func (s *Session) startTimer() {
	s.stopTimer()
	if s.schedule == nil || s.commitStudio() == nil {
		return
	}
	s.cancel = s.schedule(s.idle, s.autosave)
}

func (s *Session) stopTimer() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// autosave saves after the idle time, unless a drag is under way.
func (s *Session) autosave() {
	s.cancel = nil
	if s.busy || !s.Dirty() {
		return
	}
	s.Save("")
}

// Save commits the current design as a version with message, or with the
// names of the edits since the last save when message is empty. It does
// nothing (nil, nil) when there is nothing to save.
func (s *Session) Save(message string) (*models.Version, error) {
	s.stopTimer()
	if !s.Dirty() || s.design == nil {
		return nil, nil
	}
	if models.DiffCommand("", s.saved, s.design).Empty() {
		// Undone back to what was saved: nothing new to write.
		s.saved, s.names = s.design, nil
		return nil, nil
	}
	studio := s.commitStudio()
	if studio == nil {
		return nil, errors.New("saving: no studio is open")
	}
	if strings.TrimSpace(message) == "" {
		message = summarise(s.names)
	}
	d := s.design
	v, err := studio.Commit(d, message)
	if errors.Is(err, store.ErrNoChange) {
		err = nil // the head already holds it (a peer made the same change)
	}
	if err == nil {
		s.saved = d
		s.names = nil
	}
	if s.OnSaved != nil {
		s.OnSaved(v, err)
	}
	return v, err
}

// summarise makes a version message of edit names: the distinct names in
// order, at most three, then how many more.
func summarise(names []string) string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) > 3 {
		return strings.Join(out[:3], "; ") + fmt.Sprintf("; and %d more", len(out)-3)
	}
	if len(out) == 0 {
		return "Edit"
	}
	return strings.Join(out, "; ")
}

// HeadMoved takes a new head of the open design from the studio (a peer's
// version arrived, a restore, a merge). Our own save coming back changes
// nothing; otherwise edits not yet saved are replayed onto the new head, so
// nothing of either side is lost, and the undo stack stays (a command
// whose elements the peer changed will refuse to undo).
func (s *Session) HeadMoved(head *models.Design) {
	if s.saved == nil || head == nil || s.design == nil || head.ID != s.design.ID {
		s.Load(head)
		return
	}
	if sameContent(head, s.saved) {
		return
	}
	unsaved := models.DiffCommand("unsaved", s.saved, s.design)
	s.saved = head
	s.design = unsaved.Force(head)
	if unsaved.Empty() {
		s.design = head
	}
	s.changed()
	if s.Dirty() {
		s.startTimer()
	}
}

func sameContent(a, b *models.Design) bool {
	if a == b {
		return true
	}
	ha, err1 := a.Hash()
	hb, err2 := b.Hash()
	return err1 == nil && err2 == nil && ha == hb
}
