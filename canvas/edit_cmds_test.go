package canvas_test

import (
	"errors"
	"slices"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

func hashOf(t *testing.T, d *models.Design) models.Hash {
	t.Helper()
	h, err := d.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// roundTrip applies c to d, checks that undoing it gives d's hash back and
// redoing it the same result again, and returns the result.
func roundTrip(t *testing.T, d *models.Design, c models.Command) *models.Design {
	t.Helper()
	h0 := hashOf(t, d)
	next, err := c.Apply(d)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	h1 := hashOf(t, next)
	if h1 == h0 {
		t.Fatalf("%s changed nothing", c.Name)
	}
	back, err := c.Invert().Apply(next)
	if err != nil {
		t.Fatalf("undo %s: %v", c.Name, err)
	}
	if hashOf(t, back) != h0 {
		t.Fatalf("undo %s: not the design it started from", c.Name)
	}
	again, err := c.Apply(back)
	if err != nil || hashOf(t, again) != h1 {
		t.Fatalf("redo %s: %v / different design", c.Name, err)
	}
	if hashOf(t, d) != h0 {
		t.Fatalf("%s modified the design it was applied to", c.Name)
	}
	return next
}

func pieceNamed(d *models.Design, name string) models.Piece {
	for _, p := range d.Pieces {
		if p.Name == name {
			return p
		}
	}
	return models.Piece{}
}

// Moving a handle changes only that handle; moving a knot takes its two
// handles along and nothing else.
func TestMoveHandleChangesOnlyThatHandle(t *testing.T) {
	d := samples.Derby()
	vamp := pieceNamed(d, "Vamp")
	delta := models.Pt(2.5, -1.25)
	for _, idx := range []int{4, 5, 6} {
		c, err := canvas.MovePoints(d, []canvas.PointRef{{Elem: vamp.ID, Index: idx}}, delta)
		if err != nil {
			t.Fatal(err)
		}
		next := roundTrip(t, d, c)
		got := pieceNamed(next, "Vamp").Outline.Points
		moved := map[int]bool{idx: true}
		if idx == 6 {
			moved = map[int]bool{5: true, 6: true, 7: true}
		}
		for k, p := range got {
			want := vamp.Outline.Points[k]
			if moved[k] {
				want = models.Pt(want.X+delta.X, want.Y+delta.Y)
			}
			if p != want {
				t.Errorf("move point %d: point %d is %v, want %v", idx, k, p, want)
			}
		}
		for _, other := range next.Pieces {
			if other.ID != vamp.ID && !models.ElemEqual(other, pieceNamed(d, other.Name)) {
				t.Errorf("move point %d changed piece %s", idx, other.Name)
			}
		}
		if want := map[int]string{4: "Move Vamp handle", 5: "Move Vamp handle", 6: "Move Vamp point"}[idx]; c.Name != want {
			t.Errorf("command name %q, want %q", c.Name, want)
		}
	}
	// The seam knot of a closed outline moves as one point.
	c, _ := canvas.MovePoints(d, []canvas.PointRef{{Elem: vamp.ID, Index: 0}}, delta)
	got := pieceNamed(roundTrip(t, d, c), "Vamp").Outline.Points
	if got[0] != got[len(got)-1] {
		t.Fatalf("closed outline opened at its seam: %v vs %v", got[0], got[len(got)-1])
	}
}

// Every editing command undoes to the identical design and redoes to the
// same one.
func TestEditCommandsRoundTrip(t *testing.T) {
	d := samples.Derby()
	vamp := pieceNamed(d, "Vamp")
	cap := pieceNamed(d, "Toe cap")
	mv, _ := canvas.MovePoints(d, []canvas.PointRef{{vamp.ID, 3}, {vamp.ID, 9}, {cap.ID, 1}}, models.Pt(1, 1))
	l := d.Last
	l.HeelHeight, l.ToeSpring, l.ToeShape = 30, 12, models.ToeSquare
	setLast, err := canvas.SetLast(d, l)
	if err != nil {
		t.Fatal(err)
	}
	if setLast.Name != "Change 3 last measurements" {
		t.Errorf("set last named %q", setLast.Name)
	}
	for _, c := range []models.Command{
		mv,
		canvas.MoveElements(d, []models.ID{cap.ID}, models.Pt(-3, 0)),
		canvas.DeleteElements(d, []models.ID{cap.ID}),
		canvas.DeletePoints(d, []canvas.PointRef{{vamp.ID, 6}}),
		canvas.AddStyleLine("vamp line", models.LineStyle, canvas.StraightPath(models.Pt(150, 10), models.Pt(160, 60))),
		canvas.Rename(d, "Oujiang Derby", "瓯江德比"),
		setLast,
	} {
		t.Run(c.Name, func(t *testing.T) {
			next := roundTrip(t, d, c)
			if err := models.Validate(next); err != nil {
				t.Errorf("%s left an invalid design: %v", c.Name, err)
			}
		})
	}
}

// Deleting a piece takes its marks and its colours along.
func TestDeletePieceTakesMarksAndColours(t *testing.T) {
	d := samples.Derby()
	var marked models.ID
	for _, m := range d.Marks {
		marked = m.Piece
		break
	}
	next, err := canvas.DeleteElements(d, []models.ID{marked}).Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range next.Marks {
		if m.Piece == marked {
			t.Fatalf("mark %s stayed on the deleted piece", m.ID)
		}
	}
	for _, cw := range next.Colourways {
		if _, ok := cw.Parts[marked]; ok {
			t.Fatalf("colourway %s still colours the deleted piece", cw.Name)
		}
	}
}

// Deleting a knot joins its neighbours; the path keeps the rest.
func TestDeletePoint(t *testing.T) {
	d := samples.Derby()
	vamp := pieceNamed(d, "Vamp")
	c := canvas.DeletePoints(d, []canvas.PointRef{{vamp.ID, 6}})
	next, err := c.Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	got := pieceNamed(next, "Vamp").Outline
	if got.Segments() != vamp.Outline.Segments()-1 {
		t.Fatalf("%d segments after deleting one knot of %d", got.Segments(), vamp.Outline.Segments())
	}
	if slices.Contains(got.Points, vamp.Outline.Points[6]) {
		t.Fatal("the deleted knot is still there")
	}
	if got.Points[0] != got.Points[len(got.Points)-1] {
		t.Fatal("outline no longer closed")
	}
}

// An invalid last is refused with the field at fault, and nothing changes.
func TestSetLastRefusesInvalid(t *testing.T) {
	d := samples.Derby()
	l := d.Last
	l.HeelHeight = 500
	_, err := canvas.SetLast(d, l)
	var fe canvas.FieldErrors
	if !errors.As(err, &fe) || fe.Field("heel_height") == "" {
		t.Fatalf("error %v does not name heel_height", err)
	}
}

// Pasting copies of a piece and its mark gives new elements, offset, the
// mark on the copied piece; undo removes exactly them.
func TestPasteElements(t *testing.T) {
	d := samples.Derby()
	var mark models.Mark
	for _, m := range d.Marks {
		mark = m
		break
	}
	pc := models.FindElem(d, mark.Piece).(models.Piece)
	c, ids := canvas.PasteElements([]models.Elem{pc, mark}, models.Pt(5, -5))
	next := roundTrip(t, d, c)
	np := models.FindElem(next, ids[0]).(models.Piece)
	nm := models.FindElem(next, ids[1]).(models.Mark)
	if nm.Piece != np.ID {
		t.Fatalf("pasted mark is on %s, want the pasted piece %s", nm.Piece, np.ID)
	}
	if np.Outline.Points[0] != models.Pt(pc.Outline.Points[0].X+5, pc.Outline.Points[0].Y-5) {
		t.Fatal("pasted piece not offset")
	}
	if len(next.Pieces) != len(d.Pieces)+1 || len(next.Marks) != len(d.Marks)+1 {
		t.Fatal("paste added the wrong number of elements")
	}
}

// A line mirrored about the centre line crosses to the other side of the
// top line: a point at height h below it lands h above it, a point on it
// stays, and mirroring twice gives the line back.
func TestMirrorLines(t *testing.T) {
	d := samples.Derby()
	g, _ := canvas.NewLastGeometry(d.Last)
	B := d.Last.BottomLength
	on := g.TopAt(0.7 * B)
	below := models.Pt(0.6*B, g.TopAt(0.6*B).Y-20)
	sl := models.StyleLine{ID: "00000000000000c1", Name: "half vamp", Kind: models.LineStyle, Path: canvas.StraightPath(below, on)}
	d.StyleLines = append(d.StyleLines, sl)
	c, ids, err := canvas.MirrorLines(d, []models.ID{sl.ID})
	if err != nil {
		t.Fatal(err)
	}
	next := roundTrip(t, d, c)
	m := models.FindElem(next, ids[0]).(models.StyleLine)
	pts := m.Path.Points
	// Reversed: the mirrored line starts where the original ends.
	if canvas.Dist(pts[0], on) > 0.01 {
		t.Errorf("the point on the centre line moved to %v", pts[0])
	}
	end := pts[len(pts)-1]
	if end.Y <= g.TopAt(end.X).Y {
		t.Errorf("mirrored point %v is not above the top line", end)
	}
	c2, ids2, err := canvas.MirrorLines(next, ids)
	if err != nil {
		t.Fatal(err)
	}
	twice := models.FindElem(roundTrip(t, next, c2), ids2[0]).(models.StyleLine)
	for i, p := range twice.Path.Points {
		if canvas.Dist(p, sl.Path.Points[i]) > 0.05 {
			t.Fatalf("mirrored twice, point %d is %v, was %v", i, p, sl.Path.Points[i])
		}
	}
	if _, _, err := canvas.MirrorLines(d, nil); err == nil {
		t.Fatal("mirroring nothing succeeded")
	}
}
