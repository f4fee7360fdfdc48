package canvas

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"cordwain/models"
)

// View is a way of looking at a design.
type View string

// Views.
const (
	ViewMeanForm View = "meanform" // the flattened shell the pattern is drawn on
	ViewLateral  View = "lateral"  // outside of the right shoe, toe to the right
	ViewMedial   View = "medial"   // inside, toe to the left
	ViewTop      View = "top"
	ViewBack     View = "back"
	ViewBottom   View = "bottom"
)

// Views lists every view, in tech-pack order.
var Views = []View{ViewLateral, ViewMedial, ViewTop, ViewBack, ViewBottom, ViewMeanForm}

// DrawOptions says what [DrawDesign] shows and how.
type DrawOptions struct {
	View View
	// Colourway fills pieces with that colourway's colours; "" leaves
	// them neutral.
	Colourway models.ID
	// Size is the size to draw, a foot length in mm; 0 is the base size.
	Size float64
	Grid bool
	// Highlight outlines elements in a colour (visual diff: added,
	// removed, changed).
	Highlight map[models.ID]color.Color
	Selected  models.ID
	// Ghost, when set, is another last (the older version's, in a
	// comparison) drawn faintly under the drawing with its outline dashed
	// over it (see ghost.go).
	Ghost *models.Last
	// ShowAllowances adds cut lines and stitch rows (mean form view).
	ShowAllowances bool
	// Margin around the drawing, page mm; 0 means 8.
	Margin float64
	// Zoom multiplies the fitted scale (0 or 1 = fit); PanX, PanY shift
	// the drawing, page mm.
	Zoom, PanX, PanY float64
	// Labels draws key point and piece names (mean form view).
	Labels bool

	// Viewport, when set, is used as it is instead of fitting the drawing
	// to the page (the editor keeps its zoom and pan while the design
	// changes under it); Zoom, PanX, PanY and Margin are then ignored.
	Viewport *Viewport
	// Hide leaves layers out of the drawing (see [Layer]).
	Hide Layers
	// Only, when not nil, draws just these elements (no last, sole, grid
	// or key points): what moves during a drag, over a cached frame of
	// the rest. Exclude leaves elements out: that cached frame.
	Only, Exclude map[models.ID]bool
}

// Colours of the drawing.
var (
	colInk       = color.NRGBA{0x22, 0x22, 0x22, 0xff}
	colLastFill  = color.NRGBA{0xe9, 0xe4, 0xdc, 0xff}
	colLastLine  = color.NRGBA{0x9a, 0x90, 0x84, 0xff}
	colSole      = color.NRGBA{0x3a, 0x34, 0x30, 0xff}
	colSoleLift  = color.NRGBA{0x55, 0x4d, 0x47, 0xff}
	colGridMajor = color.NRGBA{0xc8, 0xd4, 0xe0, 0xff}
	colGridMinor = color.NRGBA{0xe6, 0xec, 0xf2, 0xff}
	colCut       = color.NRGBA{0xc0, 0x30, 0x30, 0xff}
	colStitch    = color.NRGBA{0x30, 0x50, 0xa0, 0xff}
	colSelect    = color.NRGBA{0x10, 0x80, 0xff, 0xff}
	colKey       = color.NRGBA{0xb0, 0x60, 0x00, 0xff}
	colPaper     = color.NRGBA{0xfb, 0xf8, 0xf3, 0xff}
)

// ParseHex reads "#RRGGBB" (or "RRGGBB"); ok is false for anything else.
func ParseHex(s string) (color.NRGBA, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 6 {
		return color.NRGBA{}, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
}

// Viewport maps view coordinates (mm, y up) to page coordinates (mm, y
// down): page = (OffX + x·Scale, OffY − y·Scale).
type Viewport struct {
	Scale      float64
	OffX, OffY float64
	View       View
	// Bounds is the drawn area in view coordinates.
	Bounds Rect
	opt    DrawOptions
}

// FitViewport fits bounds into a w × h page with a margin, centred.
func FitViewport(bounds Rect, w, h, margin float64) Viewport {
	if !bounds.NonEmpty || bounds.Dx() <= 0 || bounds.Dy() <= 0 {
		return Viewport{Scale: 1, OffX: margin, OffY: h - margin, Bounds: bounds}
	}
	aw, ah := math.Max(1, w-2*margin), math.Max(1, h-2*margin)
	s := math.Min(aw/bounds.Dx(), ah/bounds.Dy())
	cx, cy := (bounds.Min.X+bounds.Max.X)/2, (bounds.Min.Y+bounds.Max.Y)/2
	return Viewport{Scale: s, OffX: w/2 - cx*s, OffY: h/2 + cy*s, Bounds: bounds}
}

// ToPage maps a view point to the page.
func (v Viewport) ToPage(p Point) (x, y float64) { return v.OffX + p.X*v.Scale, v.OffY - p.Y*v.Scale }

// ToModel maps a page point back to view coordinates; in the mean form
// view these are mean form (model) coordinates.
func (v Viewport) ToModel(x, y float64) Point {
	if v.Scale == 0 {
		return Point{}
	}
	return models.Pt((x-v.OffX)/v.Scale, (v.OffY-y)/v.Scale)
}

// apply sets the painter's transform to v.
func (v Viewport) apply(p Painter) {
	p.Translate(v.OffX, v.OffY)
	p.Scale(v.Scale, -v.Scale)
}

// HitTest names the element under the page point (x, y) when d is drawn
// in view with this viewport: a mark, then a style line within 2 page mm,
// then the topmost piece containing the point. "" when nothing is hit.
func (v Viewport) HitTest(d *models.Design, view View, x, y float64) models.ID {
	opt := v.opt
	opt.View = view
	sc, err := buildScene(d, opt)
	if err != nil {
		return ""
	}
	q := v.ToModel(x, y)
	slack := 2 / math.Max(v.Scale, 1e-9)
	for i := len(sc.marks) - 1; i >= 0; i-- {
		m := sc.marks[i]
		r := math.Max(m.mark.Size/2, 1) + slack
		for _, p := range m.at {
			if dist(p, q) <= r {
				return m.mark.ID
			}
		}
	}
	for i := len(sc.lines) - 1; i >= 0; i-- {
		for _, run := range sc.lines[i].runs {
			if DistToPolyline(run, q, false) <= slack {
				return sc.lines[i].line.ID
			}
		}
	}
	for i := len(sc.pieces) - 1; i >= 0; i-- {
		for _, poly := range sc.pieces[i].polys {
			if PointInPolygon(poly, q) {
				return sc.pieces[i].piece.ID
			}
		}
	}
	return ""
}

// side of the shoe a mapper draws.
type side int

const (
	sideBoth side = iota
	sideLateral
	sideMedial
)

type mapper struct {
	side side
	f    func(Point) (Point, bool)
}

type scenePiece struct {
	piece    *models.Piece
	polys    [][]Point // one per side, view coordinates
	net      *Path     // exact curve, mean form view only
	cut      []Point
	stitches [][]Point
	// cutPath and stitchPaths are cut and stitches as paths, made with
	// the scene so that a kept scene (PrepareScene) draws them frame
	// after frame without building them again.
	cutPath     *Path
	stitchPaths []*Path
}

type sceneLine struct {
	line *models.StyleLine
	runs [][]Point
	path *Path // exact curve, mean form view only
}

type sceneMark struct {
	mark *models.Mark
	at   []Point
}

type scene struct {
	d       *models.Design
	g       *LastGeometry
	view    View
	last    []*Path // last outlines, filled
	lastAux []*Path // construction lines
	sole    []*Path
	soleAux []*Path // parts of the sole set apart: the top lift
	pieces  []scenePiece
	lines   []sceneLine
	marks   []sceneMark
	keys    map[string]Point
	ghost   *Path // opt.Ghost's outline
	bounds  Rect
}

// pieceSide reads from a piece's names whether it belongs to one side.
func pieceSide(p *models.Piece) side {
	s := strings.ToLower(p.Name + " " + p.Role)
	switch {
	case strings.Contains(s, "medial") || strings.Contains(p.NameZH, "内怀"):
		return sideMedial
	case strings.Contains(s, "lateral") || strings.Contains(p.NameZH, "外怀"):
		return sideLateral
	}
	return sideBoth
}

// hiddenRoles are parts inside the shoe: shown on the mean form only.
var hiddenRoles = map[string]bool{"lining": true, "sock": true, "insole": true, "stiffener": true, "toepuff": true, "counter_stiffener": true}

func mapPoly(pts []Point, f func(Point) (Point, bool)) ([]Point, bool) {
	out := make([]Point, len(pts))
	any := false
	for i, p := range pts {
		q, ok := f(p)
		out[i] = q
		any = any || ok
	}
	return out, any
}

// mapRuns maps an open polyline, breaking it where it goes out of sight.
func mapRuns(pts []Point, f func(Point) (Point, bool)) [][]Point {
	var runs [][]Point
	var cur []Point
	for _, p := range pts {
		q, ok := f(p)
		if !ok {
			if len(cur) > 1 {
				runs = append(runs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, q)
	}
	if len(cur) > 1 {
		runs = append(runs, cur)
	}
	return runs
}

func polyPath(pts []Point, closed bool) *Path {
	var p Path
	for i, q := range pts {
		if i == 0 {
			p.MoveTo(q.X, q.Y)
		} else {
			p.LineTo(q.X, q.Y)
		}
	}
	if closed && len(pts) > 0 {
		p.Close()
	}
	return &p
}

func circle(c Point, r float64) *Path {
	mp := models.Path{Closed: true}
	k := 0.5522847498 * r
	x, y := c.X, c.Y
	mp.Points = []Point{
		models.Pt(x+r, y), models.Pt(x+r, y+k), models.Pt(x+k, y+r), models.Pt(x, y+r),
		models.Pt(x-k, y+r), models.Pt(x-r, y+k), models.Pt(x-r, y),
		models.Pt(x-r, y-k), models.Pt(x-k, y-r), models.Pt(x, y-r),
		models.Pt(x+k, y-r), models.Pt(x+r, y-k), models.Pt(x+r, y),
	}
	return FromModel(mp)
}

func mirrorX(p models.Path) models.Path {
	out := models.Path{Closed: p.Closed, Points: make([]Point, len(p.Points))}
	for i, q := range p.Points {
		out.Points[i] = models.Pt(-q.X, q.Y)
	}
	return out
}

// mappers gives the mean form → view mappings of a view, one per side
// shown.
func (sc *scene) mappers() []mapper {
	g := sc.g
	switch sc.view {
	case ViewMeanForm:
		return []mapper{{sideBoth, func(p Point) (Point, bool) { return p, true }}}
	case ViewLateral:
		c := g.NewCursor()
		return []mapper{{sideLateral, func(p Point) (Point, bool) { return c.Lateral(p), true }}}
	case ViewMedial:
		c := g.NewCursor()
		return []mapper{{sideMedial, func(p Point) (Point, bool) {
			q := c.Medial(p)
			return models.Pt(-q.X, q.Y), true
		}}}
	case ViewTop:
		cl, cm := g.NewCursor(), g.NewCursor()
		return []mapper{
			{sideLateral, func(p Point) (Point, bool) { return cl.Top(p, false), true }},
			{sideMedial, func(p Point) (Point, bool) { return cm.Top(p, true), true }},
		}
	case ViewBack:
		cl, cm := g.NewCursor(), g.NewCursor()
		return []mapper{
			{sideLateral, func(p Point) (Point, bool) { return cl.Back(p, false) }},
			{sideMedial, func(p Point) (Point, bool) { return cm.Back(p, true) }},
		}
	}
	return nil
}

// soleThickness is the outsole's thickness under the forepart: cup soles
// of sports shoes are thick, leather and dress soles thin.
func soleThickness(d *models.Design) float64 {
	scale := d.Last.BottomLength / 270
	c := strings.ToLower(d.Meta.Category)
	if strings.Contains(c, "sneaker") || strings.Contains(c, "trainer") || strings.Contains(c, "runner") ||
		d.Meta.Construction == models.Vulcanised || d.Meta.Construction == models.Moulded {
		return 14 * scale
	}
	return 5 * scale
}

// soleSide is the outsole and heel under a side profile.
func soleSide(d *models.Design, g *LastGeometry, prof *patch, mirror bool) []*Path {
	l := g.Last
	scale := l.BottomLength / 270
	t := soleThickness(d)
	const n = 80
	bottom := make([]Point, 0, n+1)
	for i := 0; i <= n; i++ {
		bottom = append(bottom, chainAt(prof.bottom, float64(i)/n))
	}
	fx := func(pts []Point) []Point {
		if mirror {
			for i, p := range pts {
				pts[i] = models.Pt(-p.X, p.Y)
			}
		}
		return pts
	}
	// Forepart sole from the heel breast to the toe, following the last;
	// a thick (cup) sole runs the whole length.
	breast := 0.22 * l.StickLength // under the heel's front, no gap
	cup := l.HeelHeight <= 40 && t > 8*scale
	if cup {
		breast = bottom[0].X
	}
	var top, under []Point
	for _, p := range bottom {
		if p.X >= breast-0.5 {
			top = append(top, p)
		}
	}
	for i := len(top) - 1; i >= 0; i-- {
		p := top[i]
		y := p.Y - t
		if cup && p.X < fracBall*l.StickLength {
			y = -t // a flat heel: the sole's rear stands on the ground
		}
		under = append(under, models.Pt(p.X+0.25*t*(p.X/l.StickLength), y))
	}
	out := []*Path{polyPath(fx(append(top, under...)), true)}
	// Heel: the seat follows the last's bottom, then down to the ground.
	var seat []Point
	for _, p := range bottom {
		if p.X <= 0.26*l.StickLength {
			seat = append(seat, p)
		}
	}
	if len(seat) < 2 {
		return out
	}
	back, front := seat[0], seat[len(seat)-1]
	var heel []Point
	if l.HeelHeight > 40 {
		lift := 11 * scale
		liftBack := back.X + 9*scale
		heel = append(heel, seat...)
		// A curved breast down to a slim top lift, and a gently hollow
		// back: smooth chains, flattened.
		breastCurve := chain([]Point{front, models.Pt(front.X-0.3*(front.X-liftBack), front.Y*0.5),
			models.Pt(liftBack+lift, -t)}, models.Pt(-0.15, -1), models.Pt(0, -1))
		backCurve := chain([]Point{models.Pt(liftBack, -t), models.Pt(back.X+4*scale, back.Y*0.45), back},
			models.Pt(0, 1), models.Pt(-0.2, 1))
		for _, c := range breastCurve {
			heel = c.Flatten(0.3, heel)
		}
		heel = append(heel, models.Pt(liftBack, -t))
		for _, c := range backCurve {
			heel = c.Flatten(0.3, heel)
		}
	} else if t <= 8*scale {
		heel = append(heel, seat...)
		heel = append(heel, models.Pt(front.X-2*scale, -t), models.Pt(back.X+1*scale, -t))
	} else {
		return out // the cup sole carries the heel
	}
	return append(out, polyPath(fx(heel), true))
}

// buildScene lays out everything of d for a view in view coordinates.
func buildScene(d *models.Design, opt DrawOptions) (*scene, error) {
	if d == nil {
		return nil, fmt.Errorf("draw: no design")
	}
	if opt.View == "" {
		opt.View = ViewMeanForm
	}
	if opt.Size < 0 || math.IsNaN(opt.Size) || math.IsInf(opt.Size, 0) {
		return nil, fmt.Errorf("draw %s at size %g: want a foot length in mm, or 0 for the base size", d.Meta.StyleNo, opt.Size)
	}
	ghost := ghostOutline(d, opt, opt.View)
	if opt.Size > 0 && opt.Size != d.Meta.BaseSize {
		gd, err := GradeDesign(d, opt.Size)
		if err != nil {
			return nil, fmt.Errorf("draw %s at size %g: %w", d.Meta.StyleNo, opt.Size, err)
		}
		d = gd
	}
	g, err := NewLastGeometry(d.Last)
	if err != nil {
		return nil, fmt.Errorf("draw %s: %w", d.Meta.StyleNo, err)
	}
	sc := &scene{d: d, g: g, view: opt.View, ghost: ghost}
	const tol = 0.25
	switch opt.View {
	case ViewMeanForm:
		sc.last = []*Path{FromModel(g.MeanForm)}
		sc.lastAux = []*Path{FromModel(g.Featherline)}
		sc.keys = g.Points
	case ViewLateral:
		sc.last = []*Path{FromModel(g.Lateral)}
		sc.sole = soleSide(d, g, &g.lat, false)
	case ViewMedial:
		sc.last = []*Path{FromModel(mirrorX(g.Medial))}
		sc.sole = soleSide(d, g, &g.med, true)
	case ViewTop:
		sc.last = []*Path{FromModel(g.Top)}
	case ViewBack:
		l := g.Last
		sc.last = []*Path{FromModel(g.Back)}
		scale := l.BottomLength / 270
		hw := l.HeelWidth / 2
		t := soleThickness(d)
		// Heel block under the seat, seen from behind, and the forepart
		// sole peeping out on both sides.
		bw := l.BallWidth/2 + 3*scale
		sc.sole = []*Path{
			polyPath([]Point{models.Pt(-bw, -t), models.Pt(bw, -t), models.Pt(bw-2*scale, 0), models.Pt(-bw+2*scale, 0)}, true),
		}
		if l.HeelHeight <= 40 && t > 8*scale {
			// A cup sole wraps the heel: one slab from the ground to above
			// the seat.
			sc.sole = append(sc.sole, polyPath([]Point{models.Pt(-hw-4*scale, -t), models.Pt(hw+4*scale, -t),
				models.Pt(hw+3*scale, l.HeelHeight+4*scale), models.Pt(-hw-3*scale, l.HeelHeight+4*scale)}, true))
		} else if l.HeelHeight > 40 {
			sc.sole = append(sc.sole, polyPath([]Point{models.Pt(-0.8*hw, l.HeelHeight), models.Pt(0.8*hw, l.HeelHeight),
				models.Pt(6*scale, -t), models.Pt(-6*scale, -t)}, true))
		} else {
			sc.sole = append(sc.sole, polyPath([]Point{models.Pt(-0.9*hw, l.HeelHeight), models.Pt(0.9*hw, l.HeelHeight),
				models.Pt(0.85*hw, -t), models.Pt(-0.85*hw, -t)}, true))
		}
	case ViewBottom:
		out, err := OffsetPolygon(FlattenPath(g.Bottom, tol), 4*g.Last.BottomLength/270, OffsetOptions{Join: JoinRound})
		if err != nil {
			return nil, fmt.Errorf("draw %s outsole: %w", d.Meta.StyleNo, err)
		}
		// The outsole seen from below, the heel's top lift set apart at
		// the breast, and the insole's edge (feather) dashed inside.
		B := g.Last.BottomLength
		sc.sole = []*Path{polyPath(out, true)}
		if lift := clipX(out, 0.27*B); len(lift) > 2 {
			sc.soleAux = []*Path{polyPath(lift, true)}
		}
		sc.lastAux = []*Path{FromModel(g.Bottom)}
		for i := 0; i < 5; i++ {
			x := (0.5 + 0.09*float64(i)) * B
			hw := 0.36 * g.Last.BallWidth
			sc.lastAux = append(sc.lastAux, polyPath([]Point{models.Pt(x, -hw), models.Pt(x+6, hw)}, false))
		}
	default:
		return nil, fmt.Errorf("draw: unknown view %q", opt.View)
	}
	for _, p := range sc.last {
		sc.bounds = sc.bounds.Union(pathBounds(p))
	}
	for _, p := range sc.sole {
		sc.bounds = sc.bounds.Union(pathBounds(p))
	}
	if sc.ghost != nil {
		sc.bounds = sc.bounds.Union(pathBounds(sc.ghost))
	}
	mappers := sc.mappers()
	// Pieces, bottom to top.
	order := make([]int, len(d.Pieces))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return d.Pieces[order[a]].Order < d.Pieces[order[b]].Order })
	if opt.Only != nil {
		// Only the moving elements: the last and the sole are in the
		// cached frame underneath.
		sc.last, sc.lastAux, sc.sole, sc.soleAux, sc.keys = nil, nil, nil, nil, nil
	}
	if opt.Hide.Has(LayerLast) {
		sc.last, sc.sole, sc.soleAux = nil, nil, nil
	}
	if opt.Hide.Has(LayerMeanForm) {
		sc.lastAux, sc.keys = nil, nil
	}
	for _, i := range order {
		pc := &d.Pieces[i]
		if len(mappers) == 0 || opt.Hide.Has(LayerPieces) {
			break
		}
		if !opt.drawn(pc.ID) {
			continue
		}
		if opt.View != ViewMeanForm && hiddenRoles[pc.Role] {
			continue
		}
		net, err := NetOutline(pc, tol)
		if err != nil {
			continue // drawn nothing; validation reports it
		}
		sp := scenePiece{piece: pc}
		ps := pieceSide(pc)
		rows, _ := StitchLines(pc, d.Meta, tol) // a piece without rows still draws
		for _, m := range mappers {
			if ps != sideBoth && m.side != sideBoth && ps != m.side {
				continue
			}
			poly, vis := mapPoly(net, m.f)
			if !vis {
				continue
			}
			sp.polys = append(sp.polys, poly)
			for _, r := range rows {
				sp.stitches = append(sp.stitches, mapRuns(r, m.f)...)
			}
		}
		if opt.View == ViewMeanForm {
			sp.net = FromModel(pc.Outline)
			if opt.ShowAllowances {
				if cut, err := CutOutline(pc, d.Meta, tol); err == nil {
					sp.cut = cut
					sc.bounds = sc.bounds.Union(PolylineBounds(cut))
				}
			}
		}
		if len(sp.polys) > 0 {
			if len(sp.cut) > 0 {
				sp.cutPath = polyPath(sp.cut, true)
			}
			for _, st := range sp.stitches {
				sp.stitchPaths = append(sp.stitchPaths, polyPath(st, false))
			}
			sc.pieces = append(sc.pieces, sp)
			for _, poly := range sp.polys {
				sc.bounds = sc.bounds.Union(PolylineBounds(poly))
			}
		}
	}
	pieceByID := map[models.ID]*models.Piece{}
	for i := range d.Pieces {
		pieceByID[d.Pieces[i].ID] = &d.Pieces[i]
	}
	for i := range d.StyleLines {
		sl := &d.StyleLines[i]
		if CheckPath(sl.Path) != nil || opt.Hide.Has(LayerLines) || !opt.drawn(sl.ID) {
			continue
		}
		pts := FlattenPath(sl.Path, tol)
		if sl.Path.Closed && len(pts) > 0 {
			pts = append(pts, pts[0])
		}
		line := sceneLine{line: sl}
		for _, m := range mappers {
			line.runs = append(line.runs, mapRuns(pts, m.f)...)
		}
		if opt.View == ViewMeanForm {
			line.path = FromModel(sl.Path)
		}
		if len(line.runs) > 0 {
			sc.lines = append(sc.lines, line)
		}
	}
	for i := range d.Marks {
		mk := &d.Marks[i]
		if !finite(mk.At) || opt.Hide.Has(LayerMarks) || !opt.drawn(mk.ID) {
			continue
		}
		pc := pieceByID[mk.Piece]
		if opt.View != ViewMeanForm && pc != nil && hiddenRoles[pc.Role] {
			continue
		}
		sm := sceneMark{mark: mk}
		ps := sideBoth
		if pc != nil {
			ps = pieceSide(pc)
		}
		for _, m := range mappers {
			if ps != sideBoth && m.side != sideBoth && ps != m.side {
				continue
			}
			if q, ok := m.f(mk.At); ok {
				sm.at = append(sm.at, q)
			}
		}
		if len(sm.at) > 0 {
			sc.marks = append(sc.marks, sm)
		}
	}
	return sc, nil
}

func pathBounds(p *Path) Rect {
	var r Rect
	for _, s := range p.Segs {
		switch s.Op {
		case OpMove, OpLine:
			r = r.Extend(s.Pts[0])
		case OpCubic:
			r = r.Extend(s.Pts[0]).Extend(s.Pts[1]).Extend(s.Pts[2])
		}
	}
	return r
}

// DrawDesign draws d through p as opt says, fitted to the painter's page
// with a margin (model y up, page y down), and returns the viewport it
// used, for hit tests and for mapping pointer input back to the model.
func DrawDesign(p Painter, d *models.Design, opt DrawOptions) (Viewport, error) {
	if p == nil {
		return Viewport{}, fmt.Errorf("draw: no painter")
	}
	if opt.View == "" {
		opt.View = ViewMeanForm
	}
	sc, err := buildScene(d, opt)
	if err != nil {
		return Viewport{}, err
	}
	return drawScene(p, sc, opt), nil
}

// drawScene draws a scene built with opt (less Viewport) onto p.
func drawScene(p Painter, sc *scene, opt DrawOptions) Viewport {
	if opt.View == "" {
		opt.View = ViewMeanForm
	}
	w, h := p.Size()
	margin := opt.Margin
	if !(margin > 0) {
		margin = 8
	}
	vp := FitViewport(sc.bounds, w, h, margin)
	if opt.Viewport != nil {
		vp = *opt.Viewport
		vp.Bounds = sc.bounds
	} else if opt.Zoom > 0 && opt.Zoom != 1 {
		cx, cy := w/2, h/2
		vp.Scale *= opt.Zoom
		vp.OffX = cx + (vp.OffX-cx)*opt.Zoom
		vp.OffY = cy + (vp.OffY-cy)*opt.Zoom
	}
	if opt.Viewport == nil {
		vp.OffX += opt.PanX
		vp.OffY += opt.PanY
	}
	vp.View = opt.View
	vp.opt = opt

	p.Push()
	defer p.Pop()
	if opt.Grid && opt.Only == nil && !opt.Hide.Has(LayerGrid) {
		drawGrid(p, vp, w, h)
	}
	p.Push()
	vp.apply(p)
	sc.draw(p, vp, opt)
	p.Pop()
	// Labels are drawn on the page so text stays upright and sized.
	if opt.Labels && opt.View == ViewMeanForm && opt.Only == nil {
		sc.drawLabels(p, vp)
	}
	return vp
}

func drawGrid(p Painter, vp Viewport, w, h float64) {
	lo := vp.ToModel(0, h)
	hi := vp.ToModel(w, 0)
	line := func(step float64, c color.Color, width float64) {
		nx := (hi.X - lo.X) / step
		ny := (hi.Y - lo.Y) / step
		if nx+ny > 4000 || step*vp.Scale < 0.8 {
			return
		}
		var path Path
		for x := math.Ceil(lo.X/step) * step; x <= hi.X; x += step {
			px, _ := vp.ToPage(models.Pt(x, 0))
			path.MoveTo(px, 0)
			path.LineTo(px, h)
		}
		for y := math.Ceil(lo.Y/step) * step; y <= hi.Y; y += step {
			_, py := vp.ToPage(models.Pt(0, y))
			path.MoveTo(0, py)
			path.LineTo(w, py)
		}
		p.SetStrokeColor(c)
		p.SetLineWidth(width)
		p.SetDash()
		p.Stroke(&path)
	}
	if vp.Scale >= 2 {
		line(1, colGridMinor, 0.05)
	}
	line(10, colGridMajor, 0.1)
}

func (sc *scene) fillFor(pc *models.Piece, opt DrawOptions) color.Color {
	if opt.Colourway != "" {
		for _, cw := range sc.d.Colourways {
			if cw.ID != opt.Colourway {
				continue
			}
			if part, ok := cw.Parts[pc.ID]; ok {
				if c, ok := ParseHex(part.Hex); ok {
					return c
				}
			}
		}
	}
	// Neutral paper tones, a shade per layer so overlaps read.
	layer := pc.Order % 5
	if layer < 0 {
		layer += 5
	}
	shade := uint8(0xf6 - 6*layer)
	return color.NRGBA{shade, shade - 4, shade - 12, 0xff}
}

func (sc *scene) draw(p Painter, vp Viewport, opt DrawOptions) {
	p.SetDash()
	if sc.view == ViewBottom {
		sc.drawSole(p)
	}
	sc.drawGhostUnder(p)
	for _, l := range sc.last {
		p.SetFillColor(colLastFill)
		p.Fill(l)
		p.SetStrokeColor(colLastLine)
		p.SetLineWidth(0.3)
		p.Stroke(l)
	}
	p.SetDash(2, 1.2)
	p.SetLineWidth(0.2)
	if sc.view == ViewBottom {
		p.SetStrokeColor(colLastFill)
	}
	for _, l := range sc.lastAux {
		p.Stroke(l)
	}
	p.SetDash()
	// Cut lines first so the net pieces sit on top of them.
	if opt.ShowAllowances {
		for _, sp := range sc.pieces {
			if len(sp.cut) == 0 {
				continue
			}
			p.SetStrokeColor(colCut)
			p.SetLineWidth(0.25)
			p.SetDash(2.5, 1.2)
			p.Stroke(sp.cutPath)
		}
		p.SetDash()
	}
	for _, sp := range sc.pieces {
		fill := sc.fillFor(sp.piece, opt)
		for _, poly := range sp.polys {
			path := sp.net
			if path == nil {
				path = polyPath(poly, true)
			}
			p.SetFillColor(fill)
			p.Fill(path)
			p.SetStrokeColor(edgeColour(fill))
			p.SetLineWidth(0.35)
			p.SetDash()
			p.Stroke(path)
		}
		if len(sp.stitches) > 0 {
			p.SetStrokeColor(stitchColour(fill))
			p.SetLineWidth(0.18)
			p.SetDash(1.2, 0.8)
			for _, s := range sp.stitchPaths {
				p.Stroke(s)
			}
			p.SetDash()
		}
		if sc.view == ViewMeanForm {
			drawGrain(p, sp, vp)
		}
	}
	// The sole and heel go over the upper's lower edge, as they do on the
	// shoe.
	if sc.view != ViewBottom {
		sc.drawSole(p)
	}
	for _, ln := range sc.lines {
		switch ln.line.Kind {
		case models.LineStitch:
			p.SetStrokeColor(colStitch)
			p.SetLineWidth(0.2)
			p.SetDash(1.2, 0.8)
		case models.LineFold:
			p.SetStrokeColor(colInk)
			p.SetLineWidth(0.2)
			p.SetDash(3, 1, 0.5, 1)
		case models.LineCentre:
			p.SetStrokeColor(colLastLine)
			p.SetLineWidth(0.15)
			p.SetDash(4, 1.5)
		default:
			p.SetStrokeColor(colInk)
			p.SetLineWidth(0.3)
			p.SetDash()
		}
		if ln.path != nil {
			p.Stroke(ln.path)
		} else {
			for _, r := range ln.runs {
				p.Stroke(polyPath(r, false))
			}
		}
	}
	p.SetDash()
	for _, sm := range sc.marks {
		drawMark(p, sc, sm, vp)
	}
	// Key points of the last on the mean form.
	if sc.view == ViewMeanForm {
		p.SetFillColor(colKey)
		for _, k := range sortedKeys(sc.keys) {
			p.Fill(circle(sc.keys[k], 0.6/vp.Scale*2))
		}
	}
	sc.drawGhostOver(p, opt)
	// Highlights and selection on top.
	emph := func(id models.ID, c color.Color, width float64) {
		for _, sp := range sc.pieces {
			if sp.piece.ID == id {
				p.SetStrokeColor(c)
				p.SetLineWidth(width)
				for _, poly := range sp.polys {
					p.Stroke(polyPath(poly, true))
				}
			}
		}
		for _, ln := range sc.lines {
			if ln.line.ID == id {
				p.SetStrokeColor(c)
				p.SetLineWidth(width)
				for _, r := range ln.runs {
					p.Stroke(polyPath(r, false))
				}
			}
		}
		for _, sm := range sc.marks {
			if sm.mark.ID == id {
				p.SetStrokeColor(c)
				p.SetLineWidth(width)
				for _, at := range sm.at {
					p.Stroke(circle(at, math.Max(sm.mark.Size/2, 1)+1.5/vp.Scale))
				}
			}
		}
	}
	p.SetDash()
	for _, id := range sortedIDs(opt.Highlight) {
		emph(id, opt.Highlight[id], 0.8)
	}
	if opt.Selected != "" {
		emph(opt.Selected, colSelect, 0.6)
		sc.drawHandles(p, opt.Selected, vp)
	}
}

func sortedKeys(m map[string]Point) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedIDs(m map[models.ID]color.Color) []models.ID {
	ids := make([]models.ID, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func (sc *scene) drawSole(p Painter) {
	p.SetDash()
	for _, s := range sc.sole {
		p.SetFillColor(colSole)
		p.Fill(s)
	}
	for _, s := range sc.soleAux {
		p.SetFillColor(colSoleLift)
		p.Fill(s)
	}
}

// edgeColour is an outline colour that shows on the fill.
func edgeColour(fill color.Color) color.Color {
	r, g, b, _ := fill.RGBA()
	if (r+g+b)/3 < 0x3000 {
		return color.NRGBA{0x6a, 0x66, 0x62, 0xff}
	}
	return colInk
}

// stitchColour is a thread colour that shows on the fill.
func stitchColour(fill color.Color) color.Color {
	r, g, b, _ := fill.RGBA()
	if (r+g+b)/3 < 0x6000 {
		return color.NRGBA{0xee, 0xe6, 0xd0, 0xff}
	}
	return colStitch
}

// drawHandles marks the Bézier knots of the selected line or piece (mean
// form view: the editor drags them).
func (sc *scene) drawHandles(p Painter, id models.ID, vp Viewport) {
	if sc.view != ViewMeanForm {
		return
	}
	var pts []Point
	for _, ln := range sc.lines {
		if ln.line.ID == id {
			pts = ln.line.Path.Points
		}
	}
	for _, sp := range sc.pieces {
		if sp.piece.ID == id {
			pts = sp.piece.Outline.Points
		}
	}
	r := 1.0 / vp.Scale
	for i, q := range pts {
		if i%3 == 0 {
			p.SetFillColor(colSelect)
			p.Fill(circle(q, r*1.2))
		} else {
			p.SetStrokeColor(colSelect)
			p.SetLineWidth(0.15)
			p.Stroke(circle(q, r*0.8))
		}
	}
}

func centroid(poly []Point) Point {
	a := SignedArea(poly)
	if math.Abs(a) < 1e-9 {
		return PolylineBounds(poly).Min
	}
	var cx, cy float64
	n := len(poly)
	for i := 0; i < n; i++ {
		p, q := poly[i], poly[(i+1)%n]
		c := p.X*q.Y - q.X*p.Y
		cx += (p.X + q.X) * c
		cy += (p.Y + q.Y) * c
	}
	return models.Pt(cx/(6*a), cy/(6*a))
}

func drawGrain(p Painter, sp scenePiece, vp Viewport) {
	if len(sp.polys) == 0 {
		return
	}
	c := centroid(sp.polys[0])
	b := PolylineBounds(sp.polys[0])
	l := math.Min(0.3*math.Max(b.Dx(), b.Dy()), 30)
	if l < 4 {
		return
	}
	ang := sp.piece.GrainAngle * math.Pi / 180
	d := models.Pt(math.Cos(ang)*l/2, math.Sin(ang)*l/2)
	a, e := sub(c, d), add(c, d)
	head := 2.5 / vp.Scale
	u := unit(d)
	n := models.Pt(-u.Y, u.X)
	var path Path
	path.MoveTo(a.X, a.Y)
	path.LineTo(e.X, e.Y)
	for _, tip := range []struct{ at, dir Point }{{e, u}, {a, mul(u, -1)}} {
		b1 := add(sub(tip.at, mul(tip.dir, head)), mul(n, head*0.5))
		b2 := sub(sub(tip.at, mul(tip.dir, head)), mul(n, head*0.5))
		path.MoveTo(b1.X, b1.Y)
		path.LineTo(tip.at.X, tip.at.Y)
		path.LineTo(b2.X, b2.Y)
	}
	p.SetStrokeColor(colLastLine)
	p.SetLineWidth(0.2)
	p.SetDash()
	p.Stroke(&path)
}

var (
	colMetal = color.NRGBA{0xb8, 0xa0, 0x60, 0xff}
	colHole  = color.NRGBA{0x20, 0x20, 0x20, 0xff}
)

func drawMark(p Painter, sc *scene, sm sceneMark, vp Viewport) {
	m := sm.mark
	for i, at := range sm.at {
		switch m.Kind {
		case models.MarkNotch:
			depth := m.Size
			if !(depth > 0) {
				depth = 3
			}
			dir := models.Pt(0, 1)
			for _, sp := range sc.pieces {
				if sp.piece.ID == m.Piece && len(sp.polys) > 0 {
					poly := sp.polys[min(i, len(sp.polys)-1)]
					dir = unit(sub(centroid(poly), at))
				}
			}
			e := add(at, mul(dir, depth))
			var path Path
			path.MoveTo(at.X, at.Y)
			path.LineTo(e.X, e.Y)
			p.SetStrokeColor(colCut)
			p.SetLineWidth(0.3)
			p.Stroke(&path)
		case models.MarkPunch:
			r := m.Size / 2
			if !(r > 0) {
				r = 1
			}
			p.SetFillColor(colHole)
			p.Fill(circle(at, r))
		case models.MarkEyelet:
			r := m.Size / 2
			if !(r > 0) {
				r = 2.5
			}
			p.SetFillColor(colMetal)
			p.Fill(circle(at, r+1.3))
			p.SetFillColor(colHole)
			p.Fill(circle(at, r))
		case models.MarkText:
			if m.Text != "" && sc.view == ViewMeanForm {
				p.SetFillColor(colInk)
				p.Text(m.Text, at.X, at.Y, 6, AlignCenter)
			}
		}
	}
}

// drawLabels names key points and pieces, on the page so text stays
// upright and readable at any zoom.
func (sc *scene) drawLabels(p Painter, vp Viewport) {
	p.SetFillColor(colKey)
	for _, k := range sortedKeys(sc.keys) {
		x, y := vp.ToPage(sc.keys[k])
		p.Text(k, x+1, y-1, 5, AlignLeft)
	}
	p.SetFillColor(colInk)
	for _, sp := range sc.pieces {
		if len(sp.polys) == 0 {
			continue
		}
		x, y := vp.ToPage(centroid(sp.polys[0]))
		name := sp.piece.Name
		if sp.piece.NameZH != "" {
			name += " " + sp.piece.NameZH
		}
		p.Text(name, x, y, 6, AlignCenter)
	}
}

// clipX keeps the part of a ring left of x = c (Sutherland–Hodgman
// against one half-plane).
func clipX(ring []Point, c float64) []Point {
	var out []Point
	n := len(ring)
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[(i+1)%n]
		ain, bin := a.X <= c, b.X <= c
		if ain {
			out = append(out, a)
		}
		if ain != bin {
			t := (c - a.X) / (b.X - a.X)
			out = append(out, lerp(a, b, t))
		}
	}
	return out
}
