package paint

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"cordwain/canvas"

	"github.com/golang/freetype/truetype"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// Raster is a [canvas.Painter] over an RGBA image. The editor draws every
// frame with it; PNG pages are drawn by [GG].
//
// It drives gg's rasterizer (golang/freetype/raster) directly rather than a
// gg.Context: gg's generic span painter and per-glyph resampling made a
// 1920×1080 editor frame take 20 ms; with our own flattening, dashing, span
// painter and font.Drawer text it is several times faster. Strokes up to
// hairMaxPx wide — nearly every line of the editor at screen resolution —
// skip the rasterizer and are drawn straight onto the pixels (see
// [spanPainter.hairline]); BenchmarkEditorFrame holds a 20-piece frame
// to 8 ms.
//
// Page millimetres map to pixels by pxPerMM; the origin is the image's
// top-left corner. Text is drawn in the fill colour. A Raster is not safe for
// concurrent use.
type Raster struct {
	rz      *rasterizer
	img     *image.RGBA
	pxPerMM float64
	// A band (NewRasterBand) is rows top.. of a frame frameH pixels
	// high: img holds those rows only, drawing lands where it would on
	// the whole frame, and Size is the whole frame's.
	top, frameH int
	// margin rows above img are rasterized and dropped: the rasterizer
	// (golang/freetype) sums the parts of edges just above its first row
	// into that row (it truncates negative coordinates towards zero),
	// which the whole frame does only at its top.
	margin int
	stateStack
	faces map[float64]font.Face // by pixel size
}

var _ canvas.Painter = (*Raster)(nil)

// NewRaster makes a w×h pixel transparent image painted at
// pxPerMM pixels per millimetre.
func NewRaster(w, h int, pxPerMM float64) *Raster {
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	return NewRasterRGBA(image.NewRGBA(image.Rect(0, 0, w, h)), pxPerMM)
}

// NewRasterRGBA paints onto an existing image (for example the back buffer
// of the editor's Fyne raster), at pxPerMM pixels per millimetre. The image's
// Bounds().Min must be (0, 0).
func NewRasterRGBA(img *image.RGBA, pxPerMM float64) *Raster {
	if !(pxPerMM > 0) || math.IsInf(pxPerMM, 0) {
		pxPerMM = 1
	}
	r := &Raster{
		rz:      newRasterizer(img, 0),
		img:     img,
		pxPerMM: pxPerMM,
		faces:   make(map[float64]font.Face),
	}
	r.stateStack = newStateStack()
	return r
}

// NewRasterBand paints the rows of a frame from top down that img holds
// (an image whose Bounds().Min is (0, 0), its first row the frame's row
// top), for a frame frameH pixels high and as wide as img: what is drawn
// lands on img's pixels exactly as a painter of the whole frame would put
// it there, and the rest is clipped. Bands of one frame can be painted
// at the same time, each by its own painter.
func NewRasterBand(img *image.RGBA, pxPerMM float64, top, frameH int) *Raster {
	r := NewRasterRGBA(img, pxPerMM)
	if frameH > img.Bounds().Dy() {
		r.frameH = frameH
	}
	if top > 0 && frameH > top {
		r.top, r.margin = top, 1
		r.rz = newRasterizer(img, r.margin)
	}
	return r
}

// Band views the rows y0..y1 of img as an image of their own (sharing
// its pixels) with its Bounds().Min at (0, 0), for [NewRasterBand].
func Band(img *image.RGBA, y0, y1 int) *image.RGBA {
	b := img.Bounds()
	y0, y1 = max(y0, b.Min.Y), min(y1, b.Max.Y)
	if y1 <= y0 {
		return &image.RGBA{Stride: img.Stride}
	}
	i0 := (y0 - b.Min.Y) * img.Stride
	i1 := (y1 - b.Min.Y) * img.Stride
	return &image.RGBA{Pix: img.Pix[i0:i1:i1], Stride: img.Stride, Rect: image.Rect(0, 0, b.Dx(), y1-y0)}
}

// Reset puts the painter back as NewRasterRGBA made it (no saved states,
// no transform, default colours, width and dash) without touching the
// pixels: a painter kept for the next frame of the same image keeps its
// rasterizer and its faces' glyph caches, which a new one builds again.
func (r *Raster) Reset() {
	stack := r.stack[:0]
	r.stateStack = newStateStack()
	r.stack = stack
}

// RGBA returns the image painted on. (It cannot be called Image: that name
// is the Painter's draw-an-image method.)
func (r *Raster) RGBA() *image.RGBA { return r.img }

// PxPerMM reports the resolution.
func (r *Raster) PxPerMM() float64 { return r.pxPerMM }

// Clear fills the whole image with c and resets the transform stack.
func (r *Raster) Clear(c color.Color) {
	draw.Draw(r.img, r.img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	r.reset()
}

// Size implements [canvas.Painter].
func (r *Raster) Size() (w, h float64) {
	b := r.img.Bounds()
	rows := b.Dy()
	if r.frameH > 0 {
		rows = r.frameH
	}
	return float64(b.Dx()) / r.pxPerMM, float64(rows) / r.pxPerMM
}

// validDash drops patterns that cannot be drawn (non-positive sum, negative
// or non-finite entries) so backends never loop forever.
func validDash(mm []float64) []float64 {
	sum := 0.0
	for _, v := range mm {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		sum += v
	}
	if sum <= 0 {
		return nil
	}
	return append([]float64(nil), mm...)
}

// Top is the frame row of the painter's first pixel row: 0, or a band's
// first row (NewRasterBand). Pixel row y of RGBA() is frame row y + Top.
func (r *Raster) Top() int { return r.top }

// device is the current transform to pixels.
func (r *Raster) device() affine {
	return affine{a: r.pxPerMM, d: r.pxPerMM, f: -float64(r.top)}.mul(r.st.m)
}

// fillDevice is the transform to the rasterizer's pixels: device, moved
// down by the margin.
func (r *Raster) fillDevice() affine {
	return affine{a: r.pxPerMM, d: r.pxPerMM, f: float64(r.margin - r.top)}.mul(r.st.m)
}

// face returns the cached face for a pixel size.
func (r *Raster) face(px float64) font.Face {
	px = math.Round(px*4) / 4 // quarter pixels: enough faces, still crisp
	if f, ok := r.faces[px]; ok {
		return f
	}
	f, err := newFace(px)
	if err != nil {
		return nil
	}
	r.faces[px] = f
	return f
}

// newFace makes a face of the embedded font px pixels high.
func newFace(px float64) (font.Face, error) {
	tf, err := embeddedFont()
	if err != nil {
		return nil, err
	}
	return truetype.NewFace(tf, &truetype.Options{
		Size:              px,
		DPI:               72,
		Hinting:           font.HintingNone,
		GlyphCacheEntries: 2048,
	}), nil
}

// Text implements [canvas.Painter]. Glyphs are drawn upright with a
// font.Drawer straight into the image (gg's own text path resamples every
// glyph, which is several times slower).
func (r *Raster) Text(s string, x, y, size float64, align canvas.Align) {
	if s == "" || !(size > 0) || size > 2000 {
		return
	}
	px := size * MMPerPt * r.pxPerMM
	if px < 1 {
		return
	}
	face := r.face(px)
	if face == nil {
		return
	}
	ax, ay := r.device().apply(x, y)
	if !finite(ax, ay) {
		return
	}
	ax -= alignOffset(TextWidthMM(s, size)*r.pxPerMM, int(align))
	drawText(r.img, face, r.st.fill, ax, ay, s)
}

// drawText draws s upright with its baseline origin at device (x, y): a
// font.Drawer straight into the image, since resampling every glyph (gg's
// text path) is several times slower and gains nothing for upright text.
func drawText(dst *image.RGBA, face font.Face, c color.Color, x, y float64, s string) {
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(c),
		Face: face,
		Dot:  fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)},
	}
	d.DrawString(s)
}

// TextWidth implements [canvas.Painter].
func (r *Raster) TextWidth(s string, size float64) float64 { return TextWidthMM(s, size) }

// Image implements [canvas.Painter]: img is resampled (bilinear) into the
// transformed rectangle.
func (r *Raster) Image(img image.Image, x, y, w, h float64) {
	if img == nil {
		return
	}
	b := img.Bounds()
	if b.Empty() || !(w > 0) || !(h > 0) {
		return
	}
	m := r.device().translate(x, y).scale(w/float64(b.Dx()), h/float64(b.Dy())).translate(-float64(b.Min.X), -float64(b.Min.Y))
	if !finite(m.a, m.b) || !finite(m.c, m.d) || !finite(m.e, m.f) {
		return
	}
	s2d := f64.Aff3{m.a, m.c, m.e, m.b, m.d, m.f}
	xdraw.ApproxBiLinear.Transform(r.img, s2d, img, b, xdraw.Over, nil)
}
