package paint

import (
	"cordwain/canvas"

	"image"
	"image/color"
	"math"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// rasterizer draws paths already in pixel coordinates with golang/freetype's
// anti-aliasing rasterizer (the one gg wraps) and a span painter that is
// about twice as fast as the generic one for the solid colours we use.
type rasterizer struct {
	rz   *raster.Rasterizer
	path raster.Path
	poly []fpt // flattened subpath being built, for strokes
	sp   spanPainter
	rows int // the rasterizer's height: the image's rows and the margin
}

type fpt struct{ x, y float64 }

// newRasterizer rasterizes onto img; margin rows above it are
// rasterized too and thrown away (see Raster.margin).
func newRasterizer(img *image.RGBA, margin int) *rasterizer {
	b := img.Bounds()
	return &rasterizer{rz: raster.NewRasterizer(b.Dx(), b.Dy()+margin), sp: spanPainter{img: img, rowOff: margin}, rows: b.Dy() + margin}
}

// fx rounds a pixel position to 26.6 fixed point, halves up (not away
// from zero): a shift by whole pixels (a band of a frame) shifts the
// result exactly.
func fx(x, y float64) fixed.Point26_6 {
	return fixed.Point26_6{X: fixed.Int26_6(math.Floor(x*64 + 0.5)), Y: fixed.Int26_6(math.Floor(y*64 + 0.5))}
}

// flattenCubic appends the points after p0 of the cubic p0..p3 to dst, with
// at most tol pixels error.
func flattenCubic(dst []fpt, p0, p1, p2, p3 fpt, tol float64) []fpt {
	ddx := math.Max(math.Abs(p0.x-2*p1.x+p2.x), math.Abs(p1.x-2*p2.x+p3.x))
	ddy := math.Max(math.Abs(p0.y-2*p1.y+p2.y), math.Abs(p1.y-2*p2.y+p3.y))
	dd := math.Hypot(ddx, ddy)
	n := int(math.Ceil(math.Sqrt(0.75 * dd / tol)))
	if n < 1 {
		n = 1
	} else if n > 200 {
		n = 200
	}
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		dst = append(dst, fpt{a*p0.x + b*p1.x + c*p2.x + d*p3.x, a*p0.y + b*p1.y + c*p2.y + d*p3.y})
	}
	return dst
}

// addPolyStroke adds the polyline pts (closed or not) to path, split into
// dashes when dash is set (pixel lengths).
func addPolyline(path *raster.Path, pts []fpt, closed bool, dash []float64) {
	if len(pts) < 2 {
		if len(pts) == 1 { // a dot: a zero-length segment gets round caps
			path.Start(fx(pts[0].x, pts[0].y))
			path.Add1(fx(pts[0].x+0.01, pts[0].y))
		}
		return
	}
	if closed && (pts[0] != pts[len(pts)-1]) {
		pts = append(pts, pts[0])
	}
	if len(dash) == 0 {
		path.Start(fx(pts[0].x, pts[0].y))
		for _, p := range pts[1:] {
			path.Add1(fx(p.x, p.y))
		}
		return
	}
	di, left, on := 0, dash[0], true
	if on {
		path.Start(fx(pts[0].x, pts[0].y))
	}
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		seg := math.Hypot(b.x-a.x, b.y-a.y)
		pos := 0.0
		for seg-pos > left {
			pos += left
			t := pos / seg
			x, y := a.x+(b.x-a.x)*t, a.y+(b.y-a.y)*t
			if on {
				path.Add1(fx(x, y))
			} else {
				path.Start(fx(x, y))
			}
			on = !on
			di = (di + 1) % len(dash)
			left = dash[di]
		}
		left -= seg - pos
		if on {
			path.Add1(fx(b.x, b.y))
		}
	}
}

// spanPainter composites a solid colour over an RGBA image.
type spanPainter struct {
	img *image.RGBA
	// rowOff: span row y is the image's row y − rowOff (rows above are
	// the rasterizer's margin, dropped).
	rowOff         int
	r, g, b, a     uint32 // premultiplied, 16 bit
	r8, g8, b8, a8 uint32 // premultiplied, 8 bit
	// solid is a row of the opaque colour's pixels (solidOK says it is
	// filled for the current colour, made on the first full span): a full
	// span is one copy from it.
	solid   []byte
	solidOK bool
}

func (p *spanPainter) setColor(c color.Color) {
	if c == nil {
		c = color.Black
	}
	p.r, p.g, p.b, p.a = c.RGBA()
	r8, g8, b8, a8 := p.r>>8, p.g>>8, p.b>>8, p.a>>8
	if r8 != p.r8 || g8 != p.g8 || b8 != p.b8 || a8 != p.a8 {
		p.solidOK = false
	}
	p.r8, p.g8, p.b8, p.a8 = r8, g8, b8, a8
}

// solidRow returns at least n bytes of the opaque colour's pixels.
func (p *spanPainter) solidRow(n int) []byte {
	if !p.solidOK || len(p.solid) < n {
		if len(p.solid) < n {
			p.solid = make([]byte, max(n, p.img.Rect.Dx()*4))
		}
		s := p.solid
		s[0], s[1], s[2], s[3] = uint8(p.r8), uint8(p.g8), uint8(p.b8), 0xff
		for k := 4; k < len(s); k *= 2 {
			copy(s[k:], s[:k])
		}
		p.solidOK = true
	}
	return p.solid[:n]
}

// Paint implements raster.Painter.
func (p *spanPainter) Paint(ss []raster.Span, done bool) {
	img := p.img
	b := img.Rect
	const m = 1<<16 - 1
	opaque := p.a == m
	r8, g8, b8 := uint8(p.r>>8), uint8(p.g>>8), uint8(p.b>>8)
	for _, s := range ss {
		s.Y -= p.rowOff
		if s.Y < b.Min.Y || s.Y >= b.Max.Y {
			continue
		}
		if s.X0 < b.Min.X {
			s.X0 = b.Min.X
		}
		if s.X1 > b.Max.X {
			s.X1 = b.Max.X
		}
		if s.X0 >= s.X1 {
			continue
		}
		i0 := (s.Y-b.Min.Y)*img.Stride + (s.X0-b.Min.X)*4
		i1 := i0 + (s.X1-s.X0)*4
		pix := img.Pix[i0:i1:i1]
		ma := s.Alpha
		if opaque && ma == m {
			// One copy from a row of the colour: memmove beats a byte
			// loop several times over on the long spans of big fills.
			if len(pix) <= 16 {
				for i := 0; i+3 < len(pix); i += 4 {
					pix[i], pix[i+1], pix[i+2], pix[i+3] = r8, g8, b8, 0xff
				}
			} else {
				copy(pix, p.solidRow(len(pix)))
			}
			continue
		}
		// Source contribution scaled to 8 bits once per span.
		sa := p.a * ma / m
		inv := (m - sa) >> 8 // 0..255
		cr, cg, cb, ca := p.r*ma/m>>8, p.g*ma/m>>8, p.b*ma/m>>8, sa>>8
		if len(pix) >= 256 {
			// Long spans (big translucent fills): one table per span.
			var lut [256]uint8
			for v := range lut {
				lut[v] = uint8((uint32(v)*inv + 127) / 255)
			}
			c0, c1, c2, c3 := uint8(cr), uint8(cg), uint8(cb), uint8(ca)
			for i := 0; i+3 < len(pix); i += 4 {
				pix[i] = lut[pix[i]] + c0
				pix[i+1] = lut[pix[i+1]] + c1
				pix[i+2] = lut[pix[i+2]] + c2
				pix[i+3] = lut[pix[i+3]] + c3
			}
			continue
		}
		for i := 0; i+3 < len(pix); i += 4 {
			pix[i] = uint8((uint32(pix[i])*inv+127)/255 + cr)
			pix[i+1] = uint8((uint32(pix[i+1])*inv+127)/255 + cg)
			pix[i+2] = uint8((uint32(pix[i+2])*inv+127)/255 + cb)
			pix[i+3] = uint8((uint32(pix[i+3])*inv+127)/255 + ca)
		}
	}
}

// fillPath sets the rasterizer path to p transformed to pixels, with every
// subpath closed. It reports whether anything was added.
func (r *Raster) fillPath(p *canvas.Path) bool {
	r.rz.path.Clear()
	if p == nil {
		return false
	}
	rp := &rowClip{path: &r.rz.path, h: fixed.Int26_6(r.rz.rows << 6)}
	m := r.fillDevice()
	var start, cur fixed.Point26_6
	var curF fpt // cur before rounding
	open := false
	flat := r.rz.poly[:0]
	for _, s := range p.Segs {
		if s.Op == canvas.OpClose {
			if open && cur != start {
				rp.Add1(start)
				cur = start
			}
			continue
		}
		k := 0
		if s.Op == canvas.OpCubic {
			k = 2
		}
		var q [3]fixed.Point26_6
		var qf [3]fpt
		ok := true
		for i := 0; i <= k; i++ {
			x, y := m.apply(s.Pts[i].X, s.Pts[i].Y)
			ok = ok && finite(x, y)
			q[i], qf[i] = fx(x, y), fpt{x, y}
		}
		if !ok {
			continue
		}
		if s.Op == canvas.OpMove || !open {
			if open && cur != start {
				rp.Add1(start)
			}
			// A line or curve without a move starts at its end point.
			start, cur, curF, open = q[k], q[k], qf[k], true
			rp.flush()
			rp.Start(start)
			continue
		}
		if k == 0 {
			rp.Add1(q[0])
		} else {
			// Flattened here, in floating point, rather than by the
			// rasterizer's fixed-point subdivision, whose rounding
			// depends on where the curve is: a band of a frame must get
			// the frame's very edges.
			flat = flattenCubic(flat[:0], curF, qf[0], qf[1], qf[2], 0.2)
			for _, f := range flat[:len(flat)-1] {
				rp.Add1(fx(f.x, f.y))
			}
			rp.Add1(q[2])
		}
		cur, curF = q[k], qf[k]
	}
	if open && cur != start {
		rp.Add1(start)
	}
	rp.flush()
	r.rz.poly = flat[:0]
	return len(r.rz.path) > 0
}

// rowClip builds a fill's path for the rasterizer, leaving out the
// vertices whose both edges lie wholly above its rows (y ≤ 0) or wholly
// below them (y ≥ h): the edge that replaces the two lies on the same side
// and, like them, covers none of the rasterizer's cells, so the pixels are
// the same, and a band of a frame does not walk the rows of the others.
// (Left and right of the image cannot be cut so: an edge there still
// sets the coverage of the row to its right.)
type rowClip struct {
	path          *raster.Path
	h             fixed.Int26_6
	last, pend    fixed.Point26_6
	lastS, pendS  int
	pending, open bool
}

// rowClipOn turns the leaving out on (tests compare it with the path
// whole).
var rowClipOn = true

func (c *rowClip) side(p fixed.Point26_6) int {
	switch {
	case p.Y <= 0:
		return -1
	case p.Y >= c.h:
		return 1
	}
	return 0
}

func (c *rowClip) Start(p fixed.Point26_6) {
	c.path.Start(p)
	c.last, c.lastS, c.pending = p, c.side(p), false
}

func (c *rowClip) Add1(p fixed.Point26_6) {
	s := c.side(p)
	if c.pending {
		if s != 0 && s == c.pendS && s == c.lastS && rowClipOn {
			c.pend = p // the pending vertex's two edges lie on one side
			return
		}
		c.path.Add1(c.pend)
		c.last, c.lastS = c.pend, c.pendS
	}
	c.pend, c.pendS, c.pending = p, s, true
}

// flush adds the vertex held back, ending a subpath.
func (c *rowClip) flush() {
	if c.pending {
		c.path.Add1(c.pend)
		c.last, c.lastS, c.pending = c.pend, c.pendS, false
	}
}

// strokePath sets the rasterizer path to the centre line of p, flattened in
// pixels and dashed (dash in pixels, nil for solid).
func (r *Raster) strokePath(p *canvas.Path, dash []float64) bool {
	rz := r.rz
	rz.path.Clear()
	r.flatten(p, r.fillDevice(), func(poly []fpt, closed bool) { addPolyline(&rz.path, poly, closed, dash) })
	return len(rz.path) > 0
}

// flatten hands each subpath of p, transformed by m and flattened, to
// emit (which must not keep poly).
func (r *Raster) flatten(p *canvas.Path, m affine, emit func(poly []fpt, closed bool)) {
	if p == nil {
		return
	}
	rz := r.rz
	poly := rz.poly[:0]
	var cur fpt
	for _, s := range p.Segs {
		switch s.Op {
		case canvas.OpMove:
			x, y := m.apply(s.Pts[0].X, s.Pts[0].Y)
			if !finite(x, y) {
				continue
			}
			if len(poly) > 0 {
				emit(poly, false)
			}
			cur = fpt{x, y}
			poly = append(poly[:0], cur)
		case canvas.OpLine:
			x, y := m.apply(s.Pts[0].X, s.Pts[0].Y)
			if !finite(x, y) {
				continue
			}
			cur = fpt{x, y}
			poly = append(poly, cur)
		case canvas.OpCubic:
			x1, y1 := m.apply(s.Pts[0].X, s.Pts[0].Y)
			x2, y2 := m.apply(s.Pts[1].X, s.Pts[1].Y)
			x3, y3 := m.apply(s.Pts[2].X, s.Pts[2].Y)
			if !finite(x1, y1) || !finite(x2, y2) || !finite(x3, y3) {
				continue
			}
			if len(poly) == 0 {
				cur = fpt{x3, y3}
				poly = append(poly, cur)
				continue
			}
			poly = flattenCubic(poly, cur, fpt{x1, y1}, fpt{x2, y2}, fpt{x3, y3}, 0.2)
			cur = fpt{x3, y3}
		case canvas.OpClose:
			if len(poly) == 0 {
				continue
			}
			start := poly[0]
			emit(poly, true)
			cur = start
			poly = append(poly[:0], start)
		}
	}
	if len(poly) > 1 {
		emit(poly, false)
	}
	rz.poly = poly[:0]
}

// thinLinePx is the stroke width, pixels, below which round caps (of
// dashes) and joins are drawn square: invisible, and several times cheaper.
const thinLinePx = 3.0

// Stroke implements [canvas.Painter] with round caps and joins (square on
// hairlines, see thinLinePx).
func (r *Raster) Stroke(p *canvas.Path) {
	if !(r.st.lineW > 0) {
		return
	}
	var dash []float64
	if r.st.dash != nil {
		dash = make([]float64, len(r.st.dash))
		for i, v := range r.st.dash {
			dash[i] = math.Max(v*r.pxPerMM, 0.05)
		}
	}
	px := r.st.lineW * r.pxPerMM
	r.rz.sp.setColor(r.st.stroke)
	if px <= hairMaxPx {
		// A hairline draws only inside the image, within a few pixels
		// of its centre line: one wholly beyond the image draws nothing.
		m := r.device()
		b := r.img.Rect
		if outside(p, m, float64(b.Dx()), float64(b.Dy()), 2*px+2, true) {
			return
		}
		r.flatten(p, m, func(poly []fpt, closed bool) { r.rz.sp.hairline(poly, closed, dash, px) })
		return
	}
	if outside(p, r.fillDevice(), 0, float64(r.img.Rect.Dy()+r.margin), px+2, false) {
		return
	}
	r.strokeOutline(p, dash, px)
}

// strokeOutline strokes p px pixels wide through the general path: the
// outline of the stroke, filled by the anti-aliasing rasterizer. (It is
// also the reference the hairline fast path is tested against.)
func (r *Raster) strokeOutline(p *canvas.Path, dash []float64, px float64) {
	if !r.strokePath(p, dash) {
		return
	}
	rz := r.rz
	rz.rz.UseNonZeroWinding = true
	rz.rz.Clear()
	// Round caps and joins are arcs the rasterizer must subdivide at every
	// vertex and dash end; on thin lines (under thinLinePx wide) they
	// cannot be told from butt caps and bevel joins, which cost a few edges.
	capper, joiner := raster.Capper(raster.RoundCapper), raster.Joiner(raster.RoundJoiner)
	if px < thinLinePx {
		joiner = raster.BevelJoiner
		if dash != nil {
			capper = raster.ButtCapper
		}
	}
	rz.rz.AddStroke(rz.path, fixed.Int26_6(math.Round(px*64)), capper, joiner)
	rz.rz.Rasterize(&rz.sp)
}

// outside reports whether every point of p (its control points: a
// curve lies within them) that is drawn at all lies more than pad pixels
// above or below the rows 0..rows under m — or, with across, beyond
// the columns 0..cols as well. The rasterizer drops every cell outside
// its rows (not its columns: those are clamped to its edges, so a fill
// off to the side still counts), and a hairline is drawn only inside the
// image, so what lies wholly outside draws nothing and is skipped: a band
// of a frame skips what the other bands draw, a zoomed view what is off
// screen.
func outside(p *canvas.Path, m affine, cols, rows, pad float64, across bool) bool {
	if p == nil {
		return true
	}
	if !skipOutsideOn {
		return false
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range p.Segs {
		n := 0
		switch s.Op {
		case canvas.OpMove, canvas.OpLine:
			n = 1
		case canvas.OpCubic:
			n = 3
		}
		for i := 0; i < n; i++ {
			x, y := m.apply(s.Pts[i].X, s.Pts[i].Y)
			if !finite(x, y) {
				continue
			}
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
		}
	}
	if y1 < -pad || y0 > rows+pad {
		return true
	}
	return across && (x1 < -pad || x0 > cols+pad)
}

// skipOutsideOn turns outside on (tests compare with drawing everything).
var skipOutsideOn = true

// Fill implements [canvas.Painter] with the non-zero winding rule.
func (r *Raster) Fill(p *canvas.Path) {
	if outside(p, r.fillDevice(), 0, float64(r.img.Rect.Dy()+r.margin), 2, false) {
		return
	}
	if !r.fillPath(p) {
		return
	}
	rz := r.rz
	rz.rz.UseNonZeroWinding = true
	rz.rz.Clear()
	rz.rz.AddPath(rz.path)
	rz.sp.setColor(r.st.fill)
	rz.rz.Rasterize(&rz.sp)
}

func finite(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsNaN(y) && math.Abs(x) < 1e7 && math.Abs(y) < 1e7
}

// hairMaxPx is the widest stroke, pixels, drawn as a hairline: straight
// onto the pixels, column by column (or row by row), each pixel covered by
// its overlap with the line's cross-section. That is an exact box filter
// across the line and costs a few pixel writes per pixel of length, where
// the general stroker builds and scans an outline with caps and joins.
const hairMaxPx = 2.5

// hairline draws the polyline pts (closed or not), dashed when dash is set
// (pixel lengths), w pixels wide, in the span painter's colour.
func (p *spanPainter) hairline(pts []fpt, closed bool, dash []float64, w float64) {
	if len(pts) < 2 {
		return
	}
	// A segment wholly above or below the image (a band's other rows)
	// draws nothing: it is not walked.
	ylo, yhi := float64(p.img.Rect.Min.Y)-w-2, float64(p.img.Rect.Max.Y)+w+2
	seg := func(a, b fpt) {
		if (a.y < ylo && b.y < ylo) || (a.y > yhi && b.y > yhi) {
			return
		}
		p.hairSegment(a.x, a.y, b.x, b.y, w)
	}
	n := len(pts)
	// Edges 1..n−1, and the closing edge n (back to the first point),
	// walked last so a dash pattern keeps its phase.
	edges := n
	if closed && pts[0] != pts[n-1] {
		edges = n + 1
	}
	at := func(i int) fpt {
		if i == n {
			return pts[0]
		}
		return pts[i]
	}
	if len(dash) == 0 {
		for i := 1; i < edges; i++ {
			seg(pts[i-1], at(i))
		}
		return
	}
	di, left, on := 0, dash[0], true
	for i := 1; i < edges; i++ {
		a, b := pts[i-1], at(i)
		l := math.Hypot(b.x-a.x, b.y-a.y)
		pos := 0.0
		from := a
		for l-pos > left {
			pos += left
			t := pos / l
			q := fpt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t}
			if on {
				seg(from, q)
			}
			from = q
			on = !on
			di = (di + 1) % len(dash)
			left = dash[di]
		}
		left -= l - pos
		if on {
			seg(from, b)
		}
	}
}

// hairSegment draws the segment (x0, y0)–(x1, y1), w pixels wide.
func (p *spanPainter) hairSegment(x0, y0, x1, y1, w float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l < 1e-9 {
		return
	}
	b := p.img.Rect
	steep := math.Abs(dy) > math.Abs(dx)
	lo, hi, clo, chi := b.Min.X, b.Max.X, b.Min.Y, b.Max.Y
	// Pixel offset = (i − o0)·major + (j − o1)·minor for walk index i
	// and cross index j.
	major, minor, o0, o1 := 4, p.img.Stride, b.Min.X, b.Min.Y
	if steep { // walk rows instead of columns: swap the axes
		x0, y0, x1, y1, dx, dy = y0, x0, y1, x1, dy, dx
		lo, hi, clo, chi = clo, chi, lo, hi
		major, minor, o0, o1 = minor, major, o1, o0
	}
	if x0 > x1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
		dx, dy = -dx, -dy
	}
	// Thickness across the walk direction, and the slope.
	thick := w * l / math.Abs(dx)
	slope := dy / dx
	i0, i1 := floorInt(x0), floorInt(x1)
	if i0 < lo {
		i0 = lo
	}
	if i1 > hi-1 {
		i1 = hi - 1
	}
	// Only where the line crosses the image's extent across the walk
	// (a band of a frame, a line running off the edge) is worth walking;
	// a pixel of margin keeps every pixel the full walk would touch.
	if slope == 0 {
		if y0+thick/2 < float64(clo) || y0-thick/2 > float64(chi) {
			return
		}
	} else {
		ta := x0 + (float64(clo)-thick-1-y0)/slope
		tb := x0 + (float64(chi)+thick+1-y0)/slope
		if ta > tb {
			ta, tb = tb, ta
		}
		if ta > float64(i0) && ta < 1e9 {
			i0 = floorInt(ta)
		}
		if tb < float64(i1) && tb > -1e9 {
			i1 = floorInt(tb) + 1
		}
	}
	if slope == 0 && hairFlatOn && p.hairFlat(x0, x1, y0, thick, i0, i1, clo, chi, major, minor, o0, o1) {
		return
	}
	// The columns the line crosses whole, in fixed point (see hairWhole);
	// the two it ends in, and a line too short to cross one, in floating
	// point (hairColumn).
	if slope != 0 && hairWholeOn {
		iw0, iw1 := ceilInt(x0), floorInt(x1)-1
		iw0, iw1 = max(iw0, i0), min(iw1, i1)
		if iw0 <= iw1 {
			p.hairWhole(x0, y0, slope, thick, iw0, iw1, clo, chi, major, minor, o0, o1)
			for i := i0; i <= i1; i++ {
				if i == iw0 {
					i = iw1
					continue
				}
				p.hairColumn(i, x0, y0, x1, slope, thick, clo, chi, major, minor, o0, o1)
			}
			return
		}
	}
	for i := i0; i <= i1; i++ {
		p.hairColumn(i, x0, y0, x1, slope, thick, clo, chi, major, minor, o0, o1)
	}
}

// hairColumn draws column i of the walk of hairSegment (after its axes
// are swapped) in floating point: each pixel covered by its overlap with
// the line's cross-section at the column's centre, times the column's
// share of the line.
func (p *spanPainter) hairColumn(i int, x0, y0, x1, slope, thick float64, clo, chi, major, minor, o0, o1 int) {
	c0, c1 := float64(i), float64(i+1)
	if c0 < x0 {
		c0 = x0
	}
	if c1 > x1 {
		c1 = x1
	}
	h := c1 - c0
	if h <= 0 {
		return
	}
	img := p.img.Pix
	r8, g8, b8, a8 := p.r8, p.g8, p.b8, p.a8
	yc := y0 + ((c0+c1)/2-x0)*slope
	top, bot := yc-thick/2, yc+thick/2
	j0, j1 := floorInt(top), floorInt(bot)+1
	if j0 < clo {
		j0 = clo
	}
	if j1 > chi {
		j1 = chi
	}
	h256 := h * 256
	for j := j0; j < j1; j++ {
		r0, r1 := float64(j), float64(j+1)
		if r0 < top {
			r0 = top
		}
		if r1 > bot {
			r1 = bot
		}
		ca := uint32((r1-r0)*h256 + 0.5)
		if ca == 0 || r1 <= r0 {
			continue
		}
		if ca > 256 {
			ca = 256
		}
		k := (i-o0)*major + (j-o1)*minor
		pix := img[k : k+4 : k+4]
		inv := 256 - (a8*ca)>>8
		pix[0] = uint8(min((uint32(pix[0])*inv+r8*ca)>>8, 255))
		pix[1] = uint8(min((uint32(pix[1])*inv+g8*ca)>>8, 255))
		pix[2] = uint8(min((uint32(pix[2])*inv+b8*ca)>>8, 255))
		pix[3] = uint8(min((uint32(pix[3])*inv+a8*ca)>>8, 255))
	}
}

// hairWhole draws columns iw0..iw1 of the walk of hairSegment, each of
// which the line crosses whole, in 16.16 fixed point: the line's centre
// in column i is yc(i) = A + (i − i₀)·S exactly (integers, i₀ the column
// the line starts in), whichever column a walk starts at, so a band of a
// frame gets the frame's pixels; each
// pixel is covered by its rows' overlap with the line's cross-section,
// rounded to 1/256.
func (p *spanPainter) hairWhole(x0, y0, slope, thick float64, iw0, iw1, clo, chi, major, minor, o0, o1 int) {
	const one = 1 << 16
	// Counted from the column the line starts in, which lies the same
	// way in a band as in the frame (the bands' rows are whole pixels
	// apart): a start at column 0 would put a different rounding of
	// slope × top into a band's rows.
	ib := floorInt(x0)
	a := int64(math.Floor((y0+(float64(ib)+0.5-x0)*slope)*one + 0.5))
	st := int64(math.Floor(slope*one + 0.5))
	half := int64(math.Floor(thick*one/2 + 0.5))
	if half <= 0 {
		return
	}
	img := p.img.Pix
	r8, g8, b8, a8 := p.r8, p.g8, p.b8, p.a8
	lo, hi := int64(clo)<<16, int64(chi)<<16
	yc := a + int64(iw0-ib)*st
	for i := iw0; i <= iw1; i, yc = i+1, yc+st {
		top, bot := max(yc-half, lo), min(yc+half, hi)
		if top >= bot {
			continue
		}
		j := int(top >> 16)
		base := (i-o0)*major + (j-o1)*minor
		for r0 := top; r0 < bot; j, base = j+1, base+minor {
			r1 := min((int64(j)+1)<<16, bot)
			ca := uint32((r1 - r0 + 128) >> 8)
			r0 = r1
			if ca == 0 {
				continue
			}
			pix := img[base : base+4 : base+4]
			inv := 256 - (a8*ca)>>8
			pix[0] = uint8(min((uint32(pix[0])*inv+r8*ca)>>8, 255))
			pix[1] = uint8(min((uint32(pix[1])*inv+g8*ca)>>8, 255))
			pix[2] = uint8(min((uint32(pix[2])*inv+b8*ca)>>8, 255))
			pix[3] = uint8(min((uint32(pix[3])*inv+a8*ca)>>8, 255))
		}
	}
}

// hairWholeOn turns hairWhole on (tests compare it with the general
// walk).
var hairWholeOn = true

// ceilInt is int(math.Ceil(x)) for pixel coordinates.
func ceilInt(x float64) int { return -floorInt(-x) }

// hairFlatOn turns hairFlat on (tests compare it with the general walk).
var hairFlatOn = true

// hairFlat draws a hairline along the walk axis (the grid's and the
// rulers' lines): every pixel column it crosses whole has the same
// coverage, worked out once, where the general walk works it out pixel by
// pixel. The pixels are the same. It reports false (nothing drawn) for a
// line thicker than it handles.
func (p *spanPainter) hairFlat(x0, x1, y0, thick float64, i0, i1, clo, chi, major, minor, o0, o1 int) bool {
	top, bot := y0-thick/2, y0+thick/2
	j0, j1 := floorInt(top), floorInt(bot)+1
	if j0 < clo {
		j0 = clo
	}
	if j1 > chi {
		j1 = chi
	}
	var cov [8]float64 // row overlap of the line, per row j0..j1
	var full [8]uint32 // coverage of a pixel in a whole column, 0..256
	if j1-j0 > len(cov) {
		return false
	}
	for j := j0; j < j1; j++ {
		r0, r1 := float64(j), float64(j+1)
		if r0 < top {
			r0 = top
		}
		if r1 > bot {
			r1 = bot
		}
		if r1 > r0 {
			cov[j-j0] = r1 - r0
			full[j-j0] = min(uint32((r1-r0)*256+0.5), 256)
		}
	}
	pix := p.img.Pix
	r8, g8, b8, a8 := p.r8, p.g8, p.b8, p.a8
	// The whole columns, iw0..iw1, row by row: one run of equal coverage
	// a row. The columns cut by the line's ends are walked below.
	iw0, iw1 := floorInt(x0), floorInt(x1)-1
	if float64(iw0) < x0 {
		iw0++
	}
	iw0, iw1 = max(iw0, i0), min(iw1, i1)
	for iw0 <= iw1 && !(float64(iw0) >= x0 && float64(iw0+1) <= x1) {
		iw0++
	}
	for iw1 >= iw0 && !(float64(iw1) >= x0 && float64(iw1+1) <= x1) {
		iw1--
	}
	if iw0 <= iw1 {
		for j := j0; j < j1; j++ {
			ca := full[j-j0]
			if ca == 0 {
				continue
			}
			inv := 256 - (a8*ca)>>8
			cr, cg, cb, cq := r8*ca, g8*ca, b8*ca, a8*ca
			k := (iw0-o0)*major + (j-o1)*minor
			for i := iw0; i <= iw1; i++ {
				px := pix[k : k+4 : k+4]
				px[0] = uint8(min((uint32(px[0])*inv+cr)>>8, 255))
				px[1] = uint8(min((uint32(px[1])*inv+cg)>>8, 255))
				px[2] = uint8(min((uint32(px[2])*inv+cb)>>8, 255))
				px[3] = uint8(min((uint32(px[3])*inv+cq)>>8, 255))
				k += major
			}
		}
	}
	for i := i0; i <= i1; i++ {
		if i >= iw0 && i <= iw1 {
			continue
		}
		c0, c1 := float64(i), float64(i+1)
		whole := c0 >= x0 && c1 <= x1
		if c0 < x0 {
			c0 = x0
		}
		if c1 > x1 {
			c1 = x1
		}
		h := c1 - c0
		if h <= 0 {
			continue
		}
		h256 := h * 256
		base := (i - o0) * major
		for j := j0; j < j1; j++ {
			var ca uint32
			if whole {
				ca = full[j-j0]
			} else if cov[j-j0] > 0 {
				ca = min(uint32(cov[j-j0]*h256+0.5), 256)
			}
			if ca == 0 {
				continue
			}
			k := base + (j-o1)*minor
			px := pix[k : k+4 : k+4]
			inv := 256 - (a8*ca)>>8
			px[0] = uint8(min((uint32(px[0])*inv+r8*ca)>>8, 255))
			px[1] = uint8(min((uint32(px[1])*inv+g8*ca)>>8, 255))
			px[2] = uint8(min((uint32(px[2])*inv+b8*ca)>>8, 255))
			px[3] = uint8(min((uint32(px[3])*inv+a8*ca)>>8, 255))
		}
	}
	return true
}

// floorInt is int(math.Floor(x)) without the call (x is finite and small:
// pixel coordinates).
func floorInt(x float64) int {
	i := int(x)
	if float64(i) > x {
		i--
	}
	return i
}
