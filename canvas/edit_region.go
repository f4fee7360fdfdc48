package canvas

import (
	"errors"
	"fmt"
	"math"

	"cordwain/models"
)

// ErrNoRegion is what [RegionAt] returns (wrapped) for a point that is not
// inside a region closed by style lines and the last's edges.
var ErrNoRegion = errors.New("no closed region there")

// regionCell is the flood fill's cell size, mm: fine enough to pass
// between lines a millimetre apart, coarse enough to fill in a few ms.
const regionCell = 0.25

// Region is a closed area of the mean form bounded by style lines and the
// last's edges: the outline a new piece takes, exact (each edge is the very
// curve that bounds it, between the corners where the curves cross), the
// allowance of each segment (lasting where it runs along the featherline),
// and the style lines it was built from.
type Region struct {
	Outline models.Path
	Edges   []models.AllowanceKind
	Lines   []models.ID
}

type boundary struct {
	path models.Path
	pts  []Point // flattened
	on   string  // element ID or edge name
}

// RegionAt finds the region around q (mean form mm) bounded by the style
// lines of d and the edges of its last's mean form.
func RegionAt(d *models.Design, q Point) (*Region, error) {
	g, err := NewLastGeometry(d.Last)
	if err != nil {
		return nil, fmt.Errorf("piece from region: %w", err)
	}
	var bs []boundary
	add := func(p models.Path, on string) {
		if CheckPath(p) != nil {
			return
		}
		pts := FlattenPath(p, 0.05)
		if p.Closed && len(pts) > 0 {
			pts = append(pts, pts[0])
		}
		bs = append(bs, boundary{path: p, pts: pts, on: on})
	}
	add(g.Featherline, EdgeFeatherline)
	add(g.TopLine, EdgeTopLine)
	add(g.BackCurve, EdgeBackCurve)
	// Style lines bound pieces; stitching, folds and the centre line
	// are drawn on pieces, not between them.
	for _, sl := range d.StyleLines {
		if sl.Kind == models.LineStyle || sl.Kind == "" {
			add(sl.Path, string(sl.ID))
		}
	}
	var box Rect
	for _, b := range bs {
		box = box.Union(PolylineBounds(b.pts))
	}
	box = box.Inset(-2 * regionCell)
	if !box.Contains(q) {
		return nil, fmt.Errorf("piece from region at (%.1f, %.1f): outside the last: %w", q.X, q.Y, ErrNoRegion)
	}
	grid := newCellGrid(box)
	for _, b := range bs {
		grid.block(b.pts)
	}
	contour, err := grid.fill(q)
	if err != nil {
		return nil, fmt.Errorf("piece from region at (%.1f, %.1f): %w", q.X, q.Y, err)
	}
	return traceRegion(contour, bs)
}

// cellGrid is a raster over the mean form: blocked cells lie on a
// boundary, filled cells inside the region being found.
type cellGrid struct {
	box     Rect
	w, h    int
	blocked []bool
}

func newCellGrid(box Rect) *cellGrid {
	w := int(math.Ceil(box.Dx()/regionCell)) + 1
	h := int(math.Ceil(box.Dy()/regionCell)) + 1
	return &cellGrid{box: box, w: w, h: h, blocked: make([]bool, w*h)}
}

func (g *cellGrid) cell(p Point) (int, int) {
	return int(math.Floor((p.X - g.box.Min.X) / regionCell)), int(math.Floor((p.Y - g.box.Min.Y) / regionCell))
}

func (g *cellGrid) centre(i, j int) Point {
	return models.Pt(g.box.Min.X+(float64(i)+0.5)*regionCell, g.box.Min.Y+(float64(j)+0.5)*regionCell)
}

// block marks the cells a polyline passes through, and their 4-neighbours
// so a 4-connected fill cannot slip through a diagonal.
func (g *cellGrid) block(pts []Point) {
	set := func(i, j int) {
		if i >= 0 && j >= 0 && i < g.w && j < g.h {
			g.blocked[j*g.w+i] = true
		}
	}
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]
		n := int(math.Ceil(dist(a, b)/(regionCell/2))) + 1
		for s := 0; s <= n; s++ {
			i, j := g.cell(lerp(a, b, float64(s)/float64(n)))
			set(i, j)
			set(i+1, j)
			set(i, j+1)
		}
	}
}

// fill floods from q's cell and returns the centres of the filled cells on
// the region's rim (those next to a blocked cell), in no order.
func (g *cellGrid) fill(q Point) ([]Point, error) {
	i0, j0 := g.cell(q)
	if i0 < 0 || j0 < 0 || i0 >= g.w || j0 >= g.h {
		return nil, ErrNoRegion
	}
	if g.blocked[j0*g.w+i0] {
		return nil, fmt.Errorf("on a line: %w", ErrNoRegion)
	}
	filled := make([]bool, g.w*g.h)
	stack := []int{j0*g.w + i0}
	filled[stack[0]] = true
	var rim []Point
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := c%g.w, c/g.w
		if i == 0 || j == 0 || i == g.w-1 || j == g.h-1 {
			return nil, fmt.Errorf("the area is not closed: %w", ErrNoRegion)
		}
		edge := false
		for _, n := range [4]int{c - 1, c + 1, c - g.w, c + g.w} {
			switch {
			case g.blocked[n]:
				edge = true
			case !filled[n]:
				filled[n] = true
				stack = append(stack, n)
			}
		}
		if edge {
			rim = append(rim, g.centre(i, j))
		}
	}
	return rim, nil
}

// onCurve is where a rim point lies on the boundaries: the nearest curve
// and the parameter there.
type onCurve struct {
	b     int // boundary index
	u     float64
	point Point
}

// param of a point on a model path: segment + t.
func pathParam(p models.Path, q Point) (float64, Point) {
	n, ok := NearestOnPath(p, q)
	if !ok {
		return 0, q
	}
	return float64(n.Seg) + n.T, n.Point
}

// traceRegion orders the rim, splits it into runs along one boundary
// each, finds the corners where neighbouring runs' curves cross, and
// builds the outline from the exact pieces of the curves between corners.
func traceRegion(rim []Point, bs []boundary) (*Region, error) {
	if len(rim) < 8 {
		return nil, fmt.Errorf("piece from region: the area is too small: %w", ErrNoRegion)
	}
	ring := orderRim(rim)
	// Nearest boundary of each rim point.
	near := make([]int, len(ring))
	for k, p := range ring {
		best, bd := -1, math.Inf(1)
		for i, b := range bs {
			if d := DistToPolyline(b.pts, p, false); d < bd {
				best, bd = i, d
			}
		}
		near[k] = best
	}
	// Runs of one boundary; short runs at corners (rim points between two
	// curves) are noise and join their neighbour.
	type run struct{ b, from, count int } // ring indexes from, from+1, … (cyclic)
	var runs []run
	for k := range ring {
		if len(runs) > 0 && runs[len(runs)-1].b == near[k] {
			runs[len(runs)-1].count++
		} else {
			runs = append(runs, run{b: near[k], from: k, count: 1})
		}
	}
	if len(runs) > 1 && runs[0].b == runs[len(runs)-1].b {
		runs[len(runs)-1].count += runs[0].count
		runs = runs[1:]
	}
	const minRun = 6 // rim cells, 1.5 mm
	for changed := true; changed && len(runs) > 1; {
		changed = false
		for i := 0; i < len(runs) && len(runs) > 1; i++ {
			if runs[i].count >= minRun {
				continue
			}
			prev := (i - 1 + len(runs)) % len(runs)
			runs[prev].count += runs[i].count
			runs = append(runs[:i], runs[i+1:]...)
			changed = true
			break
		}
		// Neighbours on the same boundary merge.
		for i := 0; i < len(runs) && len(runs) > 1; i++ {
			j := (i + 1) % len(runs)
			if runs[i].b == runs[j].b {
				runs[i].count += runs[j].count
				runs = append(runs[:j], runs[j+1:]...)
				changed = true
				break
			}
		}
	}
	at := func(k int) Point { return ring[k%len(ring)] }
	if len(runs) == 1 {
		b := bs[runs[0].b]
		if !b.path.Closed {
			return nil, fmt.Errorf("piece from region: bounded by one open line: %w", ErrNoRegion)
		}
		r := &Region{Outline: b.path, Edges: make([]models.AllowanceKind, b.path.Segments())}
		for i := range r.Edges {
			r.Edges[i] = models.AllowNone
		}
		if isElemID(b.on) {
			r.Lines = []models.ID{models.ID(b.on)}
		}
		return r, nil
	}
	// Corners: where run i's curve meets run i+1's, nearest the junction.
	corners := make([]Point, len(runs))
	for i := range runs {
		j := (i + 1) % len(runs)
		junction := lerp(at(runs[i].from+runs[i].count-1), at(runs[j].from), 0.5)
		corners[i] = crossing(bs[runs[i].b], bs[runs[j].b], junction)
	}
	r := &Region{}
	seenLine := map[models.ID]bool{}
	for i := range runs {
		b := bs[runs[i].b]
		start := corners[(i-1+len(runs))%len(runs)]
		end := corners[i]
		u0, p0 := pathParam(b.path, start)
		u1, p1 := pathParam(b.path, end)
		// Direction along the curve: the way the run's middle goes.
		mid := at(runs[i].from + runs[i].count/2)
		um, _ := pathParam(b.path, mid)
		forward := between(u0, um, u1, b.path)
		sub := subPath(b.path, u0, u1, forward)
		// Bridge a gap where the curves only nearly meet.
		if len(r.Outline.Points) > 0 {
			last := r.Outline.Points[len(r.Outline.Points)-1]
			if dist(last, p0) > 1e-6 && dist(last, p1) > 1e-6 {
				sl := StraightPath(last, sub.Points[0])
				r.Outline.Points = append(r.Outline.Points, sl.Points[1:]...)
				r.Edges = append(r.Edges, models.AllowNone)
			}
		}
		kind := models.AllowNone
		if b.on == EdgeFeatherline {
			kind = models.AllowLasting
		}
		if len(r.Outline.Points) == 0 {
			r.Outline.Points = append(r.Outline.Points, sub.Points...)
		} else {
			r.Outline.Points = append(r.Outline.Points, sub.Points[1:]...)
		}
		for range sub.Segments() {
			r.Edges = append(r.Edges, kind)
		}
		if isElemID(b.on) && !seenLine[models.ID(b.on)] {
			seenLine[models.ID(b.on)] = true
			r.Lines = append(r.Lines, models.ID(b.on))
		}
	}
	// Close exactly.
	pts := r.Outline.Points
	if dist(pts[0], pts[len(pts)-1]) > 1e-6 {
		sl := StraightPath(pts[len(pts)-1], pts[0])
		r.Outline.Points = append(r.Outline.Points, sl.Points[1:]...)
		r.Edges = append(r.Edges, models.AllowNone)
	}
	r.Outline.Points[len(r.Outline.Points)-1] = r.Outline.Points[0]
	r.Outline.Closed = true
	if err := CheckPath(r.Outline); err != nil {
		return nil, fmt.Errorf("piece from region: %w", err)
	}
	return r, nil
}

func isElemID(s string) bool { return models.ValidID(models.ID(s)) }

// orderRim orders the rim cells into a ring by walking to the nearest
// unvisited neighbour (rim cells are a cell apart).
func orderRim(rim []Point) []Point {
	// Start at the lowest-left cell so the result does not depend on the
	// fill order.
	start := 0
	for i, p := range rim {
		if p.Y < rim[start].Y || (p.Y == rim[start].Y && p.X < rim[start].X) {
			start = i
		}
	}
	type key struct{ i, j int }
	idx := map[key]int{}
	k := func(p Point) key {
		return key{int(math.Round(p.X / regionCell)), int(math.Round(p.Y / regionCell))}
	}
	for i, p := range rim {
		idx[k(p)] = i
	}
	used := make([]bool, len(rim))
	ring := []Point{rim[start]}
	used[start] = true
	cur := rim[start]
	for {
		c := k(cur)
		next := -1
		// 8-neighbours first, then a wider search to cross small gaps.
		for r := 1; r <= 3 && next < 0; r++ {
			bd := math.Inf(1)
			for dj := -r; dj <= r; dj++ {
				for di := -r; di <= r; di++ {
					if n, ok := idx[key{c.i + di, c.j + dj}]; ok && !used[n] {
						if d := dist(rim[n], cur); d < bd {
							bd, next = d, n
						}
					}
				}
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		cur = rim[next]
		ring = append(ring, cur)
	}
	return ring
}

// crossing is the point where boundaries a and b cross nearest to near, or
// the midpoint of their nearest points when they do not cross there.
func crossing(a, b boundary, near Point) Point {
	best, bd := Point{}, math.Inf(1)
	const reach = 3.0 // mm around the junction
	for i := 0; i+1 < len(a.pts); i++ {
		if distToSegment(near, a.pts[i], a.pts[i+1]) > reach {
			continue
		}
		for j := 0; j+1 < len(b.pts); j++ {
			if distToSegment(near, b.pts[j], b.pts[j+1]) > reach {
				continue
			}
			if s, _, ok := segIntersect(a.pts[i], a.pts[i+1], b.pts[j], b.pts[j+1]); ok {
				p := lerp(a.pts[i], a.pts[i+1], s)
				if d := dist(p, near); d < bd {
					best, bd = p, d
				}
			}
		}
	}
	if bd < math.Inf(1) {
		return best
	}
	_, pa := pathParam(a.path, near)
	_, pb := pathParam(b.path, near)
	return lerp(pa, pb, 0.5)
}

// between reports whether going forward along p from u0 passes um before
// u1 (wrapping round a closed path).
func between(u0, um, u1 float64, p models.Path) bool {
	if !p.Closed {
		return u1 >= u0
	}
	n := float64(p.Segments())
	wrap := func(v float64) float64 { return math.Mod(v-u0+2*n, n) }
	return wrap(um) <= wrap(u1)
}

// subPath is the part of p from parameter u0 to u1 (segment + t), forward
// or backward along p; on a closed path it may run across the seam.
func subPath(p models.Path, u0, u1 float64, forward bool) models.Path {
	if !forward {
		return reversePath(subPath(p, u1, u0, true))
	}
	cs := Cubics(p)
	n := float64(len(cs))
	if u1 < u0 {
		if p.Closed {
			a := subPath(p, u0, n, true)
			b := subPath(p, 0, u1, true)
			return models.Path{Points: append(a.Points, b.Points[1:]...)}
		}
		u0, u1 = u1, u0
	}
	var out models.Path
	seg0 := min(int(math.Floor(u0)), len(cs)-1)
	seg1 := min(int(math.Ceil(u1))-1, len(cs)-1)
	seg1 = max(seg1, seg0)
	for s := seg0; s <= seg1; s++ {
		c := cs[s]
		t0, t1 := 0.0, 1.0
		if s == seg0 {
			t0 = u0 - float64(s)
		}
		if s == seg1 {
			t1 = u1 - float64(s)
		}
		part := c
		if t1 < 1 {
			part, _ = part.Split(t1)
		}
		if t0 > 0 && t1 > 0 {
			_, part = part.Split(t0 / t1)
		}
		if len(out.Points) == 0 {
			out.Points = append(out.Points, part[0])
		}
		out.Points = append(out.Points, part[1], part[2], part[3])
	}
	return out
}

func reversePath(p models.Path) models.Path {
	out := models.Path{Closed: p.Closed, Points: make([]Point, len(p.Points))}
	for i, q := range p.Points {
		out.Points[len(p.Points)-1-i] = q
	}
	return out
}

// PieceFromRegion is the command that makes a new piece of the region
// around q: its outline, a lasting allowance along the featherline, one
// per shoe, drawn on top.
func PieceFromRegion(d *models.Design, q Point, name string) (models.Command, *Region, error) {
	r, err := RegionAt(d, q)
	if err != nil {
		return models.Command{}, nil, err
	}
	order := 0
	for _, p := range d.Pieces {
		order = max(order, p.Order+1)
	}
	pc := models.Piece{ID: models.NewID(), Name: name, Role: "piece", Outline: r.Outline, Edges: r.Edges,
		Quantity: 1, Lines: r.Lines, Order: order}
	return models.Command{Name: "Make piece from region", Edits: []models.Edit{{ID: pc.ID, After: pc}}}, r, nil
}

// LengthBetween is the length along p between its points nearest a and
// b (the shorter way round a closed path), mm.
func LengthBetween(p models.Path, a, b Point) float64 {
	if CheckPath(p) != nil {
		return 0
	}
	ua, _ := pathParam(p, a)
	ub, _ := pathParam(p, b)
	if ua > ub {
		ua, ub = ub, ua
	}
	if ub-ua < 1e-12 {
		return 0
	}
	l := PathLength(subPath(p, ua, ub, true), 0.01)
	if p.Closed {
		l = math.Min(l, PathLength(p, 0.01)-l)
	}
	return l
}
