package app

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"cordwain/canvas"
)

// inputState follows the pointer and keyboard between events.
type inputState struct {
	pressed  bool
	dragging bool
	panning  bool
	cur      fyne.Position
	// clicked is set when MouseUp ended a click, so the Tapped that
	// follows it does not click again.
	clicked bool
	space   bool
	mods    fyne.KeyModifier
	// at is where the tools last saw the pointer (see toolPoint); hasAt
	// once there is one.
	at    canvas.Point
	hasAt bool
}

var (
	_ desktop.Mouseable   = (*Editor)(nil)
	_ desktop.Hoverable   = (*Editor)(nil)
	_ desktop.Keyable     = (*Editor)(nil)
	_ fyne.Draggable      = (*Editor)(nil)
	_ fyne.Tappable       = (*Editor)(nil)
	_ fyne.DoubleTappable = (*Editor)(nil)
	_ fyne.Scrollable     = (*Editor)(nil)
	_ fyne.Focusable      = (*Editor)(nil)
)

// toolPoint is the point the tools work on for a position in the
// widget: the design's own (mean form) mm in the views that are edited,
// carried back from the lateral and medial views (DesignAt); the view's
// mm in the others, where tools only pick and measure. ok is false beside
// the last on a side view, where no point of the form is drawn.
func (e *Editor) toolPoint(pos fyne.Position) (canvas.Point, bool) {
	if vm := e.viewMap(); vm != nil {
		return vm.Inverse(e.ToModel(pos))
	}
	return e.ToModel(pos), true
}

// eventAt is the tool event for pos; ok is false where toolPoint has no
// point.
func (e *Editor) eventAt(pos fyne.Position) (ToolEvent, bool) {
	at, ok := e.toolPoint(pos)
	if !ok {
		return ToolEvent{}, false
	}
	e.input.at, e.input.hasAt = at, true
	return ToolEvent{At: at, Snap: e.snap(at, nil), Mods: e.input.mods}, true
}

// event is the tool event for pos during a press: beside the last on a
// side view the pointer holds at the last point it had on the form.
func (e *Editor) event(pos fyne.Position) ToolEvent {
	if ev, ok := e.eventAt(pos); ok {
		return ev
	}
	at := e.input.at
	return ToolEvent{At: at, Snap: e.snap(at, nil), Mods: e.input.mods}
}

func (e *Editor) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.Focused() != e {
		c.Focus(e)
	}
}

// MouseDown implements desktop.Mouseable: a press starts a tool action,
// or panning with the middle button or with Space held.
func (e *Editor) MouseDown(ev *desktop.MouseEvent) {
	e.focus()
	e.input.mods = ev.Modifier
	e.input.pressed, e.input.dragging, e.input.clicked = true, false, false
	e.input.cur = ev.Position
	if ev.Button == desktop.MouseButtonTertiary || e.input.space {
		e.input.panning = true
		return
	}
	if ev.Button == desktop.MouseButtonSecondary {
		e.input.pressed = false
		return
	}
	e.pressAt(ev.Position)
}

// pressAt hands a press at pos to the tool. A press beside the last on a
// side view, where there is no point of the form for the tools, is as on
// empty space: the select tool drops the selection (unless Shift is
// held); other tools ignore it. It reports whether the tool had the
// press.
func (e *Editor) pressAt(pos fyne.Position) bool {
	tev, ok := e.eventAt(pos)
	if !ok {
		e.input.pressed = false
		if e.activeTool().Name() == ToolSelect && e.input.mods&fyne.KeyModifierShift == 0 {
			e.Select(Selection{})
		}
		return false
	}
	e.activeTool().Press(e, tev)
	return true
}

// MouseUp implements desktop.Mouseable: a release that was not a drag
// ends a click.
func (e *Editor) MouseUp(ev *desktop.MouseEvent) {
	if !e.input.pressed {
		return
	}
	e.input.pressed = false
	if e.input.panning {
		e.input.panning = false
		return
	}
	if e.input.dragging {
		return // DragEnd released it
	}
	e.activeTool().Release(e, e.event(ev.Position))
	e.input.clicked = true
}

// Dragged implements fyne.Draggable. The drag follows the press: each
// event's delta is added to the position, so the point under the pointer
// is exact whatever the driver reports as the event's position.
func (e *Editor) Dragged(ev *fyne.DragEvent) {
	if !e.input.pressed {
		// A drag with no press seen (the test driver's Drag): it starts
		// where the event says.
		e.input.pressed, e.input.cur = true, ev.Position
		if !e.input.space {
			if !e.pressAt(ev.Position) {
				return
			}
		} else {
			e.input.panning = true
		}
	}
	e.input.dragging = true
	e.input.cur = e.input.cur.Add(ev.Dragged)
	e.pointerAt(e.input.cur)
	if e.input.panning {
		e.Pan(float64(ev.Dragged.DX)/unitsPerMM, float64(ev.Dragged.DY)/unitsPerMM)
		return
	}
	e.activeTool().Drag(e, e.event(e.input.cur))
}

// DragEnd implements fyne.Draggable.
func (e *Editor) DragEnd() {
	if e.input.panning {
		e.input.panning, e.input.pressed, e.input.dragging = false, false, false
		return
	}
	if e.input.pressed {
		e.activeTool().Release(e, e.event(e.input.cur))
	}
	e.input.pressed = false
	e.input.clicked = false // no Tapped follows a drag
}

// Tapped implements fyne.Tappable: a click when the driver did not send
// the press and release (the test driver's Tap).
func (e *Editor) Tapped(ev *fyne.PointEvent) {
	if e.input.clicked {
		e.input.clicked = false
		return
	}
	e.focus()
	if e.pressAt(ev.Position) {
		e.activeTool().Release(e, e.event(ev.Position))
	}
}

// DoubleTapped implements fyne.DoubleTappable: it finishes a line being
// drawn, as Enter does.
func (e *Editor) DoubleTapped(*fyne.PointEvent) {
	e.input.clicked = false
	e.activeTool().Key(e, fyne.KeyReturn, 0)
}

// Scrolled implements fyne.Scrollable. As in Illustrator and Inkscape,
// the wheel (or two fingers on a trackpad) pans — up and down, and
// sideways with a sideways scroll or with Shift (the driver turns
// Shift+wheel into a sideways scroll except on macOS, where Shift is
// seen here) — and Ctrl+wheel (Cmd on macOS; Alt too, Illustrator's
// habit) zooms about the pointer, in proportion to the delta so a
// trackpad's small steps zoom smoothly. A pinch on a Windows precision
// touchpad arrives as Ctrl+wheel and zooms; GLFW passes no pinch gesture
// on macOS or Linux (see README).
func (e *Editor) Scrolled(ev *fyne.ScrollEvent) {
	x, y := float64(ev.Position.X)/unitsPerMM, float64(ev.Position.Y)/unitsPerMM
	dx, dy := float64(ev.Scrolled.DX), float64(ev.Scrolled.DY)
	mods := e.heldModifiers()
	if mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper|fyne.KeyModifierAlt) != 0 {
		if dy == 0 {
			dy = dx // a wheel turned into a sideways scroll
		}
		if dy != 0 {
			e.ZoomAt(x, y, math.Pow(zoomPerUnit, dy))
		}
		return
	}
	if mods&fyne.KeyModifierShift != 0 && dx == 0 {
		dx, dy = dy, 0
	}
	if dx != 0 || dy != 0 {
		e.Pan(dx/unitsPerMM, dy/unitsPerMM)
	}
}

// zoomPerUnit is the zoom for one unit of scroll with Ctrl held: a wheel
// notch is 25 units on Linux and Windows (×1.16), a trackpad's step a
// few units.
const zoomPerUnit = 1.006

// heldModifiers are the modifier keys held now: the desktop driver's
// (whichever widget has the keyboard), else those this editor followed
// (the test driver).
func (e *Editor) heldModifiers() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return e.input.mods
}

// MouseIn implements desktop.Hoverable.
func (e *Editor) MouseIn(ev *desktop.MouseEvent) { e.MouseMoved(ev) }

// MouseMoved implements desktop.Hoverable: tools show what a click would
// do (the pen's next segment, a snap hint).
func (e *Editor) MouseMoved(ev *desktop.MouseEvent) {
	e.input.mods = ev.Modifier
	if !e.input.pressed {
		if tev, ok := e.eventAt(ev.Position); ok {
			e.activeTool().Hover(e, tev)
		}
	}
	e.pointerAt(ev.Position)
}

// MouseOut implements desktop.Hoverable.
func (e *Editor) MouseOut() { e.pointerLeft() }

// KeyDown implements desktop.Keyable: Space held pans with the left
// button; the modifiers are followed for Shift-clicks and nudges.
func (e *Editor) KeyDown(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		e.input.space = true
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		e.input.mods |= fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		e.input.mods |= fyne.KeyModifierControl
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		e.input.mods |= fyne.KeyModifierAlt
	}
}

// KeyUp implements desktop.Keyable.
func (e *Editor) KeyUp(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		e.input.space = false
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		e.input.mods &^= fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		e.input.mods &^= fyne.KeyModifierControl
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		e.input.mods &^= fyne.KeyModifierAlt
	}
}

// FocusGained implements fyne.Focusable.
func (e *Editor) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (e *Editor) FocusLost() { e.input.space, e.input.mods = false, 0 }

// TypedRune implements fyne.Focusable: single-key tool shortcuts, as in
// other vector editors.
func (e *Editor) TypedRune(r rune) {
	if name, ok := toolKeys[r]; ok {
		e.SetTool(name)
		e.status("")
		if e.OnTool != nil {
			e.OnTool()
		}
	}
}

// toolKeys are the single-letter tool shortcuts.
var toolKeys = map[rune]string{
	'v': ToolSelect, 'p': ToolPen, 'l': ToolLine, 'k': ToolPiece, 'n': ToolNotch,
	'h': ToolPunch, 'e': ToolEyelets, 't': ToolText, 'm': ToolMeasure,
}

// TypedKey implements fyne.Focusable: the tool first, then the editor's
// own keys.
func (e *Editor) TypedKey(ev *fyne.KeyEvent) {
	if e.activeTool().Key(e, ev.Name, e.input.mods) {
		return
	}
	if ev.Name == fyne.KeyEscape {
		e.tool.Cancel(e)
		e.setOverlay(nil)
	}
}

// TypeKey sends a key to the editor as if typed with mods held (menus
// and tests).
func (e *Editor) TypeKey(key fyne.KeyName, mods fyne.KeyModifier) {
	old := e.input.mods
	e.input.mods = mods
	e.TypedKey(&fyne.KeyEvent{Name: key})
	e.input.mods = old
}

// activeTool is the current tool, or one that does nothing while an old
// version is shown.
func (e *Editor) activeTool() Tool {
	if e.readOnly() {
		return noTool{}
	}
	return e.tool
}

// noTool ignores everything.
type noTool struct{}

func (noTool) Name() string                                     { return "" }
func (noTool) Press(*Editor, ToolEvent)                         {}
func (noTool) Drag(*Editor, ToolEvent)                          {}
func (noTool) Release(*Editor, ToolEvent)                       {}
func (noTool) Hover(*Editor, ToolEvent)                         {}
func (noTool) Key(*Editor, fyne.KeyName, fyne.KeyModifier) bool { return false }
func (noTool) Cancel(*Editor)                                   {}
