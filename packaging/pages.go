package packaging

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

func (tp *techPack) materialName(id models.ID) string {
	for _, m := range tp.d.Materials {
		if m.ID == id {
			return tp.name(m.Name, m.NameZH)
		}
	}
	return ""
}

// boxPainter shows a painter to [canvas.DrawDesign] as a page of w × h mm
// (the caller translates to the box), so a view fits a box of a page.
type boxPainter struct {
	canvas.Painter
	w, h float64
}

func (b boxPainter) Size() (float64, float64) { return b.w, b.h }

// drawView draws the design in view, fitted into the box (x, y, w, h), with
// canvas.DrawDesign: the editor's own drawing, last, sole and colourway
// fills. With callouts it numbers the pieces on top.
func (tp *techPack) drawView(p canvas.Painter, view canvas.View, x, y, w, h float64, callouts bool) {
	p.Push()
	defer p.Pop()
	p.Translate(x, y)
	vp, err := canvas.DrawDesign(boxPainter{p, w, h}, tp.d, canvas.DrawOptions{View: view, Colourway: tp.cwID(), Margin: 3})
	if err != nil {
		p.SetFillColor(grey)
		p.Text(clip(err.Error(), w-4, smallSize), w/2, h/2, smallSize, canvas.AlignCenter)
		return
	}
	if !callouts {
		return
	}
	for _, c := range tp.callouts[view] {
		cx, cy := vp.ToPage(c.at)
		p.SetFillColor(color.White)
		p.Fill(circlePath(cx, cy, 2.4))
		p.SetStrokeColor(accent)
		p.SetLineWidth(0.25)
		p.SetDash()
		p.Stroke(circlePath(cx, cy, 2.4))
		p.SetFillColor(accent)
		p.Text(strconv.Itoa(c.n), cx, cy+0.9, smallSize-0.5, canvas.AlignCenter)
	}
}

func (tp *techPack) cwID() models.ID {
	if tp.cw == nil {
		return ""
	}
	return tp.cw.ID
}

// calledOut reports whether piece number n shows on the lateral or medial
// view; the rest are inside the shoe (linings, stiffeners).
func (tp *techPack) calledOut(n int) bool {
	for _, cs := range tp.callouts {
		for _, c := range cs {
			if c.n == n {
				return true
			}
		}
	}
	return false
}

// callout is a piece number placed in a view, in view coordinates.
type callout struct {
	n  int
	at models.Point
}

// findCallouts places a number on every piece visible in view. It asks
// canvas.DrawDesign for the pieces' outlines as drawn (each highlighted in
// a colour of its own, recorded), then picks for each the point deepest
// inside its visible part, clear of the pieces drawn over it.
func (tp *techPack) findCallouts(view canvas.View) []callout {
	n := len(tp.pieces)
	if n == 0 {
		return nil
	}
	hl := make(map[models.ID]color.Color, n)
	byColour := make(map[color.NRGBA]int, n)
	for i, g := range tp.pieces {
		c := color.NRGBA{uint8(i), uint8(i >> 8), 0x5a, 0xfd}
		hl[g.piece.ID] = c
		byColour[c] = i
	}
	rec := canvas.NewRecorder(200, 100)
	vp, err := canvas.DrawDesign(rec, tp.d, canvas.DrawOptions{View: view, Highlight: hl})
	if err != nil {
		return nil
	}
	if b := vp.Bounds; b.Dx() > 0 {
		tp.aspect[view] = b.Dy() / b.Dx()
	}
	polys := make([][][]models.Point, n)
	cur := -1
	for _, op := range rec.Ops {
		switch op.Kind {
		case canvas.RecStrokeColor:
			cur = -1
			if c, ok := op.Color.(color.NRGBA); ok {
				if i, ok := byColour[c]; ok {
					cur = i
				}
			}
		case canvas.RecStroke:
			if cur >= 0 && op.Path != nil {
				if pts := pathPoints(op.Path); len(pts) > 2 {
					polys[cur] = append(polys[cur], pts)
				}
			}
		}
	}
	// Draw order as canvas draws: by Order, stable in design order.
	rank := map[models.ID]int{}
	order := make([]int, len(tp.d.Pieces))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return tp.d.Pieces[order[a]].Order < tp.d.Pieces[order[b]].Order })
	for r, i := range order {
		rank[tp.d.Pieces[i].ID] = r
	}
	var out []callout
	for i, g := range tp.pieces {
		best, bestScore := models.Point{}, 0.0
		for _, poly := range polys[i] {
			b := canvas.PolylineBounds(poly)
			const nx, ny = 16, 10
			for a := 0; a <= nx; a++ {
				for c := 0; c <= ny; c++ {
					q := models.Pt(b.Min.X+b.Dx()*float64(a)/nx, b.Min.Y+b.Dy()*float64(c)/ny)
					if !canvas.PointInPolygon(poly, q) {
						continue
					}
					score := canvas.DistToPolyline(poly, q, true)
					for j, other := range tp.pieces {
						if rank[other.piece.ID] <= rank[g.piece.ID] {
							continue
						}
						for _, op := range polys[j] {
							if canvas.PointInPolygon(op, q) {
								score = 0
							} else {
								score = math.Min(score, canvas.DistToPolyline(op, q, true))
							}
						}
					}
					if score > bestScore {
						best, bestScore = q, score
					}
				}
			}
		}
		if bestScore > 0 {
			out = append(out, callout{n: i + 1, at: best})
		}
	}
	return out
}

// pathPoints lists the on-curve points of a path of lines.
func pathPoints(p *canvas.Path) []models.Point {
	var pts []models.Point
	for _, s := range p.Segs {
		switch s.Op {
		case canvas.OpMove, canvas.OpLine:
			pts = append(pts, s.Pts[0])
		case canvas.OpCubic:
			pts = append(pts, s.Pts[2])
		}
	}
	return pts
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
			{tp.tr("类别", "Category"), tp.enum(m.Category)},
			{tp.tr("工艺", "Construction"), tp.enum(string(m.Construction))},
			{tp.tr("楦号", "Last"), tp.d.Last.Ref},
			{tp.tr("基本码", "Base size"), tp.sizeLabel(m.BaseSize) + " · CN mm"},
			{tp.tr("码段", "Sizes"), tp.joinSizes(tp.o.Sizes)},
		}
		y := tp.kv(p, bx, by+24, bw*0.52, rows)
		if tp.o.Lang != LangEN {
			// Say what was not translated: free text stays as typed.
			p.SetFillColor(grey)
			for _, l := range wrap(tp.tr("注：材料种类、工艺、颜色等选项已译为中文；供应商、线、包装、备注等自由文本及无中文名的名称按原文照录。",
				"Note: kinds, construction, colours and other choices are translated; supplier, thread, packaging, notes and names without a Chinese name are as typed."), bw*0.52, smallSize) {
				y += lineH(smallSize)
				p.Text(l, bx, y, smallSize, canvas.AlignLeft)
			}
			y += 1
		}
		// Colourway chips to the right of the facts.
		cx, cy := bx+bw*0.58, by+24
		cwW := bw - (cx - bx)
		p.SetFillColor(ink)
		p.Text(tp.tr("配色", "Colourways"), cx, cy+lineH(bodySize), bodySize+1, canvas.AlignLeft)
		cy += lineH(bodySize) + 3
		for _, cw := range tp.d.Colourways {
			if cy > y-10 && cy > by+bh*0.45 {
				p.SetFillColor(grey)
				p.Text("…", cx, cy+4, bodySize, canvas.AlignLeft)
				break
			}
			hexes := colourwayHexes(tp.d, cw)
			n := min(len(hexes), 8)
			for i := 0; i < n; i++ {
				col, _ := parseHex(hexes[i])
				p.SetFillColor(col)
				p.Fill(rectPath(cx+float64(i)*6, cy, 6, 9))
			}
			if n > 0 {
				p.SetStrokeColor(grey)
				p.SetLineWidth(0.15)
				p.SetDash()
				p.Stroke(rectPath(cx, cy, float64(n)*6, 9))
			}
			p.SetFillColor(ink)
			p.Text(clip(tp.name(cw.Name, cw.NameZH), cwW-float64(n)*6-4, bodySize), cx+float64(n)*6+3, cy+6, bodySize, canvas.AlignLeft)
			if tp.cw != nil && cw.ID == tp.cw.ID {
				p.SetFillColor(grey)
				p.Text(tp.tr("（下图）", "(shown below)"), cx+float64(n)*6+3, cy+6+lineH(smallSize)+0.5, smallSize, canvas.AlignLeft)
			}
			cy += 15
		}
		if len(tp.d.Colourways) == 0 {
			p.SetFillColor(grey)
			p.Text(tp.tr("（无）", "(none)"), cx, cy+6, bodySize, canvas.AlignLeft)
			cy += 10
		}
		// The lateral view, and the medial under it when the page has room
		// for both at full width; each box as tall as the shoe needs.
		vy := math.Max(y, cy) + 6
		avail := by + bh - vy - 2
		need := func(v canvas.View) float64 {
			a := tp.aspect[v]
			if !(a > 0) {
				a = 0.45
			}
			return bw*a + 12
		}
		views := []canvas.View{canvas.ViewLateral, canvas.ViewMedial}
		if avail < 90 { // a very long facts table: the lateral view alone
			views = views[:1]
		}
		for _, v := range views {
			vh := math.Min(need(v), (avail-3)/float64(len(views)))
			if len(views) == 1 {
				vh = avail
			}
			label := tp.tr("外侧视图", "Lateral view")
			if v == canvas.ViewMedial {
				label = tp.tr("内侧视图", "Medial view")
			}
			tp.viewFrame(p, bx, vy, bw, vh, label)
			tp.drawView(p, v, bx, vy+5, bw, vh-6, false)
			vy += vh + 3
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

// joinSizes lists sizes in the design's system, with the mm run after it
// when that system is not CN.
func (tp *techPack) joinSizes(s []float64) string {
	mm := make([]string, len(s))
	for i, v := range s {
		mm[i] = fmtSize(v)
	}
	sys := tp.d.Meta.SizeSystem
	if sys == "" || sys == models.SizeCN {
		return strings.Join(mm, ", ")
	}
	named := make([]string, len(s))
	for i, v := range s {
		named[i] = sizeIn(tp.d, sys, v)
	}
	return string(sys) + " " + strings.Join(named, ", ") + "\n(CN mm " + strings.Join(mm, ", ") + ")"
}

func (tp *techPack) views() {
	tp.add(tp.tr("视图", "Views"), func(p canvas.Painter) {
		bx, by, bw, bh := tp.bodyBox()
		h1 := bh * 0.29
		tp.viewFrame(p, bx, by, bw, h1, tp.tr("外侧", "Lateral"))
		tp.drawView(p, canvas.ViewLateral, bx, by+5, bw, h1-6, true)
		tp.viewFrame(p, bx, by+h1+3, bw, h1, tp.tr("内侧", "Medial"))
		tp.drawView(p, canvas.ViewMedial, bx, by+h1+8, bw, h1-6, true)
		y := by + 2*h1 + 6
		h2 := bh * 0.22
		wTop, wBack := (bw-6)*0.38, (bw-6)*0.24
		tp.viewFrame(p, bx, y, wTop, h2, tp.tr("俯视", "Top"))
		tp.drawView(p, canvas.ViewTop, bx, y+5, wTop, h2-6, false)
		tp.viewFrame(p, bx+wTop+3, y, wBack, h2, tp.tr("后视", "Back"))
		tp.drawView(p, canvas.ViewBack, bx+wTop+3, y+5, wBack, h2-6, false)
		tp.viewFrame(p, bx+wTop+wBack+6, y, wTop, h2, tp.tr("底视", "Bottom"))
		tp.drawView(p, canvas.ViewBottom, bx+wTop+wBack+6, y+5, wTop, h2-6, false)
		// Call-out legend: two columns, so names and materials fit.
		ly := y + h2 + 6
		const cols = 2
		colW := bw / cols
		col := 0
		for i, g := range tp.pieces {
			if ly > by+bh-2 {
				p.SetFillColor(grey)
				p.Text("…", bx+float64(col)*colW, ly, smallSize, canvas.AlignLeft)
				break
			}
			p.SetFillColor(accent)
			x := bx + float64(col)*colW
			p.Text(fmt.Sprintf("%d", i+1), x+3, ly, smallSize, canvas.AlignRight)
			p.SetFillColor(ink)
			label := tp.name(g.piece.Name, g.piece.NameZH)
			if !tp.calledOut(i + 1) {
				label += " " + tp.tr("（内部）", "(inside)")
			}
			p.Text(clip(label+" — "+tp.materialName(g.piece.Material), colW-6, smallSize), x+5, ly, smallSize, canvas.AlignLeft)
			col++
			if col == cols {
				col = 0
				ly += lineH(smallSize)
			}
		}
	})
}

// clip shortens s with an ellipsis to fit w mm.
func clip(s string, w, size float64) string {
	if paint.TextWidthMM(s, size) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && paint.TextWidthMM(string(rs)+"…", size) > w {
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
	if g.folded {
		tp.drawFold(p, g.fold[0], g.fold[1], s)
	}
	c := centroid(g.net)
	for _, m := range g.marks {
		switch m.Kind {
		case models.MarkNotch:
			drawNotch(p, nearestOn(g.cut, m.At), c, m.Size)
		case models.MarkPunch, models.MarkEyelet:
			drawHole(p, m.At, m.Size, m.Kind == models.MarkEyelet)
		case models.MarkText:
			p.Push()
			p.Translate(m.At.X, m.At.Y)
			p.Scale(1/s, -1/s)
			p.SetFillColor(grey)
			p.Text(m.Text, 0, 0, smallSize, canvas.AlignCenter)
			p.Pop()
		}
	}
	// Grain line: a double-headed arrow through the roomiest spot, clear
	// of the marks and the stamp.
	c, room := labelSpot(g, s)
	b := canvas.PolylineBounds(g.net)
	gl := math.Min(math.Min(b.Dx(), b.Dy())*0.35, math.Max(room*0.9, 4))
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
}

// pieceLabel is the text that goes with a piece: name, size and
// quantity, material, and the mirror note.
func (tp *techPack) pieceLabel(g pieceGeom) []string {
	lines := []string{
		tp.name(g.piece.Name, g.piece.NameZH),
		fmt.Sprintf("%s %s · %s", tp.tr("码", "Size"), tp.sizeLabel(g.size), tp.qtyLabel(g)),
	}
	if m := tp.materialName(g.piece.Material); m != "" {
		lines = append(lines, m)
	}
	switch {
	case g.folded:
		lines = append(lines, tp.tr("半片，对折裁", "Half pattern: cut on the fold"))
	case g.unfolded:
		lines = append(lines, tp.tr("整片（对折样展开）", "Whole piece (half pattern unfolded)"))
	}
	if g.piece.Mirror {
		lines = append(lines, tp.tr("每只内左右对称", "Mirrored L/R within a shoe"))
	}
	return lines
}

// qtyLabel is a piece's count, per shoe with the pair derived: the one
// rule the tech pack and the cut file state.
func (tp *techPack) qtyLabel(g pieceGeom) string {
	n := perShoe(g.piece)
	switch tp.o.Lang {
	case LangZH:
		return fmt.Sprintf("×%d/只 (%d/双)", n, 2*n)
	case LangEN:
		return fmt.Sprintf("×%d/shoe (%d/pair)", n, 2*n)
	}
	return fmt.Sprintf("×%d 只/shoe (%d 双/pair)", n, 2*n)
}

// drawFold draws a half pattern's fold (mirror) line: dashed, with
// "对折 fold" beside its middle; s is the drawing scale.
func (tp *techPack) drawFold(p canvas.Painter, a, b models.Point, s float64) {
	p.SetStrokeColor(accent)
	p.SetLineWidth(0.3)
	p.SetDash(3, 1.5)
	p.Stroke(linePath(a.X, a.Y, b.X, b.Y))
	p.SetDash()
	p.Push()
	p.Translate((a.X+b.X)/2, (a.Y+b.Y)/2)
	p.Scale(1/s, -1/s)
	p.SetFillColor(accent)
	p.Text(tp.tr("对折", "fold"), 0, -1.2, smallSize, canvas.AlignCenter)
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

// piecePages draws every piece scaled into a grid of two columns, up to
// eight to a page, spread evenly over the pages; the label goes under each
// piece so it never covers marks.
func (tp *techPack) piecePages() {
	n := len(tp.pieces)
	if n == 0 {
		tp.add(tp.tr("部件", "Pieces"), func(p canvas.Painter) {
			bx, by, _, _ := tp.bodyBox()
			p.SetFillColor(grey)
			p.Text(tp.tr("（无部件）", "(no pieces)"), bx, by+6, bodySize, canvas.AlignLeft)
		})
		return
	}
	const maxPerPage = 8
	pages := (n + maxPerPage - 1) / maxPerPage
	perPage := (n + pages - 1) / pages
	rows := max((perPage+1)/2, 2)
	for start := 0; start < n; start += perPage {
		chunk := tp.pieces[start:min(start+perPage, n)]
		title := tp.tr("部件", "Pieces")
		if start > 0 {
			title += " " + tp.tr("(续)", "(cont.)")
		}
		tp.add(title, func(p canvas.Painter) {
			bx, by, bw, bh := tp.bodyBox()
			legend := 11.0
			cw, ch := bw/2, (bh-legend)/float64(rows)
			tp.legend(p, bx, by+3)
			for i, g := range chunk {
				x := bx + float64(i%2)*cw
				y := by + legend + float64(i/2)*ch
				p.SetStrokeColor(rule)
				p.SetLineWidth(0.15)
				p.SetDash()
				p.Stroke(rectPath(x+1, y+1, cw-2, ch-2))
				lines := tp.pieceLabel(g)
				labelH := float64(len(lines))*lineH(smallSize) + 3
				top, areaH := y+8, ch-8-labelH-2
				b := g.bounds
				s := math.Min((cw-10)/b.Dx(), areaH/b.Dy())
				s = math.Min(s, 1)
				p.SetFillColor(grey)
				p.Text(fmt.Sprintf("%d. %s", start+i+1, clip(tp.name(g.piece.Name, g.piece.NameZH), cw-30, smallSize)), x+3, y+5, smallSize, canvas.AlignLeft)
				p.Text(tp.tr("比例", "Scale")+" 1:"+fmtSize(math.Round(1/s*10)/10), x+cw-3, y+5, smallSize, canvas.AlignRight)
				p.Push()
				p.Translate(x+cw/2, top+areaH/2)
				p.Scale(s, -s)
				p.Translate(-(b.Min.X+b.Max.X)/2, -(b.Min.Y+b.Max.Y)/2)
				tp.drawPiece(p, g, s)
				p.Pop()
				ly := top + areaH/2 + b.Dy()*s/2 + 1.5
				for k, l := range lines {
					size := smallSize
					p.SetFillColor(grey)
					if k == 0 {
						size = bodySize
						p.SetFillColor(ink)
					}
					ly += lineH(smallSize)
					p.Text(clip(l, cw-6, size), x+cw/2, ly, size, canvas.AlignCenter)
				}
			}
		})
	}
}

// legend explains the line types.
func (tp *techPack) legend(p canvas.Painter, x, y float64) {
	x0 := x
	items := []struct {
		label string
		c     color.Color
		dash  []float64
	}{
		{tp.tr("裁断线", "Cut line"), ink, nil},
		{tp.tr("净样线", "Net line"), grey, []float64{2, 1}},
		{tp.tr("车线", "Stitch line"), stitchCl, []float64{0.8, 0.7}},
		{tp.tr("纹路方向", "Grain"), accent, nil},
		{tp.tr("对折线", "Fold line"), accent, []float64{3, 1.5}},
	}
	for _, it := range items {
		p.SetStrokeColor(it.c)
		p.SetLineWidth(0.3)
		p.SetDash(it.dash...)
		p.Stroke(linePath(x, y, x+8, y))
		p.SetDash()
		p.SetFillColor(ink)
		p.Text(it.label, x+10, y+1.2, smallSize, canvas.AlignLeft)
		x += 14 + paint.TextWidthMM(it.label, smallSize)
	}
	p.SetFillColor(grey)
	p.Text(tp.tr("数量按每只鞋计，一双加倍（另一只翻面裁）。", "Quantities per shoe; a pair takes twice as many, the other shoe's flipped."), x0, y+5, smallSize, canvas.AlignLeft)
}

// drawNotch draws a notch from edge (on the cut line) toward the piece's
// centre c, depth mm deep (2 when not given).
func drawNotch(p canvas.Painter, edge, c models.Point, depth float64) {
	if !(depth > 0) {
		depth = 2
	}
	dx, dy := c.X-edge.X, c.Y-edge.Y
	if l := math.Hypot(dx, dy); l > 0 {
		p.SetStrokeColor(ink)
		p.SetLineWidth(0.3)
		p.Stroke(linePath(edge.X, edge.Y, edge.X+dx/l*depth, edge.Y+dy/l*depth))
	}
}

// drawHole draws a punch hole (or an eyelet, with its ring) of diameter
// size mm (3 when not given) with a centre cross for the punch.
func drawHole(p canvas.Painter, at models.Point, size float64, eyelet bool) {
	r := size / 2
	if !(r > 0) {
		r = 1.5
	}
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.2)
	p.Stroke(circlePath(at.X, at.Y, r))
	if eyelet {
		p.Stroke(circlePath(at.X, at.Y, r+1))
	}
	p.Stroke(linePath(at.X-r*0.6, at.Y, at.X+r*0.6, at.Y))
	p.Stroke(linePath(at.X, at.Y-r*0.6, at.X, at.Y+r*0.6))
}
