package app

import (
	"cmp"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
)

// graphRow is one row of the version graph: the lane of the version's dot
// and the line segments to draw in the row. Segment ends are in lanes (x)
// and in row heights (y: 0 top, 0.5 the dot, 1 bottom).
type graphRow struct {
	Lane  int
	Lanes int // lanes in use in this row, for the cell's width
	Merge bool
	Segs  []graphSeg
}

type graphSeg struct {
	X1, X2 int
	Y1, Y2 float32
	Lane   int // the lane whose colour the segment takes
}

// orderForGraph sorts versions so that every version comes before its
// parents (a merge can have the same time as a parent), otherwise newest
// first by (time, ID) as the store lists them.
func orderForGraph(vs []*models.Version) []*models.Version {
	byID := make(map[models.ID]*models.Version, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	children := map[models.ID]int{}
	for _, v := range vs {
		for _, p := range v.Parents {
			if _, ok := byID[p]; ok {
				children[p]++
			}
		}
	}
	newer := func(a, b *models.Version) int {
		if a.Time != b.Time {
			if b.Time.Less(a.Time) {
				return -1
			}
			return 1
		}
		return -cmp.Compare(a.ID, b.ID)
	}
	// ready holds versions whose children are all placed, newest first.
	var ready []*models.Version
	for _, v := range vs {
		if children[v.ID] == 0 {
			ready = append(ready, v)
		}
	}
	slices.SortFunc(ready, newer)
	out := make([]*models.Version, 0, len(vs))
	for len(ready) > 0 {
		v := ready[0]
		ready = ready[1:]
		out = append(out, v)
		for _, p := range v.Parents {
			pv, ok := byID[p]
			if !ok {
				continue
			}
			children[p]--
			if children[p] == 0 {
				i, _ := slices.BinarySearchFunc(ready, pv, newer)
				ready = slices.Insert(ready, i, pv)
			}
		}
	}
	return out
}

// layoutGraph assigns lanes like a git GUI: a version takes the lane that
// was waiting for it (the leftmost when several children wait), its first
// parent continues in that lane and further parents open new lanes.
// versions must be ordered by [orderForGraph].
func layoutGraph(vs []*models.Version, isMerge func(*models.Version) bool) []graphRow {
	var lanes []models.ID // what each lane waits for; "" is free
	rows := make([]graphRow, len(vs))
	for i, v := range vs {
		row := graphRow{Lane: -1, Merge: isMerge(v)}
		for l, want := range lanes {
			if want == v.ID && row.Lane < 0 {
				row.Lane = l
			}
		}
		if row.Lane < 0 {
			row.Lane = freeLane(&lanes)
		}
		// Lines entering the row from above.
		for l, want := range lanes {
			switch {
			case want == "":
			case want == v.ID:
				row.Segs = append(row.Segs, graphSeg{X1: l, Y1: 0, X2: row.Lane, Y2: 0.5, Lane: l})
				lanes[l] = ""
			default:
				row.Segs = append(row.Segs, graphSeg{X1: l, Y1: 0, X2: l, Y2: 1, Lane: l})
			}
		}
		// Lines leaving the dot downwards, one per parent.
		for k, p := range v.Parents {
			target := slices.Index(lanes, p)
			if k == 0 && target > row.Lane {
				// The first parent already waits further right: bend that
				// line into this lane, so a line of work stays in its lane
				// (main on the left) as in git GUIs.
				for j := range row.Segs {
					if sg := &row.Segs[j]; sg.X1 == target && sg.Y1 == 0 && sg.Y2 == 1 {
						sg.X2 = row.Lane
					}
				}
				lanes[target] = ""
				target = -1
			}
			if target < 0 {
				if k == 0 {
					target = row.Lane
				} else {
					target = freeLane(&lanes)
				}
				lanes[target] = p
			}
			colour := target
			if k == 0 {
				colour = row.Lane
			}
			row.Segs = append(row.Segs, graphSeg{X1: row.Lane, Y1: 0.5, X2: target, Y2: 1, Lane: colour})
		}
		for len(lanes) > 0 && lanes[len(lanes)-1] == "" {
			lanes = lanes[:len(lanes)-1]
		}
		row.Lanes = max(len(lanes), row.Lane+1)
		for _, s := range row.Segs {
			row.Lanes = max(row.Lanes, s.X1+1, s.X2+1)
		}
		rows[i] = row
	}
	return rows
}

func freeLane(lanes *[]models.ID) int {
	for i, l := range *lanes {
		if l == "" {
			return i
		}
	}
	*lanes = append(*lanes, "")
	return len(*lanes) - 1
}

// laneColours are the lanes' colours, cycled; readable on light and dark.
var laneColours = []color.NRGBA{
	{0x9a, 0x5b, 0x24, 0xff}, // leather brown, main
	{0x2f, 0x7d, 0xc4, 0xff},
	{0x3a, 0x9a, 0x4e, 0xff},
	{0xc0, 0x4b, 0x8e, 0xff},
	{0xd0, 0x8a, 0x1e, 0xff},
	{0x6b, 0x5b, 0xc9, 0xff},
}

func laneColour(l int) color.Color { return laneColours[l%len(laneColours)] }

// Lane geometry in pixels.
const (
	laneWidth = 14
	dotRadius = 4.5
)

// graphCell draws one row of the version graph.
type graphCell struct {
	widget.BaseWidget
	row   graphRow
	lanes int // width in lanes, the same for every row of the list
}

var _ fyne.Widget = (*graphCell)(nil)

func newGraphCell() *graphCell {
	c := &graphCell{}
	c.ExtendBaseWidget(c)
	return c
}

// set changes the row drawn and the width shared by the list's rows.
func (c *graphCell) set(row graphRow, lanes int) {
	c.row, c.lanes = row, lanes
	c.Refresh()
}

func (c *graphCell) MinSize() fyne.Size {
	return fyne.NewSize(float32(max(c.lanes, 1))*laneWidth+6, 20)
}

func (c *graphCell) CreateRenderer() fyne.WidgetRenderer {
	r := &graphRenderer{cell: c}
	r.build()
	return r
}

type graphRenderer struct {
	cell  *graphCell
	lines []*fynecanvas.Line
	dot   *fynecanvas.Circle
	objs  []fyne.CanvasObject
}

func (r *graphRenderer) build() {
	row := r.cell.row
	r.lines = r.lines[:0]
	r.objs = r.objs[:0]
	for _, s := range row.Segs {
		l := fynecanvas.NewLine(laneColour(s.Lane))
		l.StrokeWidth = 2
		r.lines = append(r.lines, l)
		r.objs = append(r.objs, l)
	}
	r.dot = fynecanvas.NewCircle(laneColour(row.Lane))
	if row.Merge {
		// A merge is a ring: nobody authored it, it joins two lines.
		r.dot.FillColor = theme.Color(theme.ColorNameBackground)
		r.dot.StrokeColor = laneColour(row.Lane)
		r.dot.StrokeWidth = 2
	}
	r.objs = append(r.objs, r.dot)
}

func (r *graphRenderer) Layout(size fyne.Size) {
	row := r.cell.row
	x := func(l int) float32 { return 3 + float32(l)*laneWidth + laneWidth/2 }
	for i, s := range row.Segs {
		r.lines[i].Position1 = fyne.NewPos(x(s.X1), s.Y1*size.Height)
		r.lines[i].Position2 = fyne.NewPos(x(s.X2), s.Y2*size.Height)
	}
	cx, cy := x(row.Lane), size.Height/2
	r.dot.Position1 = fyne.NewPos(cx-dotRadius, cy-dotRadius)
	r.dot.Position2 = fyne.NewPos(cx+dotRadius, cy+dotRadius)
}

func (r *graphRenderer) MinSize() fyne.Size { return r.cell.MinSize() }

func (r *graphRenderer) Refresh() {
	r.build()
	r.Layout(r.cell.Size())
	for _, o := range r.objs {
		o.Refresh()
	}
}

func (r *graphRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *graphRenderer) Destroy() {}
