package canvas

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"cordwain/models"
)

// PointRef names one point of a style line's path or a piece's outline:
// a knot (Index a multiple of 3) or a Bézier handle.
type PointRef struct {
	Elem  models.ID
	Index int
}

// Knot reports whether r names a knot rather than a handle.
func (r PointRef) Knot() bool { return r.Index%3 == 0 }

// ElemPath is the editable path of an element: a style line's path or a
// piece's outline; ok is false for other elements.
func ElemPath(e models.Elem) (models.Path, bool) {
	switch x := e.(type) {
	case models.StyleLine:
		return x.Path, true
	case models.Piece:
		return x.Outline, true
	}
	return models.Path{}, false
}

// WithPath returns e with its path replaced (see [ElemPath]).
func WithPath(e models.Elem, p models.Path) models.Elem {
	switch x := e.(type) {
	case models.StyleLine:
		x.Path = p
		return x
	case models.Piece:
		x.Outline = p
		return x
	}
	return e
}

// ElemName is how the Edit menu names an element: a piece or line by its
// name, a mark by its kind.
func ElemName(e models.Elem) string {
	switch x := e.(type) {
	case models.StyleLine:
		if x.Name != "" {
			return x.Name
		}
		return "style line"
	case models.Piece:
		if x.Name != "" {
			return x.Name
		}
		return "piece"
	case models.Mark:
		return string(x.Kind)
	case models.Material:
		return x.Name
	case models.Colourway:
		return x.Name
	case models.Dimension:
		return "dimension"
	case models.Underlay:
		return "underlay"
	case models.Last:
		return "last"
	case models.Meta:
		return "design"
	}
	return "element"
}

// movePath returns p with the points idx moved by delta: a knot takes its
// two handles along (as in every vector editor), a handle moves alone,
// and a closed path's first and last point stay one.
func movePath(p models.Path, idx map[int]bool, delta Point) models.Path {
	n := len(p.Points)
	pts := slices.Clone(p.Points)
	moved := make([]bool, n)
	mv := func(i int) {
		if i >= 0 && i < n && !moved[i] {
			moved[i] = true
			pts[i] = add(pts[i], delta)
		}
	}
	closedTwin := func(i int) int {
		if p.Closed && n > 1 {
			switch i {
			case 0:
				return n - 1
			case n - 1:
				return 0
			}
		}
		return -1
	}
	for _, i := range slices.Sorted(maps.Keys(idx)) {
		if i < 0 || i >= n {
			continue
		}
		if i%3 != 0 {
			mv(i)
			continue
		}
		for _, k := range []int{i, closedTwin(i)} {
			if k < 0 {
				continue
			}
			mv(k)
			mv(k - 1)
			mv(k + 1)
		}
		if p.Closed && n > 1 {
			// The handles round the seam of a closed path.
			if i == 0 || i == n-1 {
				mv(1)
				mv(n - 2)
			}
		}
	}
	return models.Path{Points: pts, Closed: p.Closed}
}

// MovePoints is the command that moves the named points by delta (mm on
// the mean form).
func MovePoints(d *models.Design, refs []PointRef, delta Point) (models.Command, error) {
	byElem := map[models.ID]map[int]bool{}
	for _, r := range refs {
		if byElem[r.Elem] == nil {
			byElem[r.Elem] = map[int]bool{}
		}
		byElem[r.Elem][r.Index] = true
	}
	var c models.Command
	var names []string
	handles := true
	for _, id := range slices.Sorted(maps.Keys(byElem)) {
		e := models.FindElem(d, id)
		p, ok := ElemPath(e)
		if !ok {
			return models.Command{}, fmt.Errorf("move points: %s has no path", id)
		}
		for i := range byElem[id] {
			if i < 0 || i >= len(p.Points) {
				return models.Command{}, fmt.Errorf("move points: %s has no point %d", ElemName(e), i)
			}
			handles = handles && i%3 != 0
		}
		c.Edits = append(c.Edits, models.Edit{ID: id, Before: e, After: WithPath(e, movePath(p, byElem[id], delta))})
		names = append(names, ElemName(e))
	}
	what := "point"
	if handles {
		what = "handle"
	}
	switch {
	case len(refs) == 1:
		c.Name = fmt.Sprintf("Move %s %s", names[0], what)
	case len(names) == 1:
		c.Name = fmt.Sprintf("Move %d %s %ss", len(refs), names[0], what)
	default:
		c.Name = fmt.Sprintf("Move %d %ss", len(refs), what)
	}
	return c, nil
}

// MoveElements is the command that moves whole style lines, pieces,
// marks and dimensions by delta. A piece takes its marks along.
func MoveElements(d *models.Design, ids []models.ID, delta Point) models.Command {
	set := map[models.ID]bool{}
	for _, id := range ids {
		set[id] = true
	}
	for _, m := range d.Marks {
		if set[m.Piece] {
			set[m.ID] = true
		}
	}
	var c models.Command
	var names []string
	for _, id := range slices.Sorted(maps.Keys(set)) {
		e := models.FindElem(d, id)
		var after models.Elem
		switch x := e.(type) {
		case models.StyleLine, models.Piece:
			p, _ := ElemPath(x)
			after = WithPath(x, models.Path{Points: shifted(p.Points, delta), Closed: p.Closed})
		case models.Mark:
			x.At = add(x.At, delta)
			after = x
		case models.Dimension:
			x.A, x.B = add(x.A, delta), add(x.B, delta)
			after = x
		default:
			continue
		}
		c.Edits = append(c.Edits, models.Edit{ID: id, Before: e, After: after})
		if slices.Contains(ids, id) {
			names = append(names, ElemName(e))
		}
	}
	if len(names) == 1 {
		c.Name = "Move " + names[0]
	} else {
		c.Name = fmt.Sprintf("Move %d elements", len(names))
	}
	return c
}

func shifted(pts []Point, delta Point) []Point {
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = add(p, delta)
	}
	return out
}

// DeleteElements is the command that deletes style lines, pieces, marks
// and dimensions; a deleted piece takes its marks and its colours in every
// colourway with it, and pieces built from a deleted line forget it.
func DeleteElements(d *models.Design, ids []models.ID) models.Command {
	set := map[models.ID]bool{}
	var names []string
	for _, id := range ids {
		e := models.FindElem(d, id)
		switch e.(type) {
		case models.StyleLine, models.Piece, models.Mark, models.Dimension:
			if !set[id] {
				set[id] = true
				names = append(names, ElemName(e))
			}
		}
	}
	for _, m := range d.Marks {
		if set[m.Piece] {
			set[m.ID] = true
		}
	}
	c := models.RemoveElems("", d, slices.Sorted(maps.Keys(set))...)
	for _, cw := range d.Colourways {
		var drop bool
		for pid := range cw.Parts {
			drop = drop || set[pid]
		}
		if drop {
			after := cw
			after.Parts = maps.Clone(cw.Parts)
			maps.DeleteFunc(after.Parts, func(pid models.ID, _ models.ColourwayPart) bool { return set[pid] })
			if len(after.Parts) == 0 {
				after.Parts = nil
			}
			c.Edits = append(c.Edits, models.Edit{ID: cw.ID, Before: cw, After: after})
		}
	}
	for _, pc := range d.Pieces {
		if set[pc.ID] || !slices.ContainsFunc(pc.Lines, func(id models.ID) bool { return set[id] }) {
			continue
		}
		after := pc
		after.Lines = slices.DeleteFunc(slices.Clone(pc.Lines), func(id models.ID) bool { return set[id] })
		if len(after.Lines) == 0 {
			after.Lines = nil
		}
		c.Edits = append(c.Edits, models.Edit{ID: pc.ID, Before: pc, After: after})
	}
	if len(names) == 1 {
		c.Name = "Delete " + names[0]
	} else {
		c.Name = fmt.Sprintf("Delete %d elements", len(names))
	}
	return c
}

// DeletePoints is the command that removes knots (handles named are
// ignored) from paths, joining the neighbours with the outer handles. A
// path left with too few knots to draw deletes its element.
func DeletePoints(d *models.Design, refs []PointRef) models.Command {
	byElem := map[models.ID]map[int]bool{}
	for _, r := range refs {
		if !r.Knot() {
			continue
		}
		if byElem[r.Elem] == nil {
			byElem[r.Elem] = map[int]bool{}
		}
		byElem[r.Elem][r.Index] = true
	}
	var c models.Command
	var gone []models.ID
	count := 0
	for _, id := range slices.Sorted(maps.Keys(byElem)) {
		e := models.FindElem(d, id)
		p, ok := ElemPath(e)
		if !ok {
			continue
		}
		np := removeKnots(p, byElem[id])
		count += len(byElem[id])
		if (p.Closed && np.Segments() < 2) || np.Segments() < 1 {
			gone = append(gone, id)
			continue
		}
		after := WithPath(e, np)
		if pc, ok := after.(models.Piece); ok && len(pc.Edges) > np.Segments() {
			pc.Edges = slices.Clone(pc.Edges[:np.Segments()])
			after = pc
		}
		c.Edits = append(c.Edits, models.Edit{ID: id, Before: e, After: after})
	}
	if len(gone) > 0 {
		c = c.Then("", DeleteElements(d, gone))
	}
	c.Name = fmt.Sprintf("Delete %d points", count)
	if count == 1 {
		c.Name = "Delete point"
	}
	return c
}

// removeKnots drops knots from a Bézier chain.
func removeKnots(p models.Path, drop map[int]bool) models.Path {
	n := len(p.Points)
	if p.Closed && drop[n-1] {
		drop[0] = true
	}
	type knot struct{ in, at, out Point }
	var ks []knot
	last := n - 1
	if p.Closed {
		last = n - 4 // the closing knot repeats the first
	}
	for i := 0; i <= last; i += 3 {
		k := knot{at: p.Points[i], in: p.Points[i], out: p.Points[i]}
		if i > 0 {
			k.in = p.Points[i-1]
		} else if p.Closed && n > 1 {
			k.in = p.Points[n-2]
		}
		if i+1 < n {
			k.out = p.Points[i+1]
		}
		if !drop[i] {
			ks = append(ks, k)
		}
	}
	out := models.Path{Closed: p.Closed}
	for i, k := range ks {
		if i == 0 {
			out.Points = append(out.Points, k.at)
			continue
		}
		out.Points = append(out.Points, ks[i-1].out, k.in, k.at)
	}
	if p.Closed && len(ks) > 0 {
		out.Points = append(out.Points, ks[len(ks)-1].out, ks[0].in, ks[0].at)
	}
	return out
}

// AddStyleLine is the command that adds a new style line.
func AddStyleLine(name string, kind models.LineKind, p models.Path) models.Command {
	sl := models.StyleLine{ID: models.NewID(), Name: name, Kind: kind, Path: p}
	return models.Command{Name: "Add style line", Edits: []models.Edit{{ID: sl.ID, After: sl}}}
}

// StraightPath is a straight Bézier segment from a to b.
func StraightPath(a, b Point) models.Path {
	return models.Path{Points: []Point{a, lerp(a, b, 1.0/3), lerp(a, b, 2.0/3), b}}
}

// lastFieldNames are the measurement names the Edit menu uses.
var lastFieldNames = map[string]string{
	"Ref": "last reference", "BottomLength": "bottom length", "StickLength": "stick length",
	"BallGirth": "ball girth", "BallWidth": "ball width", "WaistGirth": "waist girth",
	"InstepGirth": "instep girth", "HeelGirth": "heel girth", "HeelWidth": "heel width",
	"HeelHeight": "heel height", "ToeSpring": "toe spring", "BackHeight": "back height",
	"ToeShape": "toe shape", "WidthFitting": "width fitting",
}

// SetLast is the command that changes the last and re-fits the upper to
// it: every style line, piece, mark and dimension keeps its place on the
// form (see
// [Refit]). An invalid last is refused with its [FieldErrors]; nothing is
// changed.
func SetLast(d *models.Design, l models.Last) (models.Command, error) {
	if err := ValidateLast(l); err != nil {
		return models.Command{}, err
	}
	rd, err := RefitDesign(d, l)
	if err != nil {
		return models.Command{}, err
	}
	c := models.Command{Edits: []models.Edit{{ID: models.LastID, Before: d.Last, After: l}}}
	for i := range d.StyleLines {
		if !models.ElemEqual(d.StyleLines[i], rd.StyleLines[i]) {
			c.Edits = append(c.Edits, models.Edit{ID: d.StyleLines[i].ID, Before: d.StyleLines[i], After: rd.StyleLines[i]})
		}
	}
	for i := range d.Pieces {
		if !models.ElemEqual(d.Pieces[i], rd.Pieces[i]) {
			c.Edits = append(c.Edits, models.Edit{ID: d.Pieces[i].ID, Before: d.Pieces[i], After: rd.Pieces[i]})
		}
	}
	for i := range d.Marks {
		if !models.ElemEqual(d.Marks[i], rd.Marks[i]) {
			c.Edits = append(c.Edits, models.Edit{ID: d.Marks[i].ID, Before: d.Marks[i], After: rd.Marks[i]})
		}
	}
	for i := range d.Dimensions {
		if !models.ElemEqual(d.Dimensions[i], rd.Dimensions[i]) {
			c.Edits = append(c.Edits, models.Edit{ID: d.Dimensions[i].ID, Before: d.Dimensions[i], After: rd.Dimensions[i]})
		}
	}
	var changed []string
	for _, f := range lastFields(d.Last, l) {
		changed = append(changed, lastFieldNames[f])
	}
	switch len(changed) {
	case 0:
		c.Name = "Change last"
	case 1, 2:
		c.Name = "Change " + strings.Join(changed, " and ")
	default:
		c.Name = fmt.Sprintf("Change %d last measurements", len(changed))
	}
	return c, nil
}

// lastFields lists the names of the fields that differ between a and b.
func lastFields(a, b models.Last) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("Ref", a.Ref != b.Ref)
	add("BottomLength", a.BottomLength != b.BottomLength)
	add("StickLength", a.StickLength != b.StickLength)
	add("BallGirth", a.BallGirth != b.BallGirth)
	add("BallWidth", a.BallWidth != b.BallWidth)
	add("WaistGirth", a.WaistGirth != b.WaistGirth)
	add("InstepGirth", a.InstepGirth != b.InstepGirth)
	add("HeelGirth", a.HeelGirth != b.HeelGirth)
	add("HeelWidth", a.HeelWidth != b.HeelWidth)
	add("HeelHeight", a.HeelHeight != b.HeelHeight)
	add("ToeSpring", a.ToeSpring != b.ToeSpring)
	add("BackHeight", a.BackHeight != b.BackHeight)
	add("ToeShape", a.ToeShape != b.ToeShape)
	add("WidthFitting", a.WidthFitting != b.WidthFitting)
	return out
}

// Rename is the command that renames the design (English and Chinese).
func Rename(d *models.Design, name, nameZH string) models.Command {
	m := d.Meta
	m.Name, m.NameZH = strings.TrimSpace(name), strings.TrimSpace(nameZH)
	return models.SetElem("Rename design", d, m)
}
