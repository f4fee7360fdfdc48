package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // underlays: photos
	_ "image/png"  // underlays: scans
	"math"

	"cordwain/canvas"
)

// ErrBadImage is what [DecodeUnderlay] returns (wrapped) for a file that
// is not a PNG or JPEG image it can read.
var ErrBadImage = errors.New("not a PNG or JPEG image")

// maxUnderlayPixels bounds an underlay: a 30-megapixel photo is plenty to
// trace, and a hostile file cannot make us allocate gigabytes.
const maxUnderlayPixels = 30_000_000

// Underlay is a photo or scan of a sketch under the drawing, to trace. It
// is placed on the mean form with its top-left corner at Origin and
// MMPerPx millimetres per pixel; calibrating two points a known distance
// apart sets the scale. It belongs to the editing session, not to the
// design.
type Underlay struct {
	src     image.Image
	shown   *image.NRGBA // src with the opacity applied
	Origin  canvas.Point // design mm of the image's top-left corner
	MMPerPx float64
	Opacity float64
}

// DecodeUnderlay reads a PNG or JPEG. Anything else, a truncated file or
// an image too large gives an error wrapping [ErrBadImage] that says why.
func DecodeUnderlay(data []byte) (*Underlay, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	if format != "png" && format != "jpeg" {
		return nil, fmt.Errorf("%w: the file is %s", ErrBadImage, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxUnderlayPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels (at most %d megapixels)", ErrBadImage, cfg.Width, cfg.Height, maxUnderlayPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	u := &Underlay{src: img, MMPerPx: 0.25, Opacity: 0.5}
	u.applyOpacity()
	return u, nil
}

// Size is the image's size in pixels.
func (u *Underlay) Size() (w, h int) {
	b := u.src.Bounds()
	return b.Dx(), b.Dy()
}

// SetOpacity sets how strongly the image shows (0…1).
func (u *Underlay) SetOpacity(o float64) {
	u.Opacity = math.Max(0, math.Min(1, o))
	u.applyOpacity()
}

func (u *Underlay) applyOpacity() {
	b := u.src.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), u.src, b.Min, draw.Src)
	a := uint32(math.Round(u.Opacity * 255))
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = uint8(uint32(out.Pix[i]) * a / 255)
	}
	u.shown = out
}

// ToDesign maps an image pixel position to design mm (image y runs down,
// the design's up).
func (u *Underlay) ToDesign(px, py float64) canvas.Point {
	return canvas.Point{X: u.Origin.X + px*u.MMPerPx, Y: u.Origin.Y - py*u.MMPerPx}
}

// ToImage maps design mm to an image pixel position.
func (u *Underlay) ToImage(p canvas.Point) (px, py float64) {
	return (p.X - u.Origin.X) / u.MMPerPx, (u.Origin.Y - p.Y) / u.MMPerPx
}

// Calibrate scales the image about a so that the image points now at a
// and b end up mm apart: tracing is then to size. a and b are design mm.
func (u *Underlay) Calibrate(a, b canvas.Point, mm float64) error {
	d := canvas.Dist(a, b)
	if !(mm > 0) || math.IsInf(mm, 0) {
		return fmt.Errorf("calibrate: the distance must be more than 0 mm, not %g", mm)
	}
	if d < 1e-9 {
		return errors.New("calibrate: pick two different points")
	}
	f := mm / d
	u.Origin = canvas.Point{X: a.X + (u.Origin.X-a.X)*f, Y: a.Y + (u.Origin.Y-a.Y)*f}
	u.MMPerPx *= f
	return nil
}

func (u *Underlay) draw(p canvas.Painter, vp canvas.Viewport) {
	w, h := u.Size()
	x, y := vp.ToPage(u.Origin)
	p.Image(u.shown, x, y, float64(w)*u.MMPerPx*vp.Scale, float64(h)*u.MMPerPx*vp.Scale)
}

// SetUnderlay puts u under the drawing (nil removes it), its top-left
// corner at the top-left of the design's mean form when it has none.
func (e *Editor) SetUnderlay(u *Underlay) {
	if u != nil && u.Origin == (canvas.Point{}) {
		if d := e.session.Design(); d != nil {
			if g, err := canvas.NewLastGeometry(d.Last); err == nil {
				b := canvas.PathBounds(g.MeanForm)
				u.Origin = canvas.Point{X: b.Min.X, Y: b.Max.Y}
			}
		}
	}
	e.mu.Lock()
	e.under = u
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// Underlay is the image under the drawing (nil when none).
func (e *Editor) Underlay() *Underlay {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.under
}

// CalibrateUnderlay scales the underlay so the image points at a and b
// (design mm) are mm apart.
func (e *Editor) CalibrateUnderlay(a, b canvas.Point, mm float64) error {
	e.mu.Lock()
	u := e.under
	e.mu.Unlock()
	if u == nil {
		return errors.New("calibrate: no underlay")
	}
	c := *u
	if err := c.Calibrate(a, b, mm); err != nil {
		return err
	}
	e.SetUnderlay(&c)
	return nil
}

// SetUnderlayOpacity changes how strongly the underlay shows.
func (e *Editor) SetUnderlayOpacity(o float64) {
	e.mu.Lock()
	u := e.under
	e.mu.Unlock()
	if u == nil {
		return
	}
	c := *u
	c.SetOpacity(o)
	e.SetUnderlay(&c)
}
