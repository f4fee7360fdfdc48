package canvas_test

import (
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// A piece dragged a few millimetres past the edge of the mean form (past
// the toe, below the featherline) must move a few millimetres in the side
// views too, not blow up through the patch's extrapolation.
func TestPiecesJustOffTheFormMapSmoothly(t *testing.T) {
	for _, d := range samples.All() {
		g, err := canvas.NewLastGeometry(d.Last)
		if err != nil {
			t.Fatal(err)
		}
		for _, pc := range d.Pieces {
			base := mappedBounds(g, pc.Outline.Points, 0, 0)
			for _, sh := range [][2]float64{{3, 0}, {0, -3}, {6, 3}, {-4, 0}} {
				b := mappedBounds(g, pc.Outline.Points, sh[0], sh[1])
				grow := math.Max(b.Dx()-base.Dx(), b.Dy()-base.Dy())
				move := math.Hypot(b.Min.X-base.Min.X, b.Min.Y-base.Min.Y)
				limit := 4 * math.Hypot(sh[0], sh[1])
				if grow > limit || move > limit {
					t.Errorf("%s %s shifted by %v: lateral bounds grow %.1f mm, move %.1f mm (limit %.1f)",
						d.Meta.Name, pc.Name, sh, grow, move, limit)
				}
			}
		}
	}
}

func mappedBounds(g *canvas.LastGeometry, pts []models.Point, dx, dy float64) canvas.Rect {
	var out []canvas.Point
	c := g.NewCursor()
	for _, p := range pts {
		out = append(out, c.Lateral(models.Pt(p.X+dx, p.Y+dy)))
	}
	return canvas.PolylineBounds(out)
}
