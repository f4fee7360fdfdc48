package packaging

import (
	"fmt"
	"math"

	"cordwain/canvas/samples"
	"cordwain/models"
)

// testDesign is the sample derby: the tests run on the designs the studio
// ships with, not on stand-ins.
func testDesign() *models.Design { return samples.Derby() }

// manyPieces returns the derby with n extra small pieces (odd-input tests),
// named to nameLen characters.
func manyPieces(n int, nameLen int) *models.Design {
	d := testDesign()
	mat := models.ID("")
	if len(d.Materials) > 0 {
		mat = d.Materials[0].ID
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("P%03d", i)
		for len(name) < nameLen {
			name += "x"
		}
		a := float64(i) * 2 * math.Pi / float64(n)
		cx, cy := 100+40*math.Cos(a), 40+20*math.Sin(a)
		d.Pieces = append(d.Pieces, models.Piece{
			ID: models.ID(fmt.Sprintf("x%03d", i)), Name: name, Role: "overlay", Order: 10 + i, Quantity: 1, Material: mat,
			Outline: closedPath(models.Pt(cx, cy), models.Pt(cx+20, cy), models.Pt(cx+20, cy+12), models.Pt(cx, cy+12)),
		})
	}
	return d
}

// closedPath is a closed Bézier chain of straight edges through pts.
func closedPath(pts ...models.Point) models.Path {
	out := []models.Point{pts[0]}
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		out = append(out, models.Pt(a.X+(b.X-a.X)/3, a.Y+(b.Y-a.Y)/3), models.Pt(a.X+2*(b.X-a.X)/3, a.Y+2*(b.Y-a.Y)/3), b)
	}
	return models.Path{Points: out, Closed: true}
}
