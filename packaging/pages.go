package packaging

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"cordwain/canvas"
	"cordwain/models"
)

// partColour is the colour of piece id in the chosen colourway.
func (tp *techPack) partColour(id models.ID) color.RGBA {
	if tp.cw != nil {
		if part, ok := tp.cw.Parts[id]; ok {
			if c, ok := parseHex(part.Hex); ok {
				return c
			}
		}
	}
	return color.RGBA{225, 215, 200, 255}
}

func (tp *techPack) materialName(id models.ID) string {
	for _, m := range tp.d.Materials {
		if m.ID == id {
			return tp.name(m.Name, m.NameZH)
		}
	}
	return ""
}

// designBounds is the box of all base-size net outlines (mean form mm).
func (tp *techPack) designBounds() (canvas.Rect, bool) {
	var r canvas.Rect
	ok := false
	for _, g := range tp.pieces {
		b := canvas.PolylineBounds(g.net)
		if !ok {
			r, ok = b, true
		} else {
			r = r.Union(b)
		}
	}
	return r, ok && r.Dx() > 0 && r.Dy() > 0
}

// drawSide draws the shoe's side view (pieces on the mean form, coloured by
// the colourway) fitted into the box; medial mirrors it. With callouts it
// numbers the pieces and returns their numbers' anchors.
func (tp *techPack) drawSide(p canvas.Painter, x, y, w, h float64, medial, callouts bool) {
	b, ok := tp.designBounds()
	if !ok {
		p.SetFillColor(grey)
		p.Text(tp.tr("（无部件）", "(no pieces)"), x+w/2, y+h/2, bodySize, canvas.AlignCenter)
		return
	}
	s := math.Min(w/b.Dx(), h/b.Dy()) * 0.92
	p.Push()
	p.Translate(x+w/2, y+h/2)
	if medial {
		p.Scale(-s, -s)
	} else {
		p.Scale(s, -s)
	}
	p.Translate(-(b.Min.X+b.Max.X)/2, -(b.Min.Y+b.Max.Y)/2)
	p.SetDash()
	for _, g := range tp.pieces {
		path := polyline(g.net, true)
		p.SetFillColor(tp.partColour(g.piece.ID))
		p.Fill(path)
		p.SetStrokeColor(ink)
		p.SetLineWidth(0.3)
		p.Stroke(path)
		p.SetStrokeColor(color.RGBA{240, 240, 240, 255})
		p.SetLineWidth(0.15)
		p.SetDash(0.8, 0.6)
		for _, st := range g.stitch {
			p.Stroke(polyline(st, false))
		}
		p.SetDash()
	}
	p.SetStrokeColor(accent)
	p.SetLineWidth(0.2)
	for _, sl := range tp.d.StyleLines {
		if sl.Kind == models.LineCentre {
			continue
		}
		p.Stroke(canvas.FromModel(sl.Path))
	}
	if callouts {
		for i, g := range tp.pieces {
			c := centroid(g.net)
			tx, ty := c.X, c.Y
			p.Push()
			p.Translate(tx, ty)
			p.Scale(1/s, 1/s) // back to page mm for the balloon
			if medial {
				p.Scale(-1, -1)
			} else {
				p.Scale(1, -1)
			}
			p.SetFillColor(color.White)
			p.Fill(circlePath(0, 0, 2.4))
			p.SetStrokeColor(accent)
			p.SetLineWidth(0.25)
			p.Stroke(circlePath(0, 0, 2.4))
			p.SetFillColor(accent)
			p.Text(fmt.Sprint(i+1), 0, 1, smallSize-0.5, canvas.AlignCenter)
			p.Pop()
		}
	}
	p.Pop()
}

func centroid(pts []models.Point) models.Point {
	var cx, cy, a float64
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		c := p.X*q.Y - q.X*p.Y
		a += c
		cx += (p.X + q.X) * c
		cy += (p.Y + q.Y) * c
	}
	if math.Abs(a) < 1e-9 {
		if len(pts) == 0 {
			return models.Point{}
		}
		return pts[0]
	}
	return models.Pt(cx/(3*a), cy/(3*a))
}

// soleOutline is the last's bottom seen from below, from its measurements
// (an adapter until canvas offers projections of the parametric last).
// Heel at x = 0, y across, centred.
func soleOutline(l models.Last) []models.Point {
	L := l.BottomLength
	if !(L > 0) {
		L = 265
	}
	bw := l.BallWidth
	if !(bw > 0) {
		bw = 0.35 * L
	}
	hw := l.HeelWidth
	if !(hw > 0) {
		hw = 0.68 * bw
	}
	toe := 0.3
	switch l.ToeShape {
	case models.ToePointed:
		toe = 0.12
	case models.ToeSquare:
		toe = 0.55
	case models.ToeAlmond:
		toe = 0.22
	}
	// Half-widths along the length (lateral side a little fuller).
	type st struct{ x, lat, med float64 }
	stations := []st{
		{0, 0, 0}, {0.03, 0.38 * hw, 0.38 * hw}, {0.12, 0.5 * hw, 0.5 * hw}, {0.4, 0.42 * bw, 0.36 * bw},
		{0.68, 0.52 * bw, 0.48 * bw}, {0.85, 0.45 * bw, 0.46 * bw}, {0.96, toe * 0.6 * bw, toe * 0.6 * bw}, {1, 0, 0},
	}
	var out []models.Point
	for _, s := range stations { // lateral side, heel to toe
		out = append(out, models.Pt(s.x*L, s.lat))
	}
	for i := len(stations) - 2; i > 0; i-- { // medial side back
		out = append(out, models.Pt(stations[i].x*L, -stations[i].med))
	}
	return smoothRing(out, 6)
}

// smoothRing rounds a polygon with Chaikin corner cutting.
func smoothRing(pts []models.Point, iter int) []models.Point {
	for k := 0; k < iter; k++ {
		var out []models.Point
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			out = append(out, models.Pt(0.75*a.X+0.25*b.X, 0.75*a.Y+0.25*b.Y), models.Pt(0.25*a.X+0.75*b.X, 0.25*a.Y+0.75*b.Y))
		}
		pts = out
	}
	return pts
}

// drawFitted draws rings fitted into a box, y up when flipY.
func drawFitted(p canvas.Painter, x, y, w, h float64, flipY bool, fill color.Color, rings ...[]models.Point) {
	var b canvas.Rect
	for i, r := range rings {
		if i == 0 {
			b = canvas.PolylineBounds(r)
		} else {
			b = b.Union(canvas.PolylineBounds(r))
		}
	}
	if !(b.Dx() > 0) || !(b.Dy() > 0) {
		return
	}
	s := math.Min(w/b.Dx(), h/b.Dy()) * 0.9
	p.Push()
	p.Translate(x+w/2, y+h/2)
	if flipY {
		p.Scale(s, -s)
	} else {
		p.Scale(s, s)
	}
	p.Translate(-(b.Min.X+b.Max.X)/2, -(b.Min.Y+b.Max.Y)/2)
	for i, r := range rings {
		path := polyline(r, true)
		if i == 0 && fill != nil {
			p.SetFillColor(fill)
			p.Fill(path)
		}
		p.SetStrokeColor(ink)
		p.SetLineWidth(0.3)
		p.Stroke(path)
	}
	p.Pop()
}

// backOutline is the heel seen from behind: heel width at the seat, the back
// height, and the heel block below.
func backOutline(l models.Last) (upper, heel []models.Point) {
	hw := l.HeelWidth
	if !(hw > 0) {
		hw = 60
	}
	bh := l.BackHeight
	if !(bh > 0) {
		bh = 60
	}
	hh := l.HeelHeight
	if !(hh > 0) {
		hh = 25
	}
	upper = smoothRing([]models.Point{
		models.Pt(-hw/2, 0), models.Pt(hw/2, 0), models.Pt(hw/2+4, bh*0.5), models.Pt(hw/2-3, bh),
		models.Pt(-hw/2+3, bh), models.Pt(-hw/2-4, bh*0.5),
	}, 3)
	heel = []models.Point{models.Pt(-hw/2+2, 0), models.Pt(hw/2-2, 0), models.Pt(hw/2-5, -hh), models.Pt(-hw/2+5, -hh)}
	return upper, heel
}

func (tp *techPack) viewFrame(p canvas.Painter, x, y, w, h float64, label string) {
	p.SetStrokeColor(rule)
	p.SetLineWidth(0.2)
	p.SetDash()
	p.Stroke(rectPath(x, y, w, h))
	p.SetFillColor(grey)
	p.Text(label, x+2, y+4.5, smallSize, canvas.AlignLeft)
}

func (tp *techPack) cover() {
	tp.add(tp.tr("工艺单", "Tech Pack"), func(p canvas.Painter) {
		bx, by, bw, bh := tp.bodyBox()
		m := tp.d.Meta
		p.SetFillColor(ink)
		p.Text(tp.name(m.Name, m.NameZH), bx, by+9, 22, canvas.AlignLeft)
		p.SetFillColor(accent)
		p.Text(m.StyleNo, bx, by+17, 14, canvas.AlignLeft)
		date := ""
		if !tp.o.Date.IsZero() {
			date = tp.o.Date.UTC().Format("2006-01-02")
		}
		rows := [][2]string{
			{tp.tr("款号", "Style No."), m.StyleNo},
			{tp.tr("名称", "Name"), tp.name(m.Name, m.NameZH)},
			{tp.tr("季节", "Season"), m.Season},
			{tp.tr("工作室", "Studio"), m.Studio},
			{tp.tr("设计师", "Designer"), m.Designer},
			{tp.tr("日期", "Date"), date},
			{tp.tr("版本", "Version"), shortID(tp.o.VersionID)},
			{tp.tr("类别", "Category"), m.Category},
			{tp.tr("工艺", "Construction"), string(m.Construction)},
			{tp.tr("楦号", "Last"), tp.d.Last.Ref},
			{tp.tr("基本码", "Base size"), fmtSize(m.BaseSize) + " (CN mm)"},
			{tp.tr("码段", "Sizes"), joinSizes(tp.o.Sizes)},
		}
		y := tp.kv(p, bx, by+24, bw*0.5, rows)
		vx, vy := bx, math.Max(y+6, by+120)
		vh := math.Min(bh*0.42, by+bh-vy-40)
		tp.viewFrame(p, vx, vy, bw, vh, tp.tr("外侧视图", "Lateral view"))
		tp.drawSide(p, vx, vy+5, bw, vh-6, false, false)
		// Colourway chips.
		cy := vy + vh + 8
		p.SetFillColor(ink)
		p.Text(tp.tr("配色", "Colourways"), bx, cy, bodySize+1, canvas.AlignLeft)
		cy += 3
		cx := bx
		for _, cw := range tp.d.Colourways {
			hexes := colourwayHexes(tp.d, cw)
			label := tp.name(cw.Name, cw.NameZH)
			wid := math.Max(32, textWidthMM(label, bodySize)+4)
			if cx+wid > bx+bw {
				cx = bx
				cy += 20
			}
			for i, c := range hexes {
				if i >= 6 {
					break
				}
				col, _ := parseHex(c)
				p.SetFillColor(col)
				p.Fill(rectPath(cx+float64(i)*5, cy, 5, 9))
			}
			p.SetStrokeColor(grey)
			p.SetLineWidth(0.15)
			p.Stroke(rectPath(cx, cy, float64(min(len(hexes), 6))*5, 9))
			p.SetFillColor(ink)
			p.Text(label, cx, cy+13, bodySize, canvas.AlignLeft)
			cx += wid + 4
		}
		if len(tp.d.Colourways) == 0 {
			p.SetFillColor(grey)
			p.Text(tp.tr("（无）", "(none)"), bx, cy+6, bodySize, canvas.AlignLeft)
		}
	})
}

// colourwayHexes lists the distinct part colours of a colourway in piece order.
func colourwayHexes(d *models.Design, cw models.Colourway) []string {
	var out []string
	seen := map[string]bool{}
	for _, pc := range sortedPieces(d) {
		if part, ok := cw.Parts[pc.ID]; ok && !seen[strings.ToLower(part.Hex)] {
			seen[strings.ToLower(part.Hex)] = true
			out = append(out, part.Hex)
		}
	}
	return out
}

func joinSizes(s []float64) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmtSize(v)
	}
	return strings.Join(parts, ", ")
}

func (tp *techPack) views() {
	tp.add(tp.tr("视图", "Views"), func(p canvas.Painter) {
		bx, by, bw, bh := tp.bodyBox()
		h1 := bh * 0.3
		tp.viewFrame(p, bx, by, bw, h1, tp.tr("外侧", "Lateral"))
		tp.drawSide(p, bx, by+5, bw, h1-6, false, true)
		tp.viewFrame(p, bx, by+h1+3, bw, h1, tp.tr("内侧", "Medial"))
		tp.drawSide(p, bx, by+h1+8, bw, h1-6, true, true)
		y := by + 2*h1 + 6
		h2 := bh * 0.2
		w3 := (bw - 6) / 3
		sole := soleOutline(tp.d.Last)
		tp.viewFrame(p, bx, y, w3, h2, tp.tr("俯视", "Top"))
		drawFitted(p, bx, y+4, w3, h2-5, true, tp.partColour(firstPieceID(tp.pieces)), sole)
		up, heel := backOutline(tp.d.Last)
		tp.viewFrame(p, bx+w3+3, y, w3, h2, tp.tr("后视", "Back"))
		drawFitted(p, bx+w3+3, y+4, w3, h2-5, true, tp.partColour(firstPieceID(tp.pieces)), up, heel)
		tp.viewFrame(p, bx+2*w3+6, y, w3, h2, tp.tr("底视", "Bottom"))
		drawFitted(p, bx+2*w3+6, y+4, w3, h2-5, true, color.RGBA{60, 60, 60, 255}, sole)
		// Call-out legend.
		ly := y + h2 + 6
		col := 0
		for i, g := range tp.pieces {
			if ly > by+bh-2 {
				p.SetFillColor(grey)
				p.Text("…", bx+float64(col)*bw/3, ly, smallSize, canvas.AlignLeft)
				break
			}
			p.SetFillColor(accent)
			x := bx + float64(col)*bw/3
			p.Text(fmt.Sprintf("%d", i+1), x+3, ly, smallSize, canvas.AlignRight)
			p.SetFillColor(ink)
			p.Text(clip(tp.name(g.piece.Name, g.piece.NameZH)+" — "+tp.materialName(g.piece.Material), bw/3-6, smallSize), x+5, ly, smallSize, canvas.AlignLeft)
			col++
			if col == 3 {
				col = 0
				ly += lineH(smallSize)
			}
		}
	})
}

func firstPieceID(ps []pieceGeom) models.ID {
	if len(ps) == 0 {
		return ""
	}
	return ps[0].piece.ID
}

// clip shortens s with an ellipsis to fit w mm.
func clip(s string, w, size float64) string {
	if textWidthMM(s, size) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && textWidthMM(string(rs)+"…", size) > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// drawPiece draws a piece in mean-form mm (y up) under the current
// transform; s is the drawing scale (page mm per piece mm) so marks and
// text keep their page size.
func (tp *techPack) drawPiece(p canvas.Painter, g pieceGeom, s float64) {
	p.SetDash()
	p.SetFillColor(color.RGBA{246, 246, 248, 255})
	p.Fill(polyline(g.cut, true))
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.35)
	p.Stroke(polyline(g.cut, true)) // cut line
	p.SetStrokeColor(grey)
	p.SetLineWidth(0.18)
	p.SetDash(2, 1)
	p.Stroke(polyline(g.net, true)) // net line (fold / lap / lasting edge)
	p.SetStrokeColor(stitchCl)
	p.SetDash(0.8, 0.7)
	for _, st := range g.stitch {
		p.Stroke(polyline(st, false))
	}
	p.SetDash()
	c := centroid(g.net)
	for _, m := range g.marks {
		switch m.Kind {
		case models.MarkNotch:
			depth := m.Size
			if !(depth > 0) {
				depth = 2
			}
			at := nearestOn(g.cut, m.At)
			dx, dy := c.X-at.X, c.Y-at.Y
			l := math.Hypot(dx, dy)
			if l > 0 {
				p.SetStrokeColor(ink)
				p.SetLineWidth(0.3)
				p.Stroke(linePath(at.X, at.Y, at.X+dx/l*depth, at.Y+dy/l*depth))
			}
		case models.MarkPunch, models.MarkEyelet:
			r := m.Size / 2
			if !(r > 0) {
				r = 1.5
			}
			p.SetStrokeColor(ink)
			p.SetLineWidth(0.2)
			p.Stroke(circlePath(m.At.X, m.At.Y, r))
			if m.Kind == models.MarkEyelet {
				p.Stroke(circlePath(m.At.X, m.At.Y, r+1))
			}
			p.Stroke(linePath(m.At.X-r*0.6, m.At.Y, m.At.X+r*0.6, m.At.Y))
			p.Stroke(linePath(m.At.X, m.At.Y-r*0.6, m.At.X, m.At.Y+r*0.6))
		case models.MarkText:
			p.Push()
			p.Translate(m.At.X, m.At.Y)
			p.Scale(1/s, -1/s)
			p.SetFillColor(grey)
			p.Text(m.Text, 0, 0, smallSize, canvas.AlignCenter)
			p.Pop()
		}
	}
	// Grain line: a double-headed arrow through the centre.
	b := canvas.PolylineBounds(g.net)
	gl := math.Min(b.Dx(), b.Dy()) * 0.35
	sn, cs := math.Sincos(g.piece.GrainAngle * math.Pi / 180)
	x0, y0, x1, y1 := c.X-cs*gl, c.Y-sn*gl, c.X+cs*gl, c.Y+sn*gl
	p.SetStrokeColor(accent)
	p.SetLineWidth(0.25)
	p.Stroke(linePath(x0, y0, x1, y1))
	head := 2.5 / s
	for _, e := range [][4]float64{{x1, y1, -cs, -sn}, {x0, y0, cs, sn}} {
		ex, ey, ux, uy := e[0], e[1], e[2], e[3]
		p.Stroke(linePath(ex, ey, ex+head*(ux*0.94-uy*0.34), ey+head*(uy*0.94+ux*0.34)))
		p.Stroke(linePath(ex, ey, ex+head*(ux*0.94+uy*0.34), ey+head*(uy*0.94-ux*0.34)))
	}
	// Label.
	p.Push()
	p.Translate(c.X, c.Y)
	p.Scale(1/s, -1/s)
	lines := []string{
		tp.name(g.piece.Name, g.piece.NameZH),
		fmt.Sprintf("%s %s · ×%d", tp.tr("码", "Size"), fmtSize(g.size), max(g.piece.Quantity, 1)),
		tp.materialName(g.piece.Material),
	}
	if g.piece.Mirror {
		lines = append(lines, tp.tr("左右对称一对", "Mirror pair L/R"))
	}
	p.SetFillColor(ink)
	for i, l := range lines {
		if l == "" {
			continue
		}
		size := smallSize
		if i == 0 {
			size = bodySize
		}
		p.Text(l, 0, 4+float64(i)*lineH(smallSize), size, canvas.AlignCenter)
	}
	p.Pop()
}

// nearestOn is the nearest point on a closed polyline to q.
func nearestOn(ring []models.Point, q models.Point) models.Point {
	best, bd := q, math.Inf(1)
	for i := range ring {
		a, b := ring[i], ring[(i+1)%len(ring)]
		dx, dy := b.X-a.X, b.Y-a.Y
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, ((q.X-a.X)*dx+(q.Y-a.Y)*dy)/l2))
		}
		pt := models.Pt(a.X+t*dx, a.Y+t*dy)
		if d := math.Hypot(pt.X-q.X, pt.Y-q.Y); d < bd {
			best, bd = pt, d
		}
	}
	return best
}

// piecePages draws every piece scaled into a grid, six to a page.
func (tp *techPack) piecePages() {
	const perPage = 6
	n := len(tp.pieces)
	if n == 0 {
		tp.add(tp.tr("部件", "Pieces"), func(p canvas.Painter) {
			bx, by, _, _ := tp.bodyBox()
			p.SetFillColor(grey)
			p.Text(tp.tr("（无部件）", "(no pieces)"), bx, by+6, bodySize, canvas.AlignLeft)
		})
		return
	}
	for start := 0; start < n; start += perPage {
		chunk := tp.pieces[start:min(start+perPage, n)]
		title := tp.tr("部件", "Pieces")
		if start > 0 {
			title += " " + tp.tr("(续)", "(cont.)")
		}
		tp.add(title, func(p canvas.Painter) {
			bx, by, bw, bh := tp.bodyBox()
			legend := 8.0
			cw, ch := bw/2, (bh-legend)/3
			tp.legend(p, bx, by+3)
			for i, g := range chunk {
				x := bx + float64(i%2)*cw
				y := by + legend + float64(i/2)*ch
				p.SetStrokeColor(rule)
				p.SetLineWidth(0.15)
				p.SetDash()
				p.Stroke(rectPath(x+1, y+1, cw-2, ch-2))
				b := g.bounds
				s := math.Min((cw-12)/b.Dx(), (ch-14)/b.Dy())
				s = math.Min(s, 1)
				p.SetFillColor(grey)
				p.Text(fmt.Sprintf("%d. %s   1:%s", start+i+1, clip(tp.name(g.piece.Name, g.piece.NameZH), cw-30, smallSize), fmtSize(math.Round(1/s*10)/10)), x+3, y+5, smallSize, canvas.AlignLeft)
				p.Push()
				p.Translate(x+cw/2, y+ch/2+3)
				p.Scale(s, -s)
				p.Translate(-(b.Min.X+b.Max.X)/2, -(b.Min.Y+b.Max.Y)/2)
				tp.drawPiece(p, g, s)
				p.Pop()
			}
		})
	}
}

// legend explains the line types.
func (tp *techPack) legend(p canvas.Painter, x, y float64) {
	items := []struct {
		label string
		c     color.Color
		dash  []float64
	}{
		{tp.tr("裁断线", "Cut line"), ink, nil},
		{tp.tr("净样线", "Net line"), grey, []float64{2, 1}},
		{tp.tr("车线", "Stitch line"), stitchCl, []float64{0.8, 0.7}},
		{tp.tr("纹路方向", "Grain"), accent, nil},
	}
	for _, it := range items {
		p.SetStrokeColor(it.c)
		p.SetLineWidth(0.3)
		p.SetDash(it.dash...)
		p.Stroke(linePath(x, y, x+8, y))
		p.SetDash()
		p.SetFillColor(ink)
		p.Text(it.label, x+10, y+1.2, smallSize, canvas.AlignLeft)
		x += 14 + textWidthMM(it.label, smallSize)
	}
}
