package app

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// unitsPerMM is how many Fyne units make a page millimetre: a unit is a
// pixel at 96 dpi and scale 1, so text sizes in points look as on paper at
// zoom 1. On a HiDPI screen the raster has more pixels per unit and the
// drawing stays crisp; the mapping from units to millimetres does not
// change.
const unitsPerMM = 96 / 25.4

// rulerMM is the width of the rulers along the top and left edges, page mm.
const rulerMM = 5.0

// Editor is the drawing in the middle of the window: a Fyne widget whose
// raster is painted by canvas.DrawDesign through the canvas's Raster painter
// (canvas/paint), the same scene the tech pack pages draw. It keeps its own
// zoom and pan (a [canvas.Viewport] in page millimetres), maps pointer
// input back to millimetres on the design exactly, and hands it to the
// current [Tool]. Edits go through its [Session] as commands.
//
// Fields under mu are read by the raster generator on the render thread.
type Editor struct {
	widget.BaseWidget

	mu     sync.Mutex
	design *models.Design // drawn: the session's design, or a drag's preview
	opt    canvas.DrawOptions
	vp     canvas.Viewport
	fitted bool // vp has been set (by a fit or by the designer)
	// viewOnly: design is an old version shown read-only.
	viewOnly bool
	// rev counts changes to what is drawn; stillRev those that are not a
	// drag's preview (they invalidate the drag's cached still frame).
	rev, stillRev uint64
	overlay       func(p canvas.Painter, vp canvas.Viewport)
	rulers        bool
	// moving names what a drag moves: the rest is drawn once into bg and
	// the frame is bg plus the moving elements.
	moving map[models.ID]bool
	cache  frameCache
	// drawMu serializes frames; painters are theirs (see painterFor).
	drawMu   sync.Mutex
	painters []keptPainter
	bands    bandChooser
	// scene is the design made ready to draw, kept while only the zoom
	// and pan change (optRev counts changes of opt).
	scene struct {
		d      *models.Design
		optRev uint64
		sc     *canvas.Scene
	}
	optRev   uint64
	trueSize bool

	raster  *fynecanvas.Raster
	session *Session
	tool    Tool
	tools   map[string]Tool
	sel     Selection
	hidden  canvas.Layers
	locked  canvas.Layers
	snapper *canvas.Snapper
	snapOn  bool
	input   inputState
	// clipboard holds copied elements (values) for Paste.
	clipboard []models.Elem
	// remote: other members' pointers and selections (editor_remote.go).
	remote remoteLayer

	// OnSelection is called when the selection changes; OnStatus with a
	// line for the status bar (a measurement, a refusal, a hint).
	OnSelection func(Selection)
	OnStatus    func(string)
	// OnTool is called when a key picks a tool (the toolbar shows it).
	OnTool func()
	// OnCalibrate asks the designer the distance between two points picked
	// on the underlay (design mm).
	OnCalibrate func(a, b canvas.Point)
	trans       *Translator
}

type frameCache struct {
	img *image.RGBA // the last frame, reused while the size holds
	// base is the design drawn without what lies on top (selection,
	// tool overlay, dimensions, rulers), reused while only those change:
	// a hover or a rubber band redraws the top alone.
	base    *image.RGBA
	baseRev uint64
	bg      *image.RGBA // a drag's still part
	bgRev   uint64
	rev     uint64
	w, h    int
	bgMove  map[models.ID]bool
}

var (
	_ fyne.Widget = (*Editor)(nil)
)

// NewEditor returns an empty editor with its own session (which saves
// nowhere until the window gives it a studio).
func NewEditor() *Editor {
	e := &Editor{rulers: true, snapOn: true}
	e.opt = canvas.DrawOptions{View: canvas.ViewLateral, Grid: true, ShowAllowances: true}
	e.raster = fynecanvas.NewRaster(e.generate)
	e.session = NewSession(nil, nil)
	e.session.OnChange = e.onSessionChange
	e.tools = map[string]Tool{}
	for _, t := range []Tool{&SelectTool{}, &PenTool{}, &LineTool{}, &PieceTool{}, &MarkTool{Kind: models.MarkNotch},
		&MarkTool{Kind: models.MarkPunch}, &MarkTool{Kind: models.MarkEyelet, Count: 5}, &MarkTool{Kind: models.MarkText},
		&MeasureTool{}, &CalibrateTool{}} {
		e.tools[t.Name()] = t
	}
	e.tool = e.tools[ToolSelect]
	e.ExtendBaseWidget(e)
	return e
}

// SetTranslator sets the language of the editor's messages.
func (e *Editor) SetTranslator(tr *Translator) { e.trans = tr }

func (e *Editor) tr() *Translator {
	if e.trans == nil {
		e.trans, _ = NewTranslator(LangEN)
	}
	return e.trans
}

// Session is the editing session of the open design.
func (e *Editor) Session() *Session { return e.session }

// SetDesign opens d (nil clears): a new session, the selection dropped, and
// the drawing fitted to the window when the design changes.
func (e *Editor) SetDesign(d *models.Design) {
	prev := e.session.Design()
	if prev != nil && d != nil && prev.ID == d.ID {
		e.session.HeadMoved(d)
		return
	}
	if e.session.Dirty() {
		e.session.Save("") // leaving a design saves its edits
	}
	e.tool.Cancel(e)
	e.sel = Selection{}
	e.session.Load(d)
	e.mu.Lock()
	e.fitted = false
	e.mu.Unlock()
	e.fireSelection()
}

// ShowVersion shows d read-only instead of the design being edited (an
// old version, a comparison); nil goes back to editing. The session and
// its unsaved edits are left alone.
func (e *Editor) ShowVersion(d *models.Design) {
	e.tool.Cancel(e)
	e.mu.Lock()
	e.viewOnly = d != nil
	if d != nil {
		e.design = d
	} else {
		e.design = e.session.Design()
	}
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// readOnly reports whether the editor shows a version rather than the
// design being edited.
func (e *Editor) readOnly() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.viewOnly
}

// Design is the design shown.
func (e *Editor) Design() *models.Design {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.design
}

func (e *Editor) onSessionChange(d *models.Design) {
	e.mu.Lock()
	if !e.viewOnly {
		e.design = d
	}
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.snapper = nil
	e.dropStaleSelection()
	e.Refresh()
}

// preview shows d without committing it (a drag in progress), drawing
// only the elements in moving over a cached frame of the rest.
func (e *Editor) preview(d *models.Design, moving map[models.ID]bool) {
	e.mu.Lock()
	e.design = d
	e.moving = moving
	e.rev++ // the still part stays cached
	e.mu.Unlock()
	e.Refresh()
}

// endPreview goes back to the session's design.
func (e *Editor) endPreview() {
	e.mu.Lock()
	e.design = e.session.Design()
	e.moving = nil
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// Options returns the drawing options.
func (e *Editor) Options() canvas.DrawOptions {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opt
}

// SetOptions changes how the design is drawn. A new view or size fits the
// drawing again (unless "true size across the run" holds the scale).
func (e *Editor) SetOptions(o canvas.DrawOptions) {
	e.mu.Lock()
	if o.View != e.opt.View || (o.Size != e.opt.Size && !e.trueSize) {
		e.fitted = false
	}
	e.opt = o
	e.optRev++
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.snapper = nil
	e.Refresh()
}

// SetTrueSize keeps the scale when the size changes, so graded sizes are
// seen at their true size relative to each other.
func (e *Editor) SetTrueSize(on bool) {
	e.mu.Lock()
	e.trueSize = on
	e.mu.Unlock()
}

// Viewport is the current mapping from the design (view mm) to the page
// (mm from the widget's top left).
func (e *Editor) Viewport() canvas.Viewport {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ensureFitLocked()
	return e.vp
}

// pageSize is the widget's size in page mm.
func (e *Editor) pageSize() (w, h float64) {
	s := e.Size()
	return float64(s.Width) / unitsPerMM, float64(s.Height) / unitsPerMM
}

// ensureFitLocked fits the drawing to the widget if nothing set the
// viewport yet.
func (e *Editor) ensureFitLocked() {
	if e.fitted {
		return
	}
	w, h := e.pageSize()
	if w <= 0 || h <= 0 || e.design == nil {
		if e.vp.Scale == 0 {
			e.vp = canvas.Viewport{Scale: 1, OffX: 10, OffY: h - 10}
		}
		return
	}
	b, err := canvas.SceneBounds(e.design, e.opt)
	if err != nil {
		return
	}
	e.vp = canvas.FitViewport(b, w, h, 8+rulerMM)
	e.vp.View = e.opt.View
	e.fitted = true
}

// Fit frames the whole drawing (Ctrl+0).
func (e *Editor) Fit() {
	e.mu.Lock()
	e.fitted = false
	e.ensureFitLocked()
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// FitRect frames r (view mm): zoom to selection.
func (e *Editor) FitRect(r canvas.Rect) {
	if !r.NonEmpty {
		return
	}
	w, h := e.pageSize()
	if r.Dx() < 5 || r.Dy() < 5 {
		r = r.Inset(-5)
	}
	e.mu.Lock()
	e.vp = canvas.FitViewport(r, w, h, 8+rulerMM)
	e.vp.View = e.opt.View
	e.fitted = true
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// minScale and maxScale bound the zoom: a metre across the window to a
// millimetre across a hand's width.
const (
	minScale = 0.05
	maxScale = 80
)

// ZoomAt multiplies the scale by f keeping the page point (x, y) mm over
// the same place of the design.
func (e *Editor) ZoomAt(x, y, f float64) {
	e.mu.Lock()
	e.ensureFitLocked()
	s := math.Max(minScale, math.Min(maxScale, e.vp.Scale*f))
	f = s / e.vp.Scale
	e.vp.OffX = x - (x-e.vp.OffX)*f
	e.vp.OffY = y - (y-e.vp.OffY)*f
	e.vp.Scale = s
	e.fitted = true
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// Zoom zooms about the middle of the widget (Ctrl + / Ctrl −).
func (e *Editor) Zoom(f float64) {
	w, h := e.pageSize()
	e.ZoomAt(w/2, h/2, f)
}

// SetScale sets the zoom to s page mm per design mm about the middle
// (1 = actual size on a 96 dpi screen).
func (e *Editor) SetScale(s float64) {
	cur := e.Viewport().Scale
	if cur > 0 {
		e.Zoom(s / cur)
	}
}

// Pan moves the drawing by (dx, dy) page mm.
func (e *Editor) Pan(dx, dy float64) {
	e.mu.Lock()
	e.ensureFitLocked()
	e.vp.OffX += dx
	e.vp.OffY += dy
	e.fitted = true
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// ToModel maps a position in the widget to design millimetres (view
// coordinates; on the mean form, the design's own).
func (e *Editor) ToModel(pos fyne.Position) canvas.Point {
	vp := e.Viewport()
	return vp.ToModel(float64(pos.X)/unitsPerMM, float64(pos.Y)/unitsPerMM)
}

// ToWidget maps design millimetres to a position in the widget.
func (e *Editor) ToWidget(p canvas.Point) fyne.Position {
	vp := e.Viewport()
	x, y := vp.ToPage(p)
	return fyne.NewPos(float32(x*unitsPerMM), float32(y*unitsPerMM))
}

// viewMap is the map between the design's mean form and the view shown:
// nil in a view that is not edited (top, back, bottom) or without a
// design.
func (e *Editor) viewMap() *canvas.ViewMap {
	return viewMapFor(e.session.Design(), e.Options().View)
}

// DesignAt maps a position in the widget to the design's own (mean form)
// millimetres, where the tools work: on the mean form it is ToModel; on
// the lateral and medial views the view point is carried back onto the
// mean form. ok is false in views that are not edited and beside the
// last, where no point of the form is drawn.
func (e *Editor) DesignAt(pos fyne.Position) (canvas.Point, bool) {
	vm := e.viewMap()
	if vm == nil {
		return canvas.Point{}, false
	}
	return vm.Inverse(e.ToModel(pos))
}

// WidgetAt maps a design (mean form) point to the position in the widget
// where the view draws it; ok is false in views that are not edited.
func (e *Editor) WidgetAt(p canvas.Point) (fyne.Position, bool) {
	vm := e.viewMap()
	if vm == nil {
		return fyne.Position{}, false
	}
	q, ok := vm.Forward(p)
	if !ok {
		return fyne.Position{}, false
	}
	return e.ToWidget(q), true
}

// SetLayer hides (visible false) or shows a layer, and locks or unlocks
// it: a locked layer is drawn but tools do not pick from it.
func (e *Editor) SetLayer(l canvas.Layer, visible, locked bool) {
	e.mu.Lock()
	e.hidden = e.hidden.With(l, !visible)
	e.locked = e.locked.With(l, locked)
	e.opt.Hide = e.hidden
	e.optRev++
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// Layer reports whether l is visible and whether it is locked.
func (e *Editor) Layer(l canvas.Layer) (visible, locked bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.hidden.Has(l), e.locked.Has(l)
}

// skipLayers are the layers tools do not pick from: hidden or locked.
func (e *Editor) skipLayers() canvas.Layers {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hidden | e.locked
}

// Editable reports whether points can be moved and lines drawn in the
// view: the mean form (the design's own coordinates) and the lateral and
// medial views, whose points map back onto it (see DesignAt).
func (e *Editor) Editable() bool {
	o := e.Options()
	return canvas.EditableView(o.View) && o.Size == 0
}

// refuseEdit says in the status line why a tool does not edit here: a
// graded size is shown (patterns are drawn at the base size and graded
// from it), or the view is not one that edits.
func (e *Editor) refuseEdit() {
	if e.Options().Size != 0 {
		e.status(e.tr().L("status.edit_at_base_size"))
		return
	}
	e.status(e.tr().L("status.edit_on_meanform"))
}

// setOverlay installs what the tool draws over the design (nil: none).
// Only the top of the frame changes: the design underneath is reused.
func (e *Editor) setOverlay(f func(p canvas.Painter, vp canvas.Viewport)) {
	e.mu.Lock()
	e.overlay = f
	e.rev++
	e.mu.Unlock()
	e.Refresh()
}

// Render draws the current design fitted into a new w×h image (tests and
// snapshots; the window's raster reuses one buffer and keeps the zoom).
func (e *Editor) Render(w, h int) image.Image {
	e.mu.Lock()
	d, opt := e.design, e.opt
	e.mu.Unlock()
	opt.Viewport = nil
	r := paint.NewRaster(w, h, unitsPerMM)
	r.Clear(color.White)
	if d != nil {
		canvas.DrawDesign(r, d, opt)
	}
	return r.RGBA()
}

// Frame draws the editor as the window shows it, at w×h pixels for a
// widget of the current size (w = width × scale).
func (e *Editor) Frame(w, h int) image.Image { return e.generate(w, h) }

func (e *Editor) generate(w, h int) image.Image {
	drawCounts.frames.Add(1)
	e.drawMu.Lock() // the painters are reused: one frame at a time
	defer e.drawMu.Unlock()
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	e.mu.Lock()
	e.ensureFitLocked()
	d, opt, vp, rev, optRev := e.design, e.opt, e.vp, e.rev, e.optRev
	overlay, rulers := e.overlay, e.rulers
	moving := e.moving
	c := &e.cache
	if c.img != nil && c.w == w && c.h == h && c.rev == rev {
		img := c.img
		e.mu.Unlock()
		return img
	}
	var buf, bg *image.RGBA
	if c.img != nil && c.w == w && c.h == h {
		buf = c.img
	}
	stillRev := e.stillRev
	if moving != nil && c.bg != nil && c.w == w && c.h == h && sameSet(c.bgMove, moving) && c.bgRev == stillRev {
		bg = c.bg
	}
	oldBg := c.bg // the last drag's still part: its buffer serves again
	e.mu.Unlock()
	under := e.underlayOf(d) // the design's own, decoded once

	// pxPerMM follows the screen: w pixels across the widget's width.
	pxPerMM := unitsPerMM
	if sw := float64(e.Size().Width); sw > 0 {
		pxPerMM = float64(w) / (sw / unitsPerMM)
	}
	if moving != nil && bg == nil {
		// First frame of a drag: the still part, once.
		bg = oldBg
		if bg == nil || bg.Rect.Dx() != w || bg.Rect.Dy() != h {
			bg = image.NewRGBA(image.Rect(0, 0, w, h))
		}
		e.drawStillBands(bg, pxPerMM, e.session.Design(), opt, optRev, vp, under, moving, nil, nil)
		e.mu.Lock()
		e.cache.bg, e.cache.bgMove, e.cache.bgRev = bg, moving, stillRev
		e.mu.Unlock()
	}
	if buf == nil {
		buf = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	r := e.painterFor(buf, pxPerMM, 0, 0)
	if bg != nil {
		copy(buf.Pix, bg.Pix)
		if d != nil {
			o := opt
			o.Viewport, o.Only, o.Exclude = &vp, moving, nil
			canvas.DrawDesign(r, d, o)
		}
	} else if base := e.cachedBase(w, h, stillRev); base != nil {
		copy(buf.Pix, base.Pix)
	} else {
		// The top is drawn by each band over its rows, once they are
		// kept, rather than after all of them on this thread.
		top := func(r *paint.Raster) { e.drawTop(r, d, vp, overlay, rulers) }
		e.drawStillBands(buf, pxPerMM, d, opt, optRev, vp, under, nil, e.baseFor(buf), top)
		e.keptBase(stillRev)
		r = nil
	}
	if r != nil {
		e.drawTop(r, d, vp, overlay, rulers)
	}
	e.mu.Lock()
	e.cache.img, e.cache.w, e.cache.h, e.cache.rev = buf, w, h, rev
	kept := e.cache.bg
	e.mu.Unlock()
	// Painters of buffers no longer drawn (before a resize) let them go.
	e.painters = slices.DeleteFunc(e.painters, func(p keptPainter) bool { return p.img != buf && p.img != kept })
	return buf
}

// drawTop draws what lies over the design: the design's dimensions, the
// selection, the tool's overlay and the rulers. All but the rulers are in
// mean form mm, drawn where the view shows them.
func (e *Editor) drawTop(r *paint.Raster, d *models.Design, vp canvas.Viewport, overlay func(canvas.Painter, canvas.Viewport), rulers bool) {
	opt := e.Options()
	// What lies on top is in mean form mm: on a side view it is carried
	// onto the view (overlayPainter). It is at the base size: over a
	// graded size, where nothing is edited, it is not drawn.
	vm := viewMapFor(d, opt.View)
	mp, mvp := overlayPainter(r, vp, vm)
	if opt.Size == 0 {
		if !opt.Hide.Has(canvas.LayerDimensions) {
			for _, dm := range dimensionsOf(d, opt.View, e.selection()) {
				dm.draw(mp, mvp)
			}
		}
		if d != nil && vm != nil {
			drawSelection(mp, d, e.selection(), mvp)
		}
		if overlay != nil {
			overlay(mp, mvp)
		}
	}
	e.drawRemote(r, mp, d, vp, mvp, e.Remote())
	if rulers {
		drawRulers(r, vp)
	}
}

// CreateRenderer implements fyne.Widget.
func (e *Editor) CreateRenderer() fyne.WidgetRenderer {
	return &editorRenderer{WidgetRenderer: widget.NewSimpleRenderer(e.raster)}
}

// editorRenderer counts how often the driver walks the editor: every
// frame the window draws walks it (to lay out and to paint), so an idle
// window walks it not at all. See [DrawCounts].
type editorRenderer struct{ fyne.WidgetRenderer }

func (r *editorRenderer) Objects() []fyne.CanvasObject {
	drawCounts.walks.Add(1)
	return r.WidgetRenderer.Objects()
}

var drawCounts struct{ walks, frames atomic.Uint64 }

// DrawCounts reports how many times the window's driver has walked the
// editor's objects (it does so for every frame it draws, once or twice,
// and for pointer events over it) and how many frames the editor has
// drawn into its raster, since the start. Both stay still while the
// window is idle; the smoke test checks that through
// CORDWAIN_DEBUG_DRAWS (main.go).
func DrawCounts() (walks, frames uint64) {
	return drawCounts.walks.Load(), drawCounts.frames.Load()
}

// MinSize keeps the drawing usable.
func (e *Editor) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// Dimension is a measurement drawn on the drawing: a dimension of the
// design (ID set; see editor_dimensions.go) or a tool's live one.
type Dimension struct {
	A, B     canvas.Point
	Label    string
	ID       models.ID
	Selected bool
}

func (dm Dimension) draw(p canvas.Painter, vp canvas.Viewport) {
	ax, ay := vp.ToPage(dm.A)
	bx, by := vp.ToPage(dm.B)
	var path canvas.Path
	path.MoveTo(ax, ay)
	path.LineTo(bx, by)
	// End ticks across the line.
	dx, dy := bx-ax, by-ay
	l := math.Hypot(dx, dy)
	if l > 0 {
		nx, ny := -dy/l*1.5, dx/l*1.5
		path.MoveTo(ax-nx, ay-ny)
		path.LineTo(ax+nx, ay+ny)
		path.MoveTo(bx-nx, by-ny)
		path.LineTo(bx+nx, by+ny)
	}
	col, lw := colDimension, 0.25
	if dm.Selected {
		col, lw = colSelection, 0.45
	}
	p.SetStrokeColor(col)
	p.SetLineWidth(lw)
	p.SetDash()
	p.Stroke(&path)
	p.SetFillColor(col)
	p.Text(dm.Label, (ax+bx)/2, (ay+by)/2-1.2, 8, canvas.AlignCenter)
}

var (
	colDimension = color.NRGBA{0x00, 0x70, 0x90, 0xff}
	colSelection = color.NRGBA{0x10, 0x80, 0xff, 0xff}
	colRuler     = color.NRGBA{0xf4, 0xf4, 0xf2, 0xff}
	colRulerInk  = color.NRGBA{0x70, 0x70, 0x70, 0xff}
	colSnap      = color.NRGBA{0xe0, 0x40, 0x80, 0xff}
)

// drawSelection outlines the selected elements and marks their knots and
// handles; selected points are filled larger.
func drawSelection(p canvas.Painter, d *models.Design, sel Selection, vp canvas.Viewport) {
	p.Push()
	defer p.Pop()
	picked := map[canvas.PointRef]bool{}
	for _, r := range sel.Points {
		picked[r] = true
	}
	for _, id := range sel.Elems {
		e := models.FindElem(d, id)
		if m, ok := e.(models.Mark); ok {
			x, y := vp.ToPage(m.At)
			p.SetStrokeColor(colSelection)
			p.SetLineWidth(0.4)
			p.Stroke(circlePath(x, y, math.Max(m.Size/2*vp.Scale, 1)+1))
			continue
		}
		path, ok := canvas.ElemPath(e)
		if !ok || canvas.CheckPath(path) != nil {
			continue
		}
		var pp canvas.Path
		for i, q := range path.Points {
			x, y := vp.ToPage(q)
			switch {
			case i == 0:
				pp.MoveTo(x, y)
			case i%3 == 0:
				a, b := path.Points[i-2], path.Points[i-1]
				ax, ay := vp.ToPage(a)
				bx, by := vp.ToPage(b)
				pp.CubicTo(ax, ay, bx, by, x, y)
			}
		}
		p.SetStrokeColor(colSelection)
		p.SetLineWidth(0.45)
		p.SetDash()
		p.Stroke(&pp)
		// Handles: lines from each knot to its handles, small circles.
		var hl canvas.Path
		for i, q := range path.Points {
			if i%3 == 0 {
				continue
			}
			k := path.Points[i-1]
			if i%3 == 2 {
				k = path.Points[i+1]
			}
			kx, ky := vp.ToPage(k)
			x, y := vp.ToPage(q)
			hl.MoveTo(kx, ky)
			hl.LineTo(x, y)
		}
		p.SetLineWidth(0.15)
		p.Stroke(&hl)
		for i, q := range path.Points {
			if path.Closed && i == len(path.Points)-1 {
				break
			}
			x, y := vp.ToPage(q)
			ref := canvas.PointRef{Elem: id, Index: i}
			switch {
			case picked[ref]:
				p.SetFillColor(colSelection)
				p.Fill(squarePath(x, y, 1.1))
			case i%3 == 0:
				p.SetFillColor(color.White)
				p.Fill(squarePath(x, y, 0.8))
				p.SetLineWidth(0.2)
				p.Stroke(squarePath(x, y, 0.8))
			default:
				p.SetFillColor(colSelection)
				p.Fill(circlePath(x, y, 0.55))
			}
		}
	}
}

func squarePath(x, y, r float64) *canvas.Path {
	var p canvas.Path
	p.MoveTo(x-r, y-r)
	p.LineTo(x+r, y-r)
	p.LineTo(x+r, y+r)
	p.LineTo(x-r, y+r)
	p.Close()
	return &p
}

func circlePath(x, y, r float64) *canvas.Path {
	const k = 0.5522847498
	var p canvas.Path
	p.MoveTo(x+r, y)
	p.CubicTo(x+r, y+k*r, x+k*r, y+r, x, y+r)
	p.CubicTo(x-k*r, y+r, x-r, y+k*r, x-r, y)
	p.CubicTo(x-r, y-k*r, x-k*r, y-r, x, y-r)
	p.CubicTo(x+k*r, y-r, x+r, y-k*r, x+r, y)
	p.Close()
	return &p
}

// drawRulers draws millimetre rulers along the top and left edges: ticks
// every 1, 5 and 10 mm of the design as the zoom allows, numbered every
// 10, 50 or 100 mm.
func drawRulers(p canvas.Painter, vp canvas.Viewport) {
	w, h := p.Size()
	p.Push()
	defer p.Pop()
	p.SetFillColor(colRuler)
	var band canvas.Path
	band.MoveTo(0, 0)
	band.LineTo(w, 0)
	band.LineTo(w, rulerMM)
	band.LineTo(rulerMM, rulerMM)
	band.LineTo(rulerMM, h)
	band.LineTo(0, h)
	band.Close()
	p.Fill(&band)
	step := 1.0
	for step*vp.Scale < 1.2 {
		step *= 10
	}
	label := step * 10
	for label*vp.Scale < 12 {
		label *= 5
	}
	lo := vp.ToModel(rulerMM, h)
	hi := vp.ToModel(w, rulerMM)
	var ticks canvas.Path
	p.SetFillColor(colRulerInk)
	for x := math.Ceil(lo.X/step) * step; x <= hi.X; x += step {
		px, _ := vp.ToPage(models.Pt(x, 0))
		l := 1.0
		if isMultiple(x, label) {
			l = 3
			p.Text(formatMM(x), px+0.6, 2.6, 5, canvas.AlignLeft)
		} else if isMultiple(x, step*5) {
			l = 2
		}
		ticks.MoveTo(px, rulerMM)
		ticks.LineTo(px, rulerMM-l)
	}
	for y := math.Ceil(lo.Y/step) * step; y <= hi.Y; y += step {
		_, py := vp.ToPage(models.Pt(0, y))
		l := 1.0
		if isMultiple(y, label) {
			l = 3
			p.Text(formatMM(y), 0.4, py-0.6, 5, canvas.AlignLeft)
		} else if isMultiple(y, step*5) {
			l = 2
		}
		ticks.MoveTo(rulerMM, py)
		ticks.LineTo(rulerMM-l, py)
	}
	p.SetStrokeColor(colRulerInk)
	p.SetLineWidth(0.12)
	p.SetDash()
	p.Stroke(&ticks)
}

func isMultiple(v, step float64) bool {
	r := math.Mod(math.Abs(v)+step/1e6, step)
	return r < step/1e3
}

func formatMM(v float64) string {
	return trimFloat(math.Round(v*100) / 100)
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
