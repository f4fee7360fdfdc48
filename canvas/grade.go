package canvas

import (
	"fmt"
	"math"

	"cordwain/models"
)

// GradeRule is how much a last grows per whole size of a system, mm.
// Heel height and toe spring are held constant across a size group.
type GradeRule struct {
	Length     float64 // bottom (and stick) length
	Girth      float64 // ball girth; waist, instep and heel girths in proportion
	BallWidth  float64 // heel width in proportion
	BackHeight float64 // back height and collar
}

// RuleFor gives the grading increments of a size system (DOMAIN.md): EU
// 6.67 mm length and 5 mm girth a size; UK and US 8.47 and 6.35; CN (GB/T
// 3293, 10 mm a size) 10 and 7. Ball width grows about 2 mm and back height
// 1 mm per EU/UK/US size, in proportion for CN.
func RuleFor(sys models.SizeSystem) GradeRule {
	switch sys {
	case models.SizeEU:
		return GradeRule{Length: ParisPoint, Girth: 5, BallWidth: 2, BackHeight: 1}
	case models.SizeUK, models.SizeUSMen, models.SizeUSWomen:
		return GradeRule{Length: Barleycorn, Girth: 6.35, BallWidth: 2, BackHeight: 1}
	}
	return GradeRule{Length: 10, Girth: 7, BallWidth: 3, BackHeight: 1.5}
}

// GradeLast grades a last by steps whole sizes (negative for smaller,
// fractional for half sizes) under rule r.
func GradeLast(l models.Last, r GradeRule, steps float64) models.Last {
	g := l
	if l.BottomLength > 0 {
		g.BottomLength = l.BottomLength + steps*r.Length
		g.StickLength = l.StickLength * g.BottomLength / l.BottomLength
	}
	dg := steps * r.Girth
	g.BallGirth = l.BallGirth + dg
	if l.BallGirth > 0 {
		g.WaistGirth = l.WaistGirth + dg*l.WaistGirth/l.BallGirth
		g.InstepGirth = l.InstepGirth + dg*l.InstepGirth/l.BallGirth
		g.HeelGirth = l.HeelGirth + dg*l.HeelGirth/l.BallGirth
	}
	dw := steps * r.BallWidth
	g.BallWidth = l.BallWidth + dw
	if l.BallWidth > 0 {
		g.HeelWidth = l.HeelWidth + dw*l.HeelWidth/l.BallWidth
	}
	g.BackHeight = l.BackHeight + steps*r.BackHeight
	// Held: heel height, toe spring, toe shape, fitting.
	return g
}

// GradeFactors are the scale factors that carry the base size's mean form
// drawing to a graded size: X along the last (length), Y across it (girth),
// about the grade centre, the heel point at the mean form's origin.
type GradeFactors struct {
	Steps float64
	X, Y  float64
}

// DesignGradeFactors works out the steps and factors for a target size
// (foot length in mm) of a design.
func DesignGradeFactors(d *models.Design, targetFoot float64) (GradeFactors, models.Last, error) {
	if d == nil {
		return GradeFactors{}, models.Last{}, fmt.Errorf("grade: no design")
	}
	if math.IsNaN(targetFoot) || math.IsInf(targetFoot, 0) || targetFoot <= 0 {
		return GradeFactors{}, models.Last{}, fmt.Errorf("grade to size %g mm: want a foot length > 0", targetFoot)
	}
	base := d.Meta.BaseSize
	if !(base > 0) {
		return GradeFactors{}, models.Last{}, fmt.Errorf("grade: design has no base size")
	}
	steps, err := SizeSteps(d.Meta.SizeSystem, base, targetFoot)
	if err != nil {
		return GradeFactors{}, models.Last{}, fmt.Errorf("grade to %g mm: %w", targetFoot, err)
	}
	l := GradeLast(d.Last, RuleFor(d.Meta.SizeSystem), steps)
	if err := ValidateLast(l); err != nil {
		return GradeFactors{}, models.Last{}, fmt.Errorf("grade to %g mm: %w", targetFoot, err)
	}
	f := GradeFactors{Steps: steps, X: 1, Y: 1}
	if d.Last.BottomLength > 0 {
		f.X = l.BottomLength / d.Last.BottomLength
	}
	// Mean form heights are half girth less half width.
	if h0 := d.Last.BallGirth - d.Last.BallWidth; h0 > 0 {
		f.Y = (l.BallGirth - l.BallWidth) / h0
	}
	return f, l, nil
}

func gradePt(p Point, f GradeFactors) Point { return models.Pt(p.X*f.X, p.Y*f.Y) }

func gradePath(p models.Path, f GradeFactors) models.Path {
	out := models.Path{Closed: p.Closed, Points: make([]Point, len(p.Points))}
	for i, pt := range p.Points {
		out.Points[i] = gradePt(pt, f)
	}
	return out
}

// GradeDesign returns a graded copy of d for a target size (foot length,
// mm): the last graded by the design's size system, and style lines,
// pieces and marks scaled by separate length and girth factors about the
// grade centre (the heel point). Allowances, hole sizes and Meta are not
// graded. Grading to the base size gives an equal copy.
func GradeDesign(d *models.Design, targetFoot float64) (*models.Design, error) {
	f, l, err := DesignGradeFactors(d, targetFoot)
	if err != nil {
		return nil, err
	}
	g := CloneDesign(d)
	if f.Steps == 0 {
		return g, nil
	}
	g.Last = l
	for i := range g.StyleLines {
		g.StyleLines[i].Path = gradePath(g.StyleLines[i].Path, f)
	}
	for i := range g.Pieces {
		g.Pieces[i].Outline = gradePath(g.Pieces[i].Outline, f)
	}
	for i := range g.Marks {
		g.Marks[i].At = gradePt(g.Marks[i].At, f)
	}
	for i := range g.Dimensions {
		g.Dimensions[i].A, g.Dimensions[i].B = gradePt(g.Dimensions[i].A, f), gradePt(g.Dimensions[i].B, f)
	}
	return g, nil
}

// GradeRun grades d to every size of its run, in order.
func GradeRun(d *models.Design) ([]*models.Design, error) {
	out := make([]*models.Design, 0, len(d.Meta.SizeRun))
	for _, s := range d.Meta.SizeRun {
		g, err := GradeDesign(d, s)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// CloneDesign is a deep copy of d: no slice or map is shared.
func CloneDesign(d *models.Design) *models.Design {
	g := *d
	g.Meta.SizeRun = append([]float64(nil), d.Meta.SizeRun...)
	if d.Meta.PairsPerCarton != nil {
		g.Meta.PairsPerCarton = make(map[string]int, len(d.Meta.PairsPerCarton))
		for k, v := range d.Meta.PairsPerCarton {
			g.Meta.PairsPerCarton[k] = v
		}
	}
	g.StyleLines = append([]models.StyleLine(nil), d.StyleLines...)
	for i := range g.StyleLines {
		g.StyleLines[i].Path.Points = append([]Point(nil), d.StyleLines[i].Path.Points...)
	}
	g.Pieces = append([]models.Piece(nil), d.Pieces...)
	for i := range g.Pieces {
		p := &g.Pieces[i]
		p.Outline.Points = append([]Point(nil), d.Pieces[i].Outline.Points...)
		p.Edges = append([]models.AllowanceKind(nil), d.Pieces[i].Edges...)
		p.Lines = append([]models.ID(nil), d.Pieces[i].Lines...)
	}
	g.Marks = append([]models.Mark(nil), d.Marks...)
	g.Materials = append([]models.Material(nil), d.Materials...)
	g.Dimensions = append([]models.Dimension(nil), d.Dimensions...)
	g.Underlays = append([]models.Underlay(nil), d.Underlays...)
	// Images are shared: nothing changes their bytes in place.
	g.Images = append([]models.Image(nil), d.Images...)
	g.Colourways = append([]models.Colourway(nil), d.Colourways...)
	for i := range g.Colourways {
		parts := make(map[models.ID]models.ColourwayPart, len(d.Colourways[i].Parts))
		for k, v := range d.Colourways[i].Parts {
			parts[k] = v
		}
		g.Colourways[i].Parts = parts
	}
	return &g
}
