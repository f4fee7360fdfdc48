package app

// The editor's design layer: painters kept between frames, the design
// drawn in bands on every processor, and the kept copy of the layer.

import (
	"image"
	"image/color"
	"runtime"
	"slices"
	"sync"
	"time"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// painterFor is the painter of img at pxPerMM — of its rows y0..y1 when
// y1 > 0, a band (see drawStillBands) — kept from the frame before when
// it drew on the same image: its rasterizer and the glyph caches of its
// faces are warm (a new painter a frame made every label be rasterized
// again). Called under drawMu.
func (e *Editor) painterFor(img *image.RGBA, pxPerMM float64, y0, y1 int) *paint.Raster {
	for _, p := range e.painters {
		if p.img == img && p.y0 == y0 && p.y1 == y1 && p.r.PxPerMM() == pxPerMM {
			p.r.Reset()
			return p.r
		}
	}
	var r *paint.Raster
	if y1 > 0 {
		r = paint.NewRasterBand(paint.Band(img, y0, y1), pxPerMM, y0, img.Rect.Dy())
	} else {
		r = paint.NewRasterRGBA(img, pxPerMM)
	}
	// The frame and its bands, the drag's still part's bands, and the
	// frame before a resize: older ones belong to buffers no longer drawn.
	if len(e.painters) >= 2+2*maxBands {
		e.painters = e.painters[1:]
	}
	e.painters = append(e.painters, keptPainter{img: img, y0: y0, y1: y1, r: r, fresh: true})
	return r
}

type keptPainter struct {
	img    *image.RGBA
	y0, y1 int
	r      *paint.Raster
	fresh  bool // made since the last design layer: its caches are cold
}

// maxBands bounds how many bands a frame is drawn in at the same time.
const maxBands = 4

// drawStillBands is drawStill over the whole of img, in horizontal bands
// drawn at the same time, one per processor (at most maxBands): each
// band's painter draws the whole scene clipped to its rows, so the pixel
// work (fills, lines, text) is shared out while the pixels are exactly
// those of one painter (paint.NewRasterBand).
//
// When keep is set (an image of img's size), each band also copies its
// rows there once drawn: the kept copy of the design layer, made on the
// bands' threads rather than after them on the frame's. When top is set,
// each band then draws it (what lies over the design: selection, tool,
// rulers) over its rows with its painter reset.
func (e *Editor) drawStillBands(img *image.RGBA, pxPerMM float64, d *models.Design, opt canvas.DrawOptions, optRev uint64, vp canvas.Viewport, under *Underlay, exclude map[models.ID]bool, keep *image.RGBA, top func(*paint.Raster)) {
	h := img.Rect.Dy()
	n := min(runtime.GOMAXPROCS(0), maxBands)
	sc := e.stillScene(d, opt, optRev, exclude)
	whole := func() {
		r := e.painterFor(img, pxPerMM, 0, 0)
		e.drawStill(r, sc, opt, vp, under)
		if keep != nil {
			copy(keep.Pix, img.Pix)
		}
		if top != nil {
			r.Reset()
			top(r)
		}
	}
	if n <= 1 || h < 64*n {
		whole()
		return
	}
	banded := e.bands.pick()
	start := time.Now()
	defer func() {
		// A frame that made a painter for itself is not counted.
		if !slices.ContainsFunc(e.painters, func(p keptPainter) bool { return p.fresh }) {
			e.bands.record(banded, time.Since(start))
		}
		for i := range e.painters {
			e.painters[i].fresh = false
		}
	}()
	if !banded {
		whole()
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		y0, y1 := h*k/n, h*(k+1)/n
		r := e.painterFor(img, pxPerMM, y0, y1)
		wg.Go(func() {
			e.drawStill(r, sc, opt, vp, under)
			if keep != nil {
				i0, i1 := y0*img.Stride, y1*img.Stride
				copy(keep.Pix[i0:i1], img.Pix[i0:i1])
			}
			if top != nil {
				r.Reset()
				top(r)
			}
		})
	}
	wg.Wait()
}

// bandChooser decides whether the design is drawn in bands or by one
// painter, by which has been faster lately: bands pay only when other
// processors are free, which a busy machine's are not (there they were
// slower, see BENCHMARKS.md). Both give the same pixels.
//
// Each way is judged by the median of its last few frames, so one slow
// frame (a collection, another program's burst) does not turn the choice
// for long, and a frame whose painters were made for it (cold glyph
// caches and rasterizers) is not counted: the first banded frame once
// counted, was twice as slow as the rest, and kept one painter drawing
// for some fifty frames.
type bandChooser struct {
	recent [2][bandKeep]time.Duration // [0] one painter, [1] bands; newest at n%bandKeep
	n      [2]int
	frames int
	// force, when set, is the way always taken (1 one painter, 2 bands):
	// benchmarks that time one way set it.
	force int
}

const (
	// bandTry is how often the slower way is tried again, in frames
	// (four times as seldom when it took over 1.5× the faster one's time).
	bandTry = 8
	// bandKeep is how many recent frames of each way are kept.
	bandKeep = 5
)

// median is the median of the way's recent frames (0 before the first).
func (c *bandChooser) median(i int) time.Duration {
	k := min(c.n[i], bandKeep)
	if k == 0 {
		return 0
	}
	v := c.recent[i]
	s := slices.Clone(v[:k])
	slices.Sort(s)
	return s[k/2]
}

// pick reports whether to draw the next design layer in bands.
func (c *bandChooser) pick() bool {
	c.frames++
	if c.force != 0 {
		return c.force == 2
	}
	one, bands := c.median(0), c.median(1)
	switch {
	case bands == 0:
		return true
	case one == 0:
		return false
	}
	faster := bands <= one
	// The other way is tried again now and then, seldom when it was
	// much slower (bands on free cores take ≈ 0.55× one painter's time):
	// each try is a slow frame.
	try := bandTry
	if max(bands, one) > min(bands, one)*3/2 {
		try = 4 * bandTry
	}
	if c.frames%try == 0 {
		return !faster
	}
	return faster
}

// record notes how long a design layer took.
func (c *bandChooser) record(banded bool, d time.Duration) {
	i := 0
	if banded {
		i = 1
	}
	c.recent[i][c.n[i]%bandKeep] = d
	c.n[i]++
}

// cachedBase is the design layer drawn for stillRev at w×h, or nil.
func (e *Editor) cachedBase(w, h int, stillRev uint64) *image.RGBA {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := &e.cache
	if c.base != nil && c.baseRev == stillRev && c.base.Rect.Dx() == w && c.base.Rect.Dy() == h {
		return c.base
	}
	return nil
}

// baseFor is the image the design layer drawn into buf is kept in (see
// drawStillBands), marked as holding no layer until keptBase says which.
func (e *Editor) baseFor(buf *image.RGBA) *image.RGBA {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := &e.cache
	if c.base == nil || c.base.Rect != buf.Rect {
		c.base = image.NewRGBA(buf.Rect)
	}
	c.baseRev = ^uint64(0) // none yet
	return c.base
}

// keptBase records that the kept image holds the design layer of
// stillRev.
func (e *Editor) keptBase(stillRev uint64) {
	e.mu.Lock()
	e.cache.baseRev = stillRev
	e.mu.Unlock()
}

func sameSet(a, b map[models.ID]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// stillScene is d made ready to draw with opt (optRev counts opt's
// changes), less the elements in exclude: the one of the frame before
// when only the zoom or pan changed since, else a new one (nil when d
// cannot be drawn). Called under drawMu.
func (e *Editor) stillScene(d *models.Design, opt canvas.DrawOptions, optRev uint64, exclude map[models.ID]bool) *canvas.Scene {
	if d == nil {
		return nil
	}
	if exclude == nil && e.scene.sc != nil && e.scene.d == d && e.scene.optRev == optRev {
		return e.scene.sc
	}
	o := opt
	o.Viewport, o.Exclude, o.Only, o.Selected = nil, exclude, nil, ""
	sc, err := canvas.PrepareScene(d, o)
	if err != nil {
		return nil
	}
	if exclude == nil {
		e.scene.d, e.scene.optRev, e.scene.sc = d, optRev, sc
	}
	return sc
}

// drawStill draws the scene (the design less what a drag moves) and the
// underlay.
func (e *Editor) drawStill(r *paint.Raster, sc *canvas.Scene, opt canvas.DrawOptions, vp canvas.Viewport, under *Underlay) {
	r.Clear(color.White)
	if sc != nil {
		sc.Draw(r, &vp)
	}
	if under != nil && !opt.Hide.Has(canvas.LayerUnderlay) && opt.View == canvas.ViewMeanForm {
		under.draw(r, vp)
	}
}
