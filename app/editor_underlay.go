package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"sync"

	xdraw "golang.org/x/image/draw"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// ErrBadImage is what [DecodeUnderlay] returns (wrapped) for a file that
// is not a PNG or JPEG image it can read.
var ErrBadImage = errors.New("not a PNG or JPEG image")

// maxUnderlayPixels bounds the file an underlay is read from: a
// 30-megapixel photo is plenty to trace, and a hostile file cannot make us
// allocate gigabytes. What is stored is smaller still: at most
// models.MaxImageSide pixels a side and models.MaxImageBytes bytes.
const maxUnderlayPixels = 30_000_000

// Underlay is a photo or scan of a sketch under the drawing, to trace. It
// belongs to the design (an underlay element and the image element it
// shows, see models.Underlay), so it is there when the design is opened
// again and on the studio's other machines. It is placed on the mean form
// with its top-left corner at Origin and MMPerPx millimetres per pixel;
// calibrating two points a known distance apart sets the scale.
//
// An Underlay value is a decoded view of those elements; commands change
// the design, never an Underlay in place.
type Underlay struct {
	ID      models.ID // the underlay element; "" before it is in a design
	Image   models.ID // the image element
	src     image.Image
	shown   *image.RGBA   // src premultiplied, the opacity applied
	mip     []*image.RGBA // shown, then halved again and again, for the screen
	data    []byte        // the file as stored
	format  string        // models.ImagePNG or models.ImageJPEG
	Origin  canvas.Point  // design mm of the image's top-left corner
	MMPerPx float64
	Opacity float64
}

// DecodeUnderlay reads a PNG or JPEG for the design. Anything else, a
// truncated file or an image too large gives an error wrapping
// [ErrBadImage] that says why. A picture larger than the design may hold
// (models.MaxImageSide pixels a side, models.MaxImageBytes bytes) is
// scaled down and encoded again; one within the limits is kept as it is.
func DecodeUnderlay(data []byte) (*Underlay, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	if format != models.ImagePNG && format != models.ImageJPEG {
		return nil, fmt.Errorf("%w: the file is %s", ErrBadImage, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxUnderlayPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels (at most %d megapixels)", ErrBadImage, cfg.Width, cfg.Height, maxUnderlayPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
	}
	stored, storedFormat := data, format
	if cfg.Width > models.MaxImageSide || cfg.Height > models.MaxImageSide || len(data) > models.MaxImageBytes {
		img, stored, storedFormat, err = shrinkImage(img, format)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadImage, err)
		}
	}
	u := &Underlay{src: img, data: stored, format: storedFormat, MMPerPx: 0.25, Opacity: 0.5}
	u.applyOpacity()
	return u, nil
}

// shrinkImage scales img down until it fits the design's limits and
// encodes it: photos (and opaque scans that do not fit as PNG) as JPEG,
// the rest as PNG.
func shrinkImage(img image.Image, format string) (image.Image, []byte, string, error) {
	b := img.Bounds()
	scale := math.Min(1, float64(models.MaxImageSide)/float64(max(b.Dx(), b.Dy())))
	opaque := isOpaque(img)
	// In RGBA the scaler and the JPEG encoder take their fast paths
	// (a 24 MP photo: seconds faster than scaling YCbCr pixel by pixel).
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	for range 12 {
		w, h := max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))
		var small draw.Image = image.NewRGBA(image.Rect(0, 0, w, h))
		if !opaque {
			small = image.NewNRGBA(image.Rect(0, 0, w, h)) // PNG keeps the alpha as it is
		}
		xdraw.ApproxBiLinear.Scale(small, small.Bounds(), rgba, rgba.Rect, draw.Src, nil)
		for _, f := range []string{format, models.ImageJPEG} {
			if f == models.ImageJPEG && format == models.ImagePNG && !opaque {
				continue // JPEG would lose the transparency
			}
			var buf bytes.Buffer
			var err error
			if f == models.ImageJPEG {
				err = jpeg.Encode(&buf, small, &jpeg.Options{Quality: 88})
			} else {
				err = png.Encode(&buf, small)
			}
			if err != nil {
				return nil, nil, "", err
			}
			if buf.Len() <= models.MaxImageBytes {
				return small, buf.Bytes(), f, nil
			}
		}
		scale *= 0.75
	}
	return nil, nil, "", errors.New("the picture does not fit in 4 MB even scaled down")
}

func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// Size is the image's size in pixels.
func (u *Underlay) Size() (w, h int) {
	b := u.src.Bounds()
	return b.Dx(), b.Dy()
}

// Bytes is the picture as the design stores it, and its format.
func (u *Underlay) Bytes() ([]byte, string) { return u.data, u.format }

func (u *Underlay) applyOpacity() {
	b := u.src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), u.src, b.Min, draw.Src)
	a := uint32(math.Round(math.Max(0, math.Min(1, u.Opacity)) * 255))
	if a != 255 {
		// Premultiplied: every channel scales with the alpha.
		for i, v := range out.Pix {
			out.Pix[i] = uint8((uint32(v)*a + 127) / 255)
		}
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
// It changes u only; in a design, use [CalibrateUnderlay].
func (u *Underlay) Calibrate(a, b canvas.Point, mm float64) error {
	d := canvas.Dist(a, b)
	if !(mm > 0) || math.IsInf(mm, 0) {
		return fmt.Errorf("calibrate: the distance must be more than 0 mm, not %g", mm)
	}
	if d < 1e-9 || math.IsNaN(d) || math.IsInf(d, 0) {
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
	if r, ok := p.(*paint.Raster); ok && u.mip != nil {
		u.blit(r, x, y, float64(w)*u.MMPerPx*vp.Scale, float64(h)*u.MMPerPx*vp.Scale)
		return
	}
	p.Image(u.shown, x, y, float64(w)*u.MMPerPx*vp.Scale, float64(h)*u.MMPerPx*vp.Scale)
}

// mipmap is the faded picture, then halved again and again (2×2 boxes)
// down to about 64 px: the editor draws from the level nearest the
// screen's size, so a frame costs the same whatever the picture's size.
func mipmap(shown *image.RGBA) []*image.RGBA {
	l0 := shown
	levels := []*image.RGBA{l0}
	for cur := l0; cur.Rect.Dx() >= 128 && cur.Rect.Dy() >= 128; {
		w, h := cur.Rect.Dx()/2, cur.Rect.Dy()/2
		next := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			a, b := cur.Pix[2*y*cur.Stride:], cur.Pix[(2*y+1)*cur.Stride:]
			d := next.Pix[y*next.Stride:]
			for x := range w {
				for c := range 4 {
					i := 8*x + c
					d[4*x+c] = uint8((uint32(a[i]) + uint32(a[i+4]) + uint32(b[i]) + uint32(b[i+4]) + 2) / 4)
				}
			}
		}
		levels = append(levels, next)
		cur = next
	}
	return levels
}

// blit draws the picture over r's pixels into the page rectangle at (x,
// y) mm of w×h mm, from the mipmap level just larger than the rectangle
// on screen, each screen pixel taking the level's pixel under its centre.
// The editor never turns an underlay, so this is all the drawing needs.
func (u *Underlay) blit(r *paint.Raster, x, y, w, h float64) {
	ppm := r.PxPerMM()
	dst := r.RGBA()
	// A band of a frame drawn in bands holds the rows from Top down.
	X0, Y0, W, H := x*ppm, y*ppm-float64(r.Top()), w*ppm, h*ppm
	if !(W > 0) || !(H > 0) || math.IsInf(W, 0) || math.IsInf(H, 0) || math.IsNaN(X0+Y0) {
		return
	}
	lv := 0
	for lv+1 < len(u.mip) && float64(u.mip[lv+1].Rect.Dx()) >= W && float64(u.mip[lv+1].Rect.Dy()) >= H {
		lv++
	}
	src := u.mip[lv]
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	fx, fy := float64(sw)/W, float64(sh)/H
	clamp := func(v float64, lo, hi int) int {
		return int(math.Max(float64(lo), math.Min(float64(hi), v)))
	}
	b := dst.Rect
	ix0, ix1 := clamp(math.Floor(X0), b.Min.X, b.Max.X), clamp(math.Ceil(X0+W), b.Min.X, b.Max.X)
	iy0, iy1 := clamp(math.Floor(Y0), b.Min.Y, b.Max.Y), clamp(math.Ceil(Y0+H), b.Min.Y, b.Max.Y)
	if ix0 >= ix1 || iy0 >= iy1 {
		return
	}
	cols := make([]int, ix1-ix0)
	for i := range cols {
		sx := (float64(ix0+i) + 0.5 - X0) * fx
		cols[i] = 4 * clamp(math.Floor(sx), 0, sw-1)
	}
	for py := iy0; py < iy1; py++ {
		sy := (float64(py) + 0.5 - Y0) * fy
		if sy < 0 || sy >= float64(sh) {
			continue
		}
		srow := src.Pix[int(sy)*src.Stride:]
		drow := dst.Pix[(py-b.Min.Y)*dst.Stride+(ix0-b.Min.X)*4:]
		for i, sx := range cols {
			if px := float64(ix0+i) + 0.5 - X0; px < 0 || px >= W {
				continue
			}
			s := srow[sx : sx+4 : sx+4]
			a := uint32(s[3])
			if a == 0 {
				continue
			}
			d := drow[4*i : 4*i+4 : 4*i+4]
			if a == 255 {
				copy(d, s)
				continue
			}
			ia := 255 - a
			d[0] = s[0] + uint8((uint32(d[0])*ia+127)/255)
			d[1] = s[1] + uint8((uint32(d[1])*ia+127)/255)
			d[2] = s[2] + uint8((uint32(d[2])*ia+127)/255)
			d[3] = s[3] + uint8((uint32(d[3])*ia+127)/255)
		}
	}
}

// element is u's underlay element.
func (u *Underlay) element() models.Underlay {
	return models.Underlay{ID: u.ID, Image: u.Image, Origin: u.Origin, MMPerPx: u.MMPerPx, Opacity: u.Opacity}
}

// underlayImages keeps pictures decoded, by image element, so that a
// frame does not decode the underlay again; the element's bytes never
// change under one ID, and the entry is checked against them.
var underlayImages = struct {
	sync.Mutex
	m map[models.ID]*decodedImage
}{m: map[models.ID]*decodedImage{}}

type decodedImage struct {
	data    []byte
	src     image.Image
	opacity float64
	shown   *image.RGBA
	mip     []*image.RGBA
	bad     bool // the bytes do not decode: not drawn
}

// maxDecodedImages bounds the cache: a design has at most
// models.MaxImages, and a decoded 4096² picture takes 128 MB with its
// faded copy, so only the open design's are kept.
const maxDecodedImages = 2

func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || bytes.Equal(a, b)
}

// remember puts the decoded picture of an underlay just imported in the
// cache, so the first frame does not decode it again.
func (u *Underlay) remember() {
	underlayImages.Lock()
	defer underlayImages.Unlock()
	if len(underlayImages.m) >= maxDecodedImages {
		clear(underlayImages.m)
	}
	underlayImages.m[u.Image] = &decodedImage{data: u.data, src: u.src, opacity: u.Opacity, shown: u.shown, mip: mipmap(u.shown)}
}

// UnderlayOf is the underlay of d as the editor shows it — the first
// whose image is there and decodes — or nil.
func UnderlayOf(d *models.Design) *Underlay {
	if d == nil {
		return nil
	}
	for _, el := range d.Underlays {
		img, ok := models.FindElem(d, el.Image).(models.Image)
		if !ok {
			continue
		}
		if u := decodeStored(el, img); u != nil {
			return u
		}
	}
	return nil
}

func decodeStored(el models.Underlay, img models.Image) *Underlay {
	underlayImages.Lock()
	defer underlayImages.Unlock()
	c := underlayImages.m[img.ID]
	if c == nil || !sameBytes(c.data, img.Data) {
		c = &decodedImage{data: img.Data}
		src, _, err := image.Decode(bytes.NewReader(img.Data))
		if err != nil || src.Bounds().Dx()*src.Bounds().Dy() > maxUnderlayPixels {
			c.bad = true
		} else {
			c.src = src
			c.opacity = math.NaN()
		}
		if len(underlayImages.m) >= maxDecodedImages {
			clear(underlayImages.m)
		}
		underlayImages.m[img.ID] = c
	}
	if c.bad {
		return nil
	}
	u := &Underlay{ID: el.ID, Image: img.ID, src: c.src, data: img.Data, format: img.Format,
		Origin: el.Origin, MMPerPx: el.MMPerPx, Opacity: el.Opacity}
	if c.opacity != el.Opacity || c.shown == nil {
		u.applyOpacity()
		c.opacity, c.shown, c.mip = el.Opacity, u.shown, mipmap(u.shown)
	}
	u.shown, u.mip = c.shown, c.mip
	return u
}

// underlayPlace is where an underlay w px wide without a place goes: its
// top-left corner at the top-left of the design's mean form, as wide as
// the mean form (until it is calibrated), so it is in view whatever the
// photo's resolution.
func underlayPlace(d *models.Design, w int) (origin canvas.Point, mmPerPx float64, ok bool) {
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil || w <= 0 {
		return canvas.Point{}, 0, false
	}
	b := canvas.PathBounds(g.MeanForm)
	mmPerPx = b.Dx() / float64(w)
	if !(mmPerPx > 0) || mmPerPx > 100 {
		return canvas.Point{}, 0, false
	}
	return canvas.Point{X: b.Min.X, Y: b.Max.Y}, mmPerPx, true
}

// checkUnderlayElems validates next and reports the problems of the
// elements ids only (others may have been left by a merge and are not
// this command's business).
func checkUnderlayElems(next *models.Design, ids ...models.ID) error {
	err := models.Validate(next)
	var ve models.ValidationErrors
	if !errors.As(err, &ve) {
		return err
	}
	var mine models.ValidationErrors
	for _, fe := range ve {
		for _, id := range ids {
			if fe.Element == id || (fe.Element == "" && fe.Field == "images") {
				mine = append(mine, fe)
				break
			}
		}
	}
	if len(mine) > 0 {
		return mine
	}
	return nil
}

// ImportUnderlay is the command that puts u under the drawing of d in
// place of any underlay it has: a new image element holding the picture
// and an underlay element placing it (over the mean form, as wide as it,
// when u has no place yet).
func ImportUnderlay(d *models.Design, u *Underlay) (models.Command, error) {
	if d == nil || u == nil || len(u.data) == 0 {
		return models.Command{}, errors.New("import underlay: no picture")
	}
	c := removeUnderlays(d, "Import underlay", underlayIDs(d)...)
	w, h := u.Size()
	img := models.Image{ID: models.NewID(), Format: u.format, Width: w, Height: h, Data: u.data}
	el := u.element()
	el.ID, el.Image = models.NewID(), img.ID
	if u.Origin == (canvas.Point{}) {
		if o, s, ok := underlayPlace(d, w); ok {
			el.Origin, el.MMPerPx = o, s
		}
	}
	c.Edits = append(c.Edits, models.Edit{ID: img.ID, After: img}, models.Edit{ID: el.ID, After: el})
	next, err := c.Apply(d)
	if err != nil {
		return models.Command{}, err
	}
	if err := checkUnderlayElems(next, img.ID, el.ID); err != nil {
		return models.Command{}, fmt.Errorf("import underlay: %w", err)
	}
	return c, nil
}

func underlayIDs(d *models.Design) []models.ID {
	var ids []models.ID
	for _, x := range d.Underlays {
		ids = append(ids, x.ID)
	}
	return ids
}

// removeUnderlays removes the underlays ids and the images no remaining
// underlay shows.
func removeUnderlays(d *models.Design, name string, ids ...models.ID) models.Command {
	drop := map[models.ID]bool{}
	for _, id := range ids {
		drop[id] = true
	}
	shown := map[models.ID]bool{}
	for _, x := range d.Underlays {
		if !drop[x.ID] {
			shown[x.Image] = true
		}
	}
	all := append([]models.ID(nil), ids...)
	for _, img := range d.Images {
		if !shown[img.ID] {
			all = append(all, img.ID)
		}
	}
	return models.RemoveElems(name, d, all...)
}

// RemoveUnderlay is the command that takes the underlay id (and its
// picture) out of d.
func RemoveUnderlay(d *models.Design, id models.ID) (models.Command, error) {
	if _, ok := models.FindElem(d, id).(models.Underlay); !ok {
		return models.Command{}, fmt.Errorf("remove underlay: there is no underlay %s", id)
	}
	return removeUnderlays(d, "Remove underlay", id), nil
}

// changeUnderlay is the command that sets the underlay id of d to what
// change makes of it, refused when the result is not valid.
func changeUnderlay(d *models.Design, id models.ID, name string, change func(u *Underlay) error) (models.Command, error) {
	el, ok := models.FindElem(d, id).(models.Underlay)
	if !ok {
		return models.Command{}, fmt.Errorf("%s: there is no underlay %s", name, id)
	}
	u := &Underlay{ID: el.ID, Image: el.Image, Origin: el.Origin, MMPerPx: el.MMPerPx, Opacity: el.Opacity}
	if err := change(u); err != nil {
		return models.Command{}, err
	}
	c := models.SetElem(name, d, u.element())
	next, err := c.Apply(d)
	if err != nil {
		return models.Command{}, err
	}
	if err := checkUnderlayElems(next, id); err != nil {
		return models.Command{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// CalibrateUnderlay is the command that scales the underlay id about a so
// that the image points at a and b (design mm) are mm apart.
func CalibrateUnderlay(d *models.Design, id models.ID, a, b canvas.Point, mm float64) (models.Command, error) {
	return changeUnderlay(d, id, "Calibrate underlay", func(u *Underlay) error { return u.Calibrate(a, b, mm) })
}

// SetUnderlayOpacity is the command that shows the underlay id at
// opacity o (0…1).
func SetUnderlayOpacity(d *models.Design, id models.ID, o float64) (models.Command, error) {
	return changeUnderlay(d, id, "Underlay opacity", func(u *Underlay) error {
		if math.IsNaN(o) || o < 0 || o > 1 {
			return fmt.Errorf("underlay opacity: %g is not between 0 and 1", o)
		}
		u.Opacity = o
		return nil
	})
}

// inBackground runs slow work (decoding a picture) off the window's
// thread; it hands its result back through fyne.Do. Fyne's test driver
// runs fyne.Do on the calling goroutine, so tests run the work in place.
var inBackground = func(f func()) { go f() }

// SetUnderlay puts u under the drawing in place of the design's underlay
// (nil removes it), as one undoable command saved with the design. An
// underlay not placed yet goes over the mean form, as wide as it.
func (e *Editor) SetUnderlay(u *Underlay) error {
	d := e.session.Design()
	if d == nil {
		return errors.New("underlay: no design open")
	}
	var c models.Command
	var err error
	if u == nil {
		cur := UnderlayOf(d)
		if cur == nil {
			return nil
		}
		c, err = RemoveUnderlay(d, cur.ID)
	} else {
		c, err = ImportUnderlay(d, u)
		if err == nil {
			for _, ed := range c.Edits {
				if img, ok := ed.After.(models.Image); ok {
					placed := *u
					placed.Image = img.ID
					placed.remember()
				}
			}
		}
	}
	if err != nil {
		e.status(err.Error())
		return err
	}
	return e.Do(c)
}

// Underlay is the image under the drawing of the design being edited
// (nil when none).
func (e *Editor) Underlay() *Underlay { return UnderlayOf(e.session.Design()) }

// underlayOf is the underlay drawn with d.
func (e *Editor) underlayOf(d *models.Design) *Underlay { return UnderlayOf(d) }

// CalibrateUnderlay scales the underlay so the image points at a and b
// (design mm) are mm apart: an undoable command.
func (e *Editor) CalibrateUnderlay(a, b canvas.Point, mm float64) error {
	d := e.session.Design()
	u := UnderlayOf(d)
	if u == nil {
		return errors.New("calibrate: no underlay")
	}
	c, err := CalibrateUnderlay(d, u.ID, a, b, mm)
	if err != nil {
		return err
	}
	return e.Do(c)
}

// SetUnderlayOpacity changes how strongly the underlay shows: an
// undoable command (the layers panel's slider sends it when let go, after
// PreviewUnderlayOpacity has shown each step of the drag).
func (e *Editor) SetUnderlayOpacity(o float64) {
	d := e.session.Design()
	u := UnderlayOf(d)
	if u == nil {
		return
	}
	defer e.endOpacityPreview()
	c, err := SetUnderlayOpacity(d, u.ID, math.Max(0, math.Min(1, o)))
	if err != nil {
		e.status(err.Error())
		return
	}
	if c.Empty() {
		return // let go where it started: nothing to undo
	}
	e.Do(c)
}

// PreviewUnderlayOpacity shows the underlay at opacity o while the
// layers panel's slider is dragged, without a command: the design drawn
// is the session's with the new opacity, and the one undoable command
// comes when the slider is let go (SetUnderlayOpacity).
func (e *Editor) PreviewUnderlayOpacity(o float64) {
	d := e.session.Design()
	u := UnderlayOf(d)
	if u == nil || e.readOnly() {
		return
	}
	c, err := SetUnderlayOpacity(d, u.ID, math.Max(0, math.Min(1, o)))
	if err != nil {
		return
	}
	next, err := c.Apply(d)
	if err != nil {
		return
	}
	e.mu.Lock()
	e.design = next
	// The underlay lies under everything: the whole frame is drawn
	// again, not only its top.
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
	e.Refresh()
}

// endOpacityPreview draws the session's design again after a preview of
// the opacity (when the release made no command, nothing else does).
func (e *Editor) endOpacityPreview() {
	e.mu.Lock()
	stale := !e.viewOnly && e.design != e.session.Design()
	e.mu.Unlock()
	if stale {
		e.endPreview()
	}
}

// followUnderlay keeps the layers tab's opacity slider on the design's
// underlay after an undo, a redo or another design opened.
func (u *UI) followUnderlay(d *models.Design) {
	if u.edit == nil || u.edit.opacity == nil {
		return
	}
	o := 0.5
	if un := UnderlayOf(d); un != nil {
		o = un.Opacity
	}
	if s := u.edit.opacity; s.Value != o {
		s.Value = o // not SetValue: that would send the change back
		s.Refresh()
	}
}
