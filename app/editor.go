package app

import (
	"image"
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// Editor shows a design drawn by canvas.DrawDesign through the canvas's
// Raster painter (canvas/paint), the same scene the tech pack pages draw,
// so the screen and the workshop agree.
type Editor struct {
	widget.BaseWidget

	mu     sync.Mutex // guards the fields below; the raster generator runs on the render thread
	design *models.Design
	opt    canvas.DrawOptions
	cache  struct {
		img    *image.RGBA // reused frame to frame while the size holds
		w, h   int
		design *models.Design
		opt    canvas.DrawOptions
	}
	raster *fynecanvas.Raster
}

var _ fyne.Widget = (*Editor)(nil)

// NewEditor returns an empty editor.
func NewEditor() *Editor {
	e := &Editor{}
	e.opt = canvas.DrawOptions{View: canvas.ViewLateral, Grid: true, ShowAllowances: true}
	e.raster = fynecanvas.NewRaster(e.generate)
	e.ExtendBaseWidget(e)
	return e
}

// SetDesign shows d (nil clears).
func (e *Editor) SetDesign(d *models.Design) {
	e.mu.Lock()
	e.design = d
	e.mu.Unlock()
	e.Refresh()
}

// Options returns the drawing options.
func (e *Editor) Options() canvas.DrawOptions {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opt
}

// SetOptions changes how the design is drawn.
func (e *Editor) SetOptions(o canvas.DrawOptions) {
	e.mu.Lock()
	e.opt = o
	e.mu.Unlock()
	e.Refresh()
}

// Render draws the current design at w×h pixels into a new image (tests
// and snapshots; the window's raster reuses one buffer).
func (e *Editor) Render(w, h int) image.Image {
	e.mu.Lock()
	d, opt := e.design, e.opt
	e.mu.Unlock()
	return renderDesign(nil, w, h, d, opt)
}

func (e *Editor) generate(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	e.mu.Lock()
	d, opt := e.design, e.opt
	c := e.cache
	e.mu.Unlock()
	if c.img != nil && c.w == w && c.h == h && c.design == d && optsEqual(c.opt, opt) {
		return c.img
	}
	// The previous frame is already on screen, so its buffer is redrawn
	// in place: an 8 MB allocation per frame at 1920×1080 otherwise.
	var buf *image.RGBA
	if c.img != nil && c.w == w && c.h == h {
		buf = c.img
	}
	img := renderDesign(buf, w, h, d, opt)
	e.mu.Lock()
	e.cache.img, e.cache.w, e.cache.h, e.cache.design, e.cache.opt = img, w, h, d, opt
	e.mu.Unlock()
	return img
}

// screenPxPerMM is 96 dpi: text sizes in points look as on paper at 100 %.
const screenPxPerMM = 96 / 25.4

// renderDesign draws d into buf, or a new w×h image when buf is nil.
func renderDesign(buf *image.RGBA, w, h int, d *models.Design, opt canvas.DrawOptions) *image.RGBA {
	var r *paint.Raster
	if buf != nil {
		r = paint.NewRasterRGBA(buf, screenPxPerMM)
	} else {
		r = paint.NewRaster(w, h, screenPxPerMM)
	}
	r.Clear(color.White)
	if d != nil {
		canvas.DrawDesign(r, d, opt)
	}
	return r.RGBA()
}

func optsEqual(a, b canvas.DrawOptions) bool {
	if a.View != b.View || a.Colourway != b.Colourway || a.Size != b.Size || a.Grid != b.Grid ||
		a.Selected != b.Selected || a.ShowAllowances != b.ShowAllowances || len(a.Highlight) != len(b.Highlight) {
		return false
	}
	for k, v := range a.Highlight {
		if w, ok := b.Highlight[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// CreateRenderer implements fyne.Widget.
func (e *Editor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(e.raster)
}

// MinSize keeps the drawing usable.
func (e *Editor) MinSize() fyne.Size { return fyne.NewSize(320, 240) }
