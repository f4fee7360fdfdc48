package packaging

import (
	"fmt"
	"math"
	"sort"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// placedPiece is a base-size piece laid on the 1:1 sheet: sheet = piece
// coordinates flipped (y down) and shifted by (dx, dy).
type placedPiece struct {
	g      pieceGeom
	dx, dy float64
	// turned pieces are laid a quarter turn anticlockwise (grain line and
	// all) so a piece a little wider than a page still fits one.
	turned bool
}

func (pp placedPiece) toSheet(q models.Point) models.Point {
	if pp.turned {
		return models.Pt(-q.Y+pp.dx, -q.X+pp.dy)
	}
	return models.Pt(q.X+pp.dx, -q.Y+pp.dy)
}

// sheetBounds is the piece's cut outline box on the sheet.
func (pp placedPiece) sheetBounds() canvas.Rect {
	b := pp.g.bounds
	a, c := pp.toSheet(b.Min), pp.toSheet(b.Max)
	return canvas.Rect{Min: models.Pt(math.Min(a.X, c.X), math.Min(a.Y, c.Y)), Max: models.Pt(math.Max(a.X, c.X), math.Max(a.Y, c.Y)), NonEmpty: true}
}

// labelRoom is the space left under each piece on the 1:1 sheet for its
// label when the piece is too small to carry it, mm.
const labelRoom = 9.0

// layoutSheet lays the pieces out on a sheet of tiles (pages) tileW ×
// tileH: a piece that fits a tile is never cut across pages; shelves fill
// one tile, then the next. A piece larger than a tile gets a block of
// tiles of its own. Tiles run left to right in the first row; big pieces'
// blocks go to the right of them, as many rows deep as they need.
func layoutSheet(pieces []pieceGeom, tileW, tileH float64) (placed []placedPiece, sheetW, sheetH float64) {
	const gap = 6.0
	order := make([]int, len(pieces))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pieces[order[a]].bounds.Dy() > pieces[order[b]].bounds.Dy() })
	type shelf struct{ y, h, x float64 }
	type tile struct {
		col     int
		shelves []shelf
	}
	var tiles []*tile
	var big []int
	for _, i := range order {
		w0, h0 := pieces[i].bounds.Dx(), pieces[i].bounds.Dy()
		// The orientations a piece may take: as drawn, and a quarter
		// turn when that fits a tile too. A piece goes on the first tile
		// with room in either, so small pieces fill the gaps beside big
		// ones instead of opening a half-empty page (fault 8 of issue 10).
		type orient struct {
			w, h   float64
			turned bool
		}
		var orients []orient
		for _, o := range []orient{{w0, h0 + labelRoom, false}, {h0, w0 + labelRoom, true}} {
			if o.w+2*gap <= tileW && o.h+2*gap <= tileH {
				orients = append(orients, o)
			}
		}
		if len(orients) == 0 {
			big = append(big, i)
			continue
		}
		w, h, turned := orients[0].w, orients[0].h, orients[0].turned
		place := func(t *tile, s *shelf) {
			g := pieces[i]
			x0 := float64(t.col)*tileW + s.x
			pp := placedPiece{g: g, dx: x0 - g.bounds.Min.X, dy: s.y + g.bounds.Max.Y}
			if turned {
				pp = placedPiece{g: g, dx: x0 + g.bounds.Max.Y, dy: s.y + g.bounds.Max.X, turned: true}
			}
			placed = append(placed, pp)
			s.x += w + gap
		}
		done := false
		for _, t := range tiles {
			for _, o := range orients {
				w, h, turned = o.w, o.h, o.turned
				for k := range t.shelves {
					s := &t.shelves[k]
					if s.x+w+gap <= tileW && h <= s.h {
						place(t, s)
						done = true
						break
					}
				}
				if done {
					break
				}
				last := t.shelves[len(t.shelves)-1]
				if y := last.y + last.h + gap; y+h+gap <= tileH {
					t.shelves = append(t.shelves, shelf{y: y, h: h, x: gap})
					place(t, &t.shelves[len(t.shelves)-1])
					done = true
					break
				}
			}
			if done {
				break
			}
		}
		w, h, turned = orients[0].w, orients[0].h, orients[0].turned
		if !done {
			t := &tile{col: len(tiles), shelves: []shelf{{y: gap, h: h, x: gap}}}
			tiles = append(tiles, t)
			place(t, &t.shelves[0])
		}
	}
	cols, rows := len(tiles), 1
	for _, i := range big {
		g := pieces[i]
		kc := int(math.Ceil((g.bounds.Dx() + 2*gap) / tileW))
		kr := int(math.Ceil((g.bounds.Dy() + 2*gap) / tileH))
		// Centred in its block of tiles.
		bw, bh := float64(kc)*tileW, float64(kr)*tileH
		x0 := float64(cols)*tileW + (bw-g.bounds.Dx())/2
		y0 := (bh - g.bounds.Dy()) / 2
		placed = append(placed, placedPiece{g: g, dx: x0 - g.bounds.Min.X, dy: y0 + g.bounds.Max.Y})
		cols += kc
		rows = max(rows, kr)
	}
	return placed, float64(max(cols, 1)) * tileW, float64(rows) * tileH
}

// clipSegments returns the parts of the polyline inside r.
func clipSegments(pts []models.Point, closed bool, r canvas.Rect) [][]models.Point {
	var out [][]models.Point
	var cur []models.Point
	n := len(pts)
	last := n - 1
	if closed {
		last = n
	}
	for i := 0; i < last; i++ {
		a, b := pts[i], pts[(i+1)%n]
		t0, t1, ok := liangBarsky(a, b, r)
		if !ok {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		pa := models.Pt(a.X+(b.X-a.X)*t0, a.Y+(b.Y-a.Y)*t0)
		pb := models.Pt(a.X+(b.X-a.X)*t1, a.Y+(b.Y-a.Y)*t1)
		if len(cur) == 0 || t0 > 0 {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = []models.Point{pa}
		}
		cur = append(cur, pb)
		if t1 < 1 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

func liangBarsky(a, b models.Point, r canvas.Rect) (t0, t1 float64, ok bool) {
	t0, t1 = 0, 1
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float64{{-dx, a.X - r.Min.X}, {dx, r.Max.X - a.X}, {-dy, a.Y - r.Min.Y}, {dy, r.Max.Y - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return 0, 0, false
		}
	}
	return t0, t1, true
}

// patternPages tiles the base-size pieces at 1:1 over pages, with
// registration marks at the tile corners and a 100 mm scale bar.
func (tp *techPack) patternPages() {
	if len(tp.pieces) == 0 {
		return
	}
	bx, by, bw, bh := tp.bodyBox()
	barH := 12.0
	tileW, tileH := bw-6, bh-barH-6
	placed, sheetW, sheetH := layoutSheet(tp.pieces, tileW, tileH)
	cols := int(math.Ceil(sheetW/tileW - 1e-9))
	rows := int(math.Ceil(sheetH/tileH - 1e-9))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			r, c := r, c
			tile := canvas.Rect{Min: models.Pt(float64(c)*tileW, float64(r)*tileH), Max: models.Pt(float64(c+1)*tileW, float64(r+1)*tileH)}
			if !tileUsed(placed, tile) {
				continue
			}
			name := fmt.Sprintf("%c%d", 'A'+rune(r%26), c+1)
			title := tp.tr("1:1 纸样", "1:1 Pattern") + " " + name + fmt.Sprintf("  (%d×%d)", rows, cols)
			tp.add(title, func(p canvas.Painter) {
				ox, oy := bx+3, by+3 // page position of the tile's top-left
				p.Push()
				p.Translate(ox-tile.Min.X, oy-tile.Min.Y)
				for _, pp := range placed {
					tp.drawPlaced(p, pp, tile)
				}
				p.Pop()
				// Registration marks at the tile corners: align neighbouring
				// pages on these crosses.
				for _, pt := range [][2]float64{{ox, oy}, {ox + tileW, oy}, {ox, oy + tileH}, {ox + tileW, oy + tileH}} {
					regMark(p, pt[0], pt[1])
				}
				p.SetFillColor(grey)
				p.Text(fmt.Sprintf("%s  %s %s  %s %s", name, tp.tr("码", "Size"), fmtSize(tp.pieces[0].size), tp.tr("比例", "Scale"), "1:1"), ox+5, oy+4, smallSize, canvas.AlignLeft)
				scaleBar(p, bx+3, by+bh-barH+4, bw-3, tp.tr("100 毫米 — 打印后核对", "100 mm — check after printing (no 'fit to page')"))
			})
		}
	}
}

func tileUsed(placed []placedPiece, tile canvas.Rect) bool {
	for _, pp := range placed {
		b := pp.sheetBounds()
		if b.Min.X < tile.Max.X && b.Max.X > tile.Min.X && b.Min.Y < tile.Max.Y && b.Max.Y > tile.Min.Y {
			return true
		}
	}
	return false
}

func (tp *techPack) drawPlaced(p canvas.Painter, pp placedPiece, tile canvas.Rect) {
	toSheet := func(pts []models.Point) []models.Point {
		out := make([]models.Point, len(pts))
		for i, q := range pts {
			out[i] = pp.toSheet(q)
		}
		return out
	}
	draw := func(pts []models.Point, closed bool) {
		for _, run := range clipSegments(toSheet(pts), closed, tile) {
			p.Stroke(polyline(run, false))
		}
	}
	p.SetDash()
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.3)
	draw(pp.g.cut, true)
	p.SetStrokeColor(grey)
	p.SetLineWidth(0.15)
	p.SetDash(2, 1)
	draw(pp.g.net, true)
	p.SetStrokeColor(stitchCl)
	p.SetDash(0.8, 0.7)
	for _, st := range pp.g.stitch {
		draw(st, false)
	}
	p.SetDash()
	if pp.g.folded {
		for _, run := range clipSegments(toSheet(pp.g.fold[:]), false, tile) {
			p.SetStrokeColor(accent)
			p.SetLineWidth(0.3)
			p.SetDash(3, 1.5)
			p.Stroke(polyline(run, false))
			p.SetDash()
			m := models.Pt((run[0].X+run[len(run)-1].X)/2, (run[0].Y+run[len(run)-1].Y)/2)
			p.SetFillColor(accent)
			p.Text(tp.tr("对折", "fold"), m.X, m.Y-1.2, smallSize, canvas.AlignCenter)
		}
	}
	in := func(q models.Point) bool {
		return q.X >= tile.Min.X && q.X <= tile.Max.X && q.Y >= tile.Min.Y && q.Y <= tile.Max.Y
	}
	c := centroid(pp.g.net)
	spot, room := labelSpot(pp.g, 1)
	for _, m := range pp.g.marks {
		at := pp.toSheet(m.At)
		if !in(at) {
			continue
		}
		switch m.Kind {
		case models.MarkNotch:
			drawNotch(p, pp.toSheet(nearestOn(pp.g.cut, m.At)), pp.toSheet(c), m.Size)
		case models.MarkPunch, models.MarkEyelet:
			drawHole(p, at, m.Size, m.Kind == models.MarkEyelet)
		case models.MarkText:
			p.SetFillColor(grey)
			p.Text(m.Text, at.X, at.Y, smallSize, canvas.AlignCenter)
		}
	}
	cs := pp.toSheet(spot)
	name := tp.name(pp.g.piece.Name, pp.g.piece.NameZH)
	size := fmt.Sprintf("%s %s %s", tp.tr("码", "Size"), fmtSize(pp.g.size), tp.qtyLabel(pp.g))
	tw := math.Max(paint.TextWidthMM(name, bodySize), paint.TextWidthMM(size, smallSize))
	// The label sits at the roomiest point inside the piece, or under
	// the piece when the piece is too small for it.
	lx, ly := cs.X, cs.Y
	inside := 2*room >= tw+4 && room >= 7
	if !inside {
		b := pp.sheetBounds()
		lx, ly = (b.Min.X+b.Max.X)/2, b.Max.Y+4.5
	}
	if in(cs) {
		sn, co := math.Sincos(pp.g.piece.GrainAngle * math.Pi / 180)
		gl := math.Min(pp.g.bounds.Dx(), pp.g.bounds.Dy()) * 0.3
		gl = math.Min(gl, math.Max(room*0.9, 4)) // inside the piece
		g0 := pp.toSheet(models.Pt(spot.X-co*gl, spot.Y-sn*gl))
		g1 := pp.toSheet(models.Pt(spot.X+co*gl, spot.Y+sn*gl))
		if inside && math.Abs(g1.Y-g0.Y) > math.Abs(g1.X-g0.X) {
			// An upright grain line goes beside the text, not through
			// it: on the left, or the right, whichever keeps it inside
			// the piece, shortened if neither does.
			net := make([]models.Point, len(pp.g.net))
			for i, q := range pp.g.net {
				net[i] = pp.toSheet(q)
			}
			off := math.Min(tw/2+4, room-1)
			mid := models.Pt((g0.X+g1.X)/2, (g0.Y+g1.Y)/2)
			half := models.Pt((g1.X-g0.X)/2, (g1.Y-g0.Y)/2)
		search:
			for _, k := range []float64{1, 0.8, 0.6, 0.4} {
				for _, dx := range []float64{-off, off} {
					a := models.Pt(mid.X+dx-half.X*k, mid.Y-half.Y*k)
					b := models.Pt(mid.X+dx+half.X*k, mid.Y+half.Y*k)
					if canvas.PointInPolygon(net, a) && canvas.PointInPolygon(net, b) {
						g0, g1 = a, b
						break search
					}
				}
			}
		}
		p.SetStrokeColor(accent)
		p.SetLineWidth(0.25)
		p.Stroke(linePath(g0.X, g0.Y, g1.X, g1.Y))
	}
	// Inside, the name goes above the grain line and the size below it.
	nameY, sizeY := ly-2.5, ly+4.5
	if !inside {
		nameY, sizeY = ly, ly+lineH(bodySize)+0.5
	}
	if in(models.Pt(lx, nameY)) {
		p.SetFillColor(ink)
		p.Text(name, lx, nameY, bodySize, canvas.AlignCenter)
		p.Text(size, lx, sizeY, smallSize, canvas.AlignCenter)
	}
}

// regMark draws a registration cross in a circle centred on (x, y).
func regMark(p canvas.Painter, x, y float64) {
	p.SetDash()
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.2)
	p.Stroke(circlePath(x, y, 2.5))
	p.Stroke(linePath(x-4, y, x+4, y))
	p.Stroke(linePath(x, y-4, x, y+4))
}

// scaleBar draws a 100 mm bar with 10 mm ticks from (x, y). The bar's body
// is one filled 100 × 1.5 mm rectangle, so its length can be checked in the
// PDF.
func scaleBar(p canvas.Painter, x, y, maxW float64, label string) {
	p.SetFillColor(ink)
	p.Fill(rectPath(x, y, 100, 1.5))
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.2)
	p.SetDash()
	for i := 0; i <= 10; i++ {
		tx := x + float64(i)*10
		h := 2.5
		if i%5 == 0 {
			h = 4
		}
		p.Stroke(linePath(tx, y+1.5, tx, y+1.5+h))
	}
	p.SetFillColor(ink)
	p.Text("0", x, y+8.5, smallSize, canvas.AlignCenter)
	p.Text("50", x+50, y+8.5, smallSize, canvas.AlignCenter)
	p.Text("100 mm", x+100, y+8.5, smallSize, canvas.AlignCenter)
	// The note stays inside the body (printers clip up to ~5 mm of the
	// paper's edge): wrapped to the room right of the bar.
	for i, l := range wrap(label, maxW-110, smallSize) {
		p.Text(l, x+110, y+3+float64(i)*lineH(smallSize), smallSize, canvas.AlignLeft)
	}
}

// labelSpot is where a piece's label and grain line go: the point inside
// the net outline farthest from its edges and its marks, so the text
// covers neither (a grid search: good enough at 1:1).
//
// A text mark (a style-number stamp) counts as a disc as wide as its text
// at scale s (page mm per piece mm), so the grain arrow stays off it.
func labelSpot(g pieceGeom, s float64) (at models.Point, room float64) {
	best, bestScore := centroid(g.net), -1.0
	b := canvas.PolylineBounds(g.net)
	const nx, ny = 24, 16
	for i := 1; i < nx; i++ {
		for j := 1; j < ny; j++ {
			q := models.Pt(b.Min.X+b.Dx()*float64(i)/nx, b.Min.Y+b.Dy()*float64(j)/ny)
			if !canvas.PointInPolygon(g.net, q) {
				continue
			}
			score := canvas.DistToPolyline(g.net, q, true)
			for _, m := range g.marks {
				r := m.Size / 2
				if m.Kind == models.MarkText {
					r = paint.TextWidthMM(m.Text, smallSize)/2/s + 2
				}
				score = math.Min(score, math.Hypot(m.At.X-q.X, m.At.Y-q.Y)-r)
			}
			if score > bestScore {
				best, bestScore = q, score
			}
		}
	}
	return best, math.Max(bestScore, 0)
}
