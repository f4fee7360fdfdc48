package canvas

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"cordwain/models"
)

// FieldError is one invalid measurement: the field (the models.Last JSON
// name, e.g. "ball_girth") and a message fit to show next to it in the UI.
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// ErrInvalidLast is what a [FieldErrors] from [ValidateLast] matches with
// errors.Is.
var ErrInvalidLast = errors.New("invalid last measurements")

// FieldErrors lists every invalid measurement of a last at once, so the
// designer sees all of them, not one per try.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid last: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidLast) true.
func (es FieldErrors) Unwrap() error { return ErrInvalidLast }

// Field returns the message for one field, or "" when it is valid.
func (es FieldErrors) Field(name string) string {
	for _, e := range es {
		if e.Field == name {
			return e.Msg
		}
	}
	return ""
}

// ValidateLast checks a last's measurements, each against a plausible range
// and against the others (ratios that real lasts keep). It returns nil or a
// [FieldErrors].
func ValidateLast(l models.Last) error {
	var es FieldErrors
	bad := func(field, format string, args ...any) {
		es = append(es, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	type rng struct {
		field    string
		v        float64
		min, max float64
	}
	ranges := []rng{
		{"bottom_length", l.BottomLength, 100, 380},
		{"stick_length", l.StickLength, 90, 380},
		{"ball_girth", l.BallGirth, 100, 340},
		{"ball_width", l.BallWidth, 40, 140},
		{"waist_girth", l.WaistGirth, 90, 340},
		{"instep_girth", l.InstepGirth, 100, 360},
		{"heel_girth", l.HeelGirth, 150, 480},
		{"heel_width", l.HeelWidth, 25, 100},
		{"heel_height", l.HeelHeight, 0, 130},
		{"toe_spring", l.ToeSpring, 0, 45},
		{"back_height", l.BackHeight, 25, 120},
	}
	ok := map[string]bool{}
	for _, r := range ranges {
		switch {
		case math.IsNaN(r.v) || math.IsInf(r.v, 0):
			bad(r.field, "must be a number")
		case r.v < 0:
			bad(r.field, "must not be negative (%.1f mm)", r.v)
		case r.v < r.min || r.v > r.max:
			bad(r.field, "%.1f mm is out of range %.0f–%.0f mm", r.v, r.min, r.max)
		default:
			ok[r.field] = true
		}
	}
	all := func(fields ...string) bool {
		for _, f := range fields {
			if !ok[f] {
				return false
			}
		}
		return true
	}
	if all("bottom_length", "stick_length", "heel_height") {
		switch {
		case l.StickLength > l.BottomLength:
			bad("stick_length", "%.1f mm is longer than the bottom length %.1f mm", l.StickLength, l.BottomLength)
		case l.BottomLength-l.StickLength > 12+0.6*l.HeelHeight:
			bad("stick_length", "%.1f mm is too short for bottom length %.1f mm at heel height %.0f mm (at least %.1f mm)",
				l.StickLength, l.BottomLength, l.HeelHeight, l.BottomLength-12-0.6*l.HeelHeight)
		}
	}
	if all("ball_girth", "bottom_length") {
		if r := l.BallGirth / l.BottomLength; r < 0.72 || r > 1.1 {
			bad("ball_girth", "%.1f mm is out of ratio with the bottom length (%.2f×, want 0.72–1.10×)", l.BallGirth, r)
		}
	}
	if all("ball_width", "ball_girth") {
		if r := l.BallWidth / l.BallGirth; r < 0.3 || r > 0.45 {
			bad("ball_width", "%.1f mm is out of ratio with the ball girth (%.2f×, want 0.30–0.45×)", l.BallWidth, r)
		}
	}
	if all("waist_girth", "ball_girth") {
		if l.WaistGirth < l.BallGirth-30 || l.WaistGirth > l.BallGirth+12 {
			bad("waist_girth", "%.1f mm should be within −30…+12 mm of the ball girth %.1f mm", l.WaistGirth, l.BallGirth)
		}
	}
	if all("instep_girth", "waist_girth") {
		if l.InstepGirth < l.WaistGirth-5 || l.InstepGirth > l.WaistGirth+40 {
			bad("instep_girth", "%.1f mm should be within −5…+40 mm of the waist girth %.1f mm", l.InstepGirth, l.WaistGirth)
		}
	}
	if all("heel_girth", "instep_girth") {
		if l.HeelGirth < l.InstepGirth+35 || l.HeelGirth > l.InstepGirth+130 {
			bad("heel_girth", "%.1f mm should be 35–130 mm more than the instep girth %.1f mm", l.HeelGirth, l.InstepGirth)
		}
	}
	if all("heel_width", "ball_width") {
		if r := l.HeelWidth / l.BallWidth; r < 0.5 || r > 0.85 {
			bad("heel_width", "%.1f mm is out of ratio with the ball width (%.2f×, want 0.50–0.85×)", l.HeelWidth, r)
		}
	}
	if all("back_height", "bottom_length") && l.BackHeight > 0.45*l.BottomLength {
		bad("back_height", "%.1f mm is too high for a %.0f mm last (at most %.1f mm)", l.BackHeight, l.BottomLength, 0.45*l.BottomLength)
	}
	switch l.ToeShape {
	case "", models.ToeRound, models.ToeAlmond, models.ToeSquare, models.ToePointed:
	default:
		bad("toe_shape", "unknown toe shape %q (round, almond, square, pointed)", l.ToeShape)
	}
	if l.WidthFitting < 0 || l.WidthFitting > 5 {
		bad("width_fitting", "type %d: want 1–5, or 0 when not used", l.WidthFitting)
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// Key point names of a [LastGeometry].
const (
	KeyHeel        = "heel"         // heel point: back of the featherline
	KeyToe         = "toe"          // toe point: front of the featherline
	KeyBallMedial  = "ball_medial"  // first metatarsal joint, on the featherline
	KeyBallLateral = "ball_lateral" // fifth metatarsal joint, on the featherline
	KeyInstep      = "instep"       // instep point on the top line
	KeyVamp        = "vamp"         // vamp point: front of the throat, on the top line
	KeyBackHeight  = "back_height"  // back height point on the back curve
	KeyBackTop     = "back_top"     // top of the last's back curve
	KeyCone        = "cone"         // top of the cone
	KeyBall        = "ball"         // top of the ball section on the top line
)

// LastGeometry is the geometry generated from a last's measurements, all in
// mm. Side profiles have x along the ground from the heel to the toe and y up
// from the ground; the bottom and top views have x from heel to toe and y
// towards the medial side; the back view has x across (lateral to the right)
// and y up; the mean form has x from the heel point along the featherline to
// the toe point and y up from the featherline.
type LastGeometry struct {
	Last models.Last

	Lateral models.Path // lateral side profile, closed
	Medial  models.Path // medial side profile (same frame, toe to +x), closed
	Bottom  models.Path // insole (bottom) outline, closed, BottomLength long
	Top     models.Path // top view outline, closed, StickLength long
	Back    models.Path // back view outline of the heel part, closed
	// MeanForm is the flattened, averaged upper shell on which style lines
	// and pieces are drawn, closed.
	MeanForm models.Path
	// Featherline is the mean form's bottom edge from heel point to toe
	// point; TopLine its centre line from the back top to the toe point;
	// BackCurve from the heel point up to the back top.
	Featherline, TopLine, BackCurve models.Path

	// Points are the key points on the mean form by the Key* names;
	// ProfilePoints the same points on the lateral profile.
	Points        map[string]Point
	ProfilePoints map[string]Point

	mf, lat, med patch
	heelR        float64
	// topMed, topLat tabulate the top outline's edges (see topEdges).
	topMed, topLat      []float64
	backRight           []Cubic
	ballHeight, maxHigh float64
}

// patch is a Coons patch over three boundary chains of equal structure:
// bottom (heel → toe), top (back top → toe) and back (heel → back top).
// It gives each view its own shape while one (s, w) parameter names the
// same place on the mean form and on a profile, so style lines drawn on
// the mean form land where they belong on the side views.
type patch struct {
	bottom, top, back []Cubic
	// b0, t0 are chainAt(bottom, 0) and chainAt(top, 0); the ends hold
	// what chainAt recomputes beyond each chain's ends (see chainEndsOf).
	b0, t0                        Point
	bottomEnds, topEnds, backEnds chainEnds
}

// chainEnds is what chainAt works out to extend a chain beyond its ends:
// the unit end tangents and the end segments' lengths times the number
// of segments. Kept with a patch, it spares an arc length per evaluation
// off the chain (a lasting margin below the featherline, a tongue above
// the top line).
type chainEnds struct {
	d0, d1 Point
	l0, l1 float64
}

func chainEndsOf(c []Cubic) chainEnds {
	n := len(c)
	if n == 0 {
		return chainEnds{}
	}
	d0 := unit(c[0].Deriv(0))
	if norm(d0) == 0 {
		d0 = unit(sub(c[0][3], c[0][0]))
	}
	d1 := unit(c[n-1].Deriv(1))
	if norm(d1) == 0 {
		d1 = unit(sub(c[n-1][3], c[n-1][0]))
	}
	return chainEnds{d0: d0, d1: d1, l0: c[0].Length(1) * float64(n), l1: c[n-1].Length(1) * float64(n)}
}

// chainAtEnds is chainAt(c, s) with e = chainEndsOf(c): the same numbers.
func chainAtEnds(c []Cubic, e *chainEnds, s float64) Point {
	n := len(c)
	switch {
	case n == 0:
		return Point{}
	case s < 0:
		return add(c[0][0], mul(e.d0, s*e.l0))
	case s > 1:
		return add(c[n-1][3], mul(e.d1, (s-1)*e.l1))
	}
	f := s * float64(n)
	i := int(f)
	if i >= n {
		i = n - 1
	}
	return c[i].At(f - float64(i))
}

// chainAt evaluates a Bézier chain at s ∈ [0, 1], segments weighted
// equally, extending linearly along the end tangents outside [0, 1].
func chainAt(c []Cubic, s float64) Point {
	n := len(c)
	switch {
	case n == 0:
		return Point{}
	case s < 0:
		d := unit(c[0].Deriv(0))
		if norm(d) == 0 {
			d = unit(sub(c[0][3], c[0][0]))
		}
		l := c[0].Length(1) * float64(n)
		return add(c[0][0], mul(d, s*l))
	case s > 1:
		d := unit(c[n-1].Deriv(1))
		if norm(d) == 0 {
			d = unit(sub(c[n-1][3], c[n-1][0]))
		}
		l := c[n-1].Length(1) * float64(n)
		return add(c[n-1][3], mul(d, (s-1)*l))
	}
	f := s * float64(n)
	i := int(f)
	if i >= n {
		i = n - 1
	}
	return c[i].At(f - float64(i))
}

// at evaluates the patch at (s, w): s runs heel → toe, w featherline → top.
func (p *patch) at(s, w float64) Point {
	return p.atBT(chainAtEnds(p.bottom, &p.bottomEnds, s), chainAtEnds(p.top, &p.topEnds, s), s, w)
}

// atBT is at(s, w) given b and t, the bottom and top chains at s.
func (p *patch) atBT(b, t Point, s, w float64) Point {
	k := chainAtEnds(p.back, &p.backEnds, w)
	// Coons: ruled in w, plus the back curve's departure from the straight
	// heel–back-top line, fading towards the toe; the front edge is the toe
	// point itself.
	ruled := lerp(b, t, w)
	backDev := sub(k, lerp(p.b0, p.t0, w))
	return add(ruled, mul(backDev, (1-s)*(1-s)))
}

// invert finds (s, w) with p.at(s, w) ≈ q by damped Newton steps. When
// ok, at is p.at(s, w).
func (p *patch) invert(q Point, s, w float64) (ss, ww float64, at Point, ok bool) {
	const h = 1e-4
	for it := 0; it < 30; it++ {
		// at(s, w), at(s, w+h) and at(s, w-h) share the chains at s.
		cb, ct := chainAtEnds(p.bottom, &p.bottomEnds, s), chainAtEnds(p.top, &p.topEnds, s)
		a0 := p.atBT(cb, ct, s, w)
		f := sub(a0, q)
		if norm(f) < 1e-6 {
			return s, w, a0, true
		}
		ds := mul(sub(p.at(s+h, w), p.at(s-h, w)), 1/(2*h))
		dw := mul(sub(p.atBT(cb, ct, s, w+h), p.atBT(cb, ct, s, w-h)), 1/(2*h))
		det := cross(ds, dw)
		if math.Abs(det) < 1e-12 {
			return s, w, a0, true
		}
		// Solve [ds dw]·[a b]ᵀ = f.
		a := cross(f, dw) / det
		b := cross(ds, f) / det
		// Damp long steps: the patch is only near-linear locally.
		if m := math.Max(math.Abs(a), math.Abs(b)); m > 0.2 {
			a, b = a*0.2/m, b*0.2/m
		}
		s, w = s-a, w-b
	}
	return s, w, Point{}, false
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// knotSpec lists the knots of the three boundary chains and their end
// tangents; bottom and top end on the same toe point.
type knotSpec struct {
	bottom, top, back  []Point
	bottomT0, bottomT1 Point
	topT0, topT1       Point
	backT0, backT1     Point
}

// chain builds a smooth Bézier chain through knots: tangents from the
// neighbours (a cardinal spline with chord-length handles, which does not
// overshoot into loops), with optional fixed end tangents.
func chain(knots []Point, t0, t1 Point) []Cubic {
	n := len(knots)
	if n < 2 {
		return nil
	}
	tan := make([]Point, n)
	for i := range knots {
		switch {
		case i == 0:
			tan[i] = unit(sub(knots[1], knots[0]))
			if norm(t0) > 0 {
				tan[i] = unit(t0)
			}
		case i == n-1:
			tan[i] = unit(sub(knots[n-1], knots[n-2]))
			if norm(t1) > 0 {
				tan[i] = unit(t1)
			}
		default:
			a, b := unit(sub(knots[i], knots[i-1])), unit(sub(knots[i+1], knots[i]))
			tan[i] = unit(add(a, b))
		}
	}
	out := make([]Cubic, n-1)
	for i := 0; i+1 < n; i++ {
		l := dist(knots[i], knots[i+1]) / 3
		out[i] = Cubic{knots[i], add(knots[i], mul(tan[i], l)), sub(knots[i+1], mul(tan[i+1], l)), knots[i+1]}
	}
	return out
}

func reverseChain(c []Cubic) []Cubic {
	out := make([]Cubic, len(c))
	for i, cu := range c {
		out[len(c)-1-i] = Cubic{cu[3], cu[2], cu[1], cu[0]}
	}
	return out
}

// pathOf joins chains into one model path.
func pathOf(closed bool, chains ...[]Cubic) models.Path {
	var p models.Path
	for _, c := range chains {
		for _, cu := range c {
			if len(p.Points) == 0 {
				p.Points = append(p.Points, cu[0])
			}
			p.Points = append(p.Points, cu[1], cu[2], cu[3])
		}
	}
	p.Closed = closed
	if closed && len(p.Points) > 0 {
		p.Points[len(p.Points)-1] = p.Points[0]
	}
	return p
}

func (k *knotSpec) patch() patch {
	p := patch{
		bottom: chain(k.bottom, k.bottomT0, k.bottomT1),
		top:    chain(k.top, k.topT0, k.topT1),
		back:   chain(k.back, k.backT0, k.backT1),
	}
	p.b0, p.t0 = chainAt(p.bottom, 0), chainAt(p.top, 0)
	p.bottomEnds, p.topEnds, p.backEnds = chainEndsOf(p.bottom), chainEndsOf(p.top), chainEndsOf(p.back)
	return p
}

// outline is the closed outline heel → back → top → toe → bottom → heel.
func (p *patch) outline() models.Path {
	return pathOf(true, p.back, p.top, reverseChain(p.bottom))
}

// sectionHeight is the height of a last cross-section with the given girth
// and bottom width, modelled as a half ellipse standing on its bottom:
// girth = width + half the ellipse perimeter (Ramanujan).
func sectionHeight(girth, width float64) float64 {
	a := width / 2
	half := func(b float64) float64 {
		return math.Pi / 2 * (3*(a+b) - math.Sqrt((3*a+b)*(a+3*b)))
	}
	lo, hi := 1.0, girth
	for i := 0; i < 50; i++ {
		mid := (lo + hi) / 2
		if width+half(mid) < girth {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// Station positions along the last, as fractions of its length (heel 0,
// toe 1): where trade practice puts the sections.
const (
	fracSeat     = 0.20
	fracShank    = 0.42
	fracVamp     = 0.60
	fracBall     = 0.68 // mean of the medial (0.72) and lateral (0.635) joints
	fracBallMed  = 0.72
	fracBallLat  = 0.635
	fracToeTread = 0.84
	fracCone     = 0.28
)

// toeParams gives, per toe shape, where the top line's last knot before the
// toe sits (fraction of length) and its height as a fraction of the ball
// height, the toe point height, and the half width near the tip.
func toeParams(s models.ToeShape) (frac, height, tipHalf, tipFrac float64) {
	switch s {
	case models.ToeSquare:
		return 0.92, 0.62, 0.26, 0.975
	case models.ToePointed:
		return 0.88, 0.47, 0.14, 0.95
	case models.ToeAlmond:
		return 0.89, 0.50, 0.18, 0.96
	}
	return 0.90, 0.55, 0.24, 0.965
}

// NewLastGeometry validates l and generates its geometry.
func NewLastGeometry(l models.Last) (*LastGeometry, error) {
	if err := ValidateLast(l); err != nil {
		return nil, fmt.Errorf("last geometry: %w", err)
	}
	g := &LastGeometry{Last: l}
	B, L := l.BottomLength, l.StickLength
	H, S := l.HeelHeight, l.ToeSpring
	scale := B / 270

	ballH := sectionHeight(l.BallGirth, l.BallWidth)
	instepH := 0.88 * sectionHeight(l.InstepGirth, 0.66*l.BallWidth)
	g.ballHeight = ballH
	toeFrac, toeHeight, tipHalf, tipFrac := toeParams(l.ToeShape)

	// Mean form heights: half girth less half the bottom width, i.e. the
	// surface distance from featherline to top centre line.
	vBall := (l.BallGirth - l.BallWidth) / 2
	vWaist := (l.WaistGirth - 0.78*l.BallWidth) / 2
	vInstep := (l.InstepGirth - 0.66*l.BallWidth) / 2
	vCone := vInstep * 1.04
	backTop := l.BackHeight + 22*scale
	if backTop > vCone-4 {
		backTop = vCone - 4
	}
	// The long heel girth runs from the heel point over the instep point:
	// it places the instep along the last.
	diag := l.HeelGirth / 2.25
	instepFrac := 0.46
	if diag > vInstep {
		instepFrac = math.Sqrt(diag*diag-vInstep*vInstep) / B
	}
	instepFrac = math.Max(0.40, math.Min(0.54, instepFrac))
	toeV := 4 * scale

	mf := knotSpec{
		bottom: []Point{
			models.Pt(0, 0), models.Pt(fracSeat*B, -1.2*scale), models.Pt(fracShank*B, -3*scale),
			models.Pt(fracVamp*B, -2.4*scale), models.Pt(fracBall*B, -1.6*scale),
			models.Pt(fracToeTread*B, -0.4*scale), models.Pt(B, toeV),
		},
		top: []Point{
			models.Pt(7*scale, backTop), models.Pt(fracCone*B, vCone), models.Pt(instepFrac*B, vInstep),
			models.Pt(fracVamp*B, vWaist), models.Pt(fracBall*B, vBall),
			models.Pt(toeFrac*B, toeHeight*vBall), models.Pt(B, toeV),
		},
		back: []Point{
			models.Pt(0, 0), models.Pt(-3.5*scale, 0.3*l.BackHeight), models.Pt(0.5*scale, l.BackHeight),
			models.Pt(7*scale, backTop),
		},
		bottomT1: models.Pt(0, 1), topT0: models.Pt(1, 0.15), topT1: models.Pt(0, -1),
		backT0: models.Pt(-0.35, 1), backT1: models.Pt(0.4, 1),
	}
	// Side profile: the bottom curve with the heel seat raised by the heel
	// height and the toe lifted by the toe spring, section heights stacked
	// on it.
	yb := func(frac float64) float64 {
		// Height of the bottom curve: seat, shank S-curve, tread, spring.
		switch {
		case frac <= fracSeat:
			return H - 0.08*H*frac/fracSeat
		case frac <= fracBall:
			u := (frac - fracSeat) / (fracBall - fracSeat)
			e := 0.5 - 0.5*math.Cos(math.Pi*u) // smooth step
			return 0.92 * H * (1 - e)
		default:
			u := (frac - fracBall) / (1 - fracBall)
			return S * u * u * 0.85
		}
	}
	toeThick := 0.5 * ballH
	if l.ToeShape == models.ToePointed {
		toeThick = 0.4 * ballH
	}
	profile := func(arch float64) knotSpec {
		return knotSpec{
			bottom: []Point{
				models.Pt(2*scale, H), models.Pt(fracSeat*L, yb(fracSeat)), models.Pt(fracShank*L, yb(fracShank)+arch),
				models.Pt(fracVamp*L, yb(fracVamp)+arch*0.5), models.Pt(fracBall*L, 0),
				models.Pt(fracToeTread*L, yb(fracToeTread)), models.Pt(L, S+0.3*toeThick),
			},
			top: []Point{
				models.Pt(9*scale, H+backTop+4*scale), models.Pt(fracCone*L, yb(fracCone)+instepH*1.16),
				models.Pt(instepFrac*L, yb(instepFrac)+instepH),
				models.Pt(fracVamp*L, yb(fracVamp)+0.5*(instepH+ballH)+2*scale), models.Pt(fracBall*L, ballH*1.04),
				models.Pt(toeFrac*L, yb(toeFrac)+toeThick*(0.75+0.5*toeHeight)), models.Pt(L, S+0.3*toeThick),
			},
			back: []Point{
				models.Pt(2*scale, H), models.Pt(-2*scale, H+0.3*l.BackHeight), models.Pt(1.5*scale, H+l.BackHeight),
				models.Pt(9*scale, H+backTop+4*scale),
			},
			bottomT1: models.Pt(0, 1), topT0: models.Pt(1, 0.08), topT1: models.Pt(0, -1),
			backT0: models.Pt(-0.3, 1), backT1: models.Pt(0.35, 1),
		}
	}
	mfSpec, latSpec, medSpec := mf, profile(0), profile(7*scale*(1-H/160))
	g.mf, g.lat, g.med = mfSpec.patch(), latSpec.patch(), medSpec.patch()
	g.MeanForm = g.mf.outline()
	g.Lateral = g.lat.outline()
	g.Medial = g.med.outline()
	g.Featherline = pathOf(false, g.mf.bottom)
	g.TopLine = pathOf(false, g.mf.top)
	g.BackCurve = pathOf(false, g.mf.back)

	// Plan views. Half widths at stations, medial (+y) and lateral (−y).
	bw, hw := l.BallWidth, l.HeelWidth/2
	type station struct{ frac, med, lat float64 }
	plan := []station{
		{0.04, 0.72 * hw, 0.72 * hw},
		{0.16, hw, hw},
		{0.30, 0.93 * hw, 0.98 * hw},
		{fracShank, 0.26 * bw, 0.36 * bw},
		{0.56, 0.36 * bw, 0.45 * bw},
		{fracBallLat, 0.43 * bw, 0.54 * bw},
		{fracBallMed, 0.46 * bw, 0.52 * bw},
		{0.84, 0.42 * bw, 0.40 * bw},
		{tipFrac - 0.04, (tipHalf + 0.12) * bw, (tipHalf + 0.04) * bw},
	}
	tipY := 0.06 * bw // toes lean to the medial side
	planPath := func(length, widen float64) models.Path {
		var med, lat []Point
		med = append(med, models.Pt(0, 0))
		lat = append(lat, models.Pt(0, 0))
		for _, st := range plan {
			med = append(med, models.Pt(st.frac*length, st.med+widen))
			lat = append(lat, models.Pt(st.frac*length, -st.lat-widen))
		}
		tip := models.Pt(length, tipY)
		if l.ToeShape == models.ToeSquare {
			// Two rounded corners and a near-straight front.
			med = append(med, models.Pt(tipFrac*length+0.02*length, tipY+tipHalf*bw*0.75))
			lat = append(lat, models.Pt(tipFrac*length+0.02*length, tipY-tipHalf*bw*0.75))
		}
		med = append(med, tip)
		lat = append(lat, tip)
		var tipT1m, tipT1l Point
		switch l.ToeShape {
		case models.ToePointed:
			tipT1m, tipT1l = models.Pt(0.75, -1), models.Pt(0.75, 1)
		default:
			tipT1m, tipT1l = models.Pt(0, -1), models.Pt(0, 1)
		}
		mc := chain(med, models.Pt(0, 1), tipT1m)
		lc := chain(lat, models.Pt(0, -1), tipT1l)
		return pathOf(true, mc, reverseChain(lc))
	}
	g.Bottom = planPath(B, 0)
	g.Top = planPath(L, 3*scale)
	g.tabulateTop()

	// Back view of the heel part of the last, lateral to +x.
	g.heelR = hw + 2*scale
	top := H + backTop + 4*scale
	half := []Point{
		models.Pt(0, H), models.Pt(0.85*hw, H+1*scale), models.Pt(hw+2.5*scale, H+0.3*l.BackHeight),
		models.Pt(0.82*hw, H+l.BackHeight), models.Pt(0.62*hw, top-4*scale), models.Pt(0, top),
	}
	right := chain(half, models.Pt(1, 0), models.Pt(-1, 0))
	g.backRight = right
	var mirrored []Point
	for i := len(half) - 1; i >= 0; i-- {
		mirrored = append(mirrored, models.Pt(-half[i].X, half[i].Y))
	}
	left := chain(mirrored, models.Pt(-1, 0), models.Pt(1, 0))
	g.Back = pathOf(true, right, left)
	g.maxHigh = top

	// Key points.
	onFeather := func(x float64) Point {
		s := x / B
		for i := 0; i < 30; i++ {
			p := chainAt(g.mf.bottom, s)
			s -= (p.X - x) / B
		}
		return chainAt(g.mf.bottom, s)
	}
	g.Points = map[string]Point{
		KeyHeel:        mf.bottom[0],
		KeyToe:         mf.bottom[len(mf.bottom)-1],
		KeyBallMedial:  onFeather(fracBallMed * B),
		KeyBallLateral: onFeather(fracBallLat * B),
		KeyInstep:      mf.top[2],
		KeyVamp:        mf.top[3],
		KeyBall:        mf.top[4],
		KeyCone:        mf.top[1],
		KeyBackHeight:  mf.back[2],
		KeyBackTop:     mf.back[3],
	}
	g.ProfilePoints = make(map[string]Point, len(g.Points))
	for k, p := range g.Points {
		g.ProfilePoints[k] = g.ToLateral(p)
	}
	return g, nil
}

// meanFormParams finds the patch parameters (s, w) of a mean form point.
// A point off the mean form (a piece edge a few millimetres past the
// featherline or the toe, as a designer drags it) is not extrapolated
// through the patch, whose edges meet at the toe and would magnify any
// overshoot: it maps like the nearest point on the form's edge, moved by
// the same offset (off) in the view, so the drawing stays continuous.
func (g *LastGeometry) meanFormParams(p Point) (s, w float64, off Point) {
	s0, w0 := g.guess(p)
	return g.settle(p, s0, w0, false, nil)
}

// guess is a starting point for inverting the patch at p.
func (g *LastGeometry) guess(p Point) (s, w float64) {
	s = clamp01(p.X / g.Last.BottomLength)
	top := chainAt(g.mf.top, s)
	w = 0.5
	if top.Y > 1 {
		w = clamp01(p.Y / top.Y)
	}
	return s, w
}

// settle inverts the mean form patch at p from (s0, w0); warm says the
// start came from a neighbouring point and may be retried cold. c, when not
// nil, is a cursor on g whose edge samples nearestEdge may read.
func (g *LastGeometry) settle(p Point, s0, w0 float64, warm bool, c *Cursor) (s, w float64, off Point) {
	// Across the featherline and the top line the patch extends smoothly
	// (a lasting margin below the featherline is drawn that way); beyond
	// the toe and the back, where its edges meet or turn, it does not.
	inside := func(s, w float64, at Point, ok bool) bool {
		if !ok {
			at = g.mf.at(s, w)
		}
		return s >= 0 && s <= 1 && w >= -1 && w <= 2 && dist(at, p) < 1e-3
	}
	var at Point
	var ok bool
	if s, w, at, ok = g.mf.invert(p, s0, w0); inside(s, w, at, ok) {
		return s, w, Point{}
	}
	if warm {
		gs, gw := g.guess(p)
		if s, w, at, ok = g.mf.invert(p, gs, gw); inside(s, w, at, ok) {
			return s, w, Point{}
		}
	}
	var es *edgeSamples
	if c != nil {
		es = c.edgeTable()
	}
	s, w = g.nearestEdge(p, es)
	return s, w, sub(p, g.mf.at(s, w))
}

// nearestEdgeSteps is how many steps the coarse scan of nearestEdge takes
// along each edge.
const nearestEdgeSteps = 96

// edgeSamples are the mean form's featherline, top line and back curve at
// the coarse scan's parameters i/nearestEdgeSteps: the same for every
// point, so a refit or a cursor works them out once.
type edgeSamples [3][nearestEdgeSteps + 1]Point

// edgeSamples tabulates the coarse scan of nearestEdge.
func (g *LastGeometry) edgeSamples() *edgeSamples {
	es := new(edgeSamples)
	const n = nearestEdgeSteps
	for i := 0; i <= n; i++ {
		t := clamp01(float64(i) / n)
		es[0][i] = g.mf.at(t, 0)
		es[1][i] = g.mf.at(t, 1)
		es[2][i] = g.mf.at(0, t)
	}
	return es
}

// nearestEdge finds the point of the mean form's outline (featherline,
// top line, back curve) nearest to p, as patch parameters. es, when not
// nil, is g.edgeSamples(): the coarse scan reads it.
func (g *LastGeometry) nearestEdge(p Point, es *edgeSamples) (s, w float64) {
	edges := []func(t float64) (float64, float64){
		func(t float64) (float64, float64) { return t, 0 }, // featherline
		func(t float64) (float64, float64) { return t, 1 }, // top line
		func(t float64) (float64, float64) { return 0, t }, // back curve
	}
	const n = nearestEdgeSteps
	// mf.at along each edge, with what stays the same along it worked out
	// once: the same numbers.
	mf := &g.mf
	b0, t0 := chainAtEnds(mf.bottom, &mf.bottomEnds, 0), chainAtEnds(mf.top, &mf.topEnds, 0)
	var dev [2]Point // the back curve's departure at w = 0 and w = 1
	for k := range dev {
		w := float64(k)
		dev[k] = sub(chainAtEnds(mf.back, &mf.backEnds, w), lerp(mf.b0, mf.t0, w))
	}
	atEdge := func(ei int, t float64) Point {
		if ei == 2 {
			return mf.atBT(b0, t0, 0, t)
		}
		w := float64(ei)
		b, tp := chainAtEnds(mf.bottom, &mf.bottomEnds, t), chainAtEnds(mf.top, &mf.topEnds, t)
		return add(lerp(b, tp, w), mul(dev[ei], (1-t)*(1-t)))
	}
	best := math.Inf(1)
	for ei, e := range edges {
		d := func(t float64) float64 { return dist(atEdge(ei, clamp01(t)), p) }
		bt, bd := 0.0, math.Inf(1)
		for i := 0; i <= n; i++ {
			var v float64
			if es != nil {
				v = dist(es[ei][i], p)
			} else {
				v = d(float64(i) / n)
			}
			if v < bd {
				bt, bd = float64(i)/n, v
			}
		}
		lo, hi := bt-1.0/n, bt+1.0/n
		for i := 0; i < 30; i++ { // golden-section refinement
			m1, m2 := hi-(hi-lo)*0.618, lo+(hi-lo)*0.618
			if d(m1) < d(m2) {
				hi = m2
			} else {
				lo = m1
			}
		}
		t := clamp01((lo + hi) / 2)
		if dt := d(t); dt < best {
			best = dt
			s, w = e(t)
		}
	}
	return s, w
}

// ToLateral maps a mean form point onto the lateral side profile.
func (g *LastGeometry) ToLateral(p Point) Point {
	s, w, off := g.meanFormParams(p)
	return add(g.lat.at(s, w), off)
}

// Cursor maps many nearby mean form points in a row (the points of one
// outline) faster than the To* methods: each inversion starts from the
// previous point's parameters. A Cursor is not safe for concurrent use.
type Cursor struct {
	g     *LastGeometry
	s, w  float64
	valid bool
	edges *edgeSamples // g.edgeSamples(), made when first needed
}

func (c *Cursor) params(p Point) (s, w float64, off Point) {
	if c.valid {
		s, w, off = c.g.settle(p, c.s, c.w, true, c)
	} else {
		s0, w0 := c.g.guess(p)
		s, w, off = c.g.settle(p, s0, w0, false, c)
	}
	c.s, c.w, c.valid = s, w, true
	return s, w, off
}

// coldParams is g.meanFormParams(p), reading the cursor's edge samples
// and leaving its place alone.
func (c *Cursor) coldParams(p Point) (s, w float64, off Point) {
	s0, w0 := c.g.guess(p)
	return c.g.settle(p, s0, w0, false, c)
}

func (c *Cursor) edgeTable() *edgeSamples {
	if c.edges == nil {
		c.edges = c.g.edgeSamples()
	}
	return c.edges
}

// NewCursor starts a cursor on g.
func (g *LastGeometry) NewCursor() *Cursor { return &Cursor{g: g} }

// Lateral is [LastGeometry.ToLateral].
func (c *Cursor) Lateral(p Point) Point { s, w, off := c.params(p); return add(c.g.lat.at(s, w), off) }

// Medial is [LastGeometry.ToMedial].
func (c *Cursor) Medial(p Point) Point { s, w, off := c.params(p); return add(c.g.med.at(s, w), off) }

// Top is [LastGeometry.ToTop].
func (c *Cursor) Top(p Point, medial bool) Point {
	s, w, off := c.params(p)
	return c.g.topAt(s, w, off, medial)
}

// Back is [LastGeometry.ToBack].
func (c *Cursor) Back(p Point, medial bool) (Point, bool) {
	s, w, _ := c.params(p)
	return c.g.backAt(p, s, w, medial)
}

// ToMedial maps a mean form point onto the medial side profile (same frame
// as the lateral, toe to +x; mirror it to draw the medial view).
func (g *LastGeometry) ToMedial(p Point) Point {
	s, w, off := g.meanFormParams(p)
	return add(g.med.at(s, w), off)
}

// ToTop maps a mean form point onto the top view, on the medial half when
// medial is set. The surface between featherline (w = 0, at the outline)
// and top line (w = 1, on the centre) is seen foreshortened.
func (g *LastGeometry) ToTop(p Point, medial bool) Point {
	s, w, off := g.meanFormParams(p)
	return g.topAt(s, w, off, medial)
}

func (g *LastGeometry) topAt(s, w float64, off Point, medial bool) Point {
	// The side profile's back curve bulges a few millimetres behind the
	// heel point, where the top outline starts: the back seam is seen at
	// the heel point. Only a point off the form lands off the outline, by
	// its offset.
	x := math.Max(0, math.Min(g.Last.StickLength, g.lat.at(s, w).X)) + off.X
	// Between the outline's edge (featherline, w = 0) and the centre
	// between the two edges (top line, w = 1), foreshortened: every point
	// on the form lands inside the outline the view draws.
	med, lat := g.topEdges(x)
	c := (med + lat) / 2
	e := lat
	if medial {
		e = med
	}
	ww := math.Max(0, math.Min(1, w))
	return models.Pt(x, c+(e-c)*math.Cos(ww*math.Pi/2))
}

// topEdgeSamples is how many stations along the stick length tabulate the
// top outline's two edges.
const topEdgeSamples = 512

// tabulateTop samples the top view outline's medial (+y) and lateral (−y)
// edges at evenly spaced x, so [LastGeometry.topEdges] reads the very
// outline the view draws.
func (g *LastGeometry) tabulateTop() {
	L := g.Last.StickLength
	ring := FlattenPath(g.Top, 0.05)
	n := topEdgeSamples
	g.topMed = make([]float64, n+1)
	g.topLat = make([]float64, n+1)
	for i := range g.topMed {
		g.topMed[i], g.topLat[i] = math.Inf(-1), math.Inf(1)
	}
	for k := range ring {
		a, b := ring[k], ring[(k+1)%len(ring)]
		if a.X > b.X {
			a, b = b, a
		}
		i0 := max(0, int(math.Ceil(a.X/L*float64(n))))
		i1 := min(n, int(math.Floor(b.X/L*float64(n))))
		for i := i0; i <= i1; i++ {
			x := float64(i) / float64(n) * L
			y := a.Y
			if b.X > a.X {
				y = a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
			}
			g.topMed[i] = math.Max(g.topMed[i], y)
			g.topLat[i] = math.Min(g.topLat[i], y)
		}
	}
	for i := range g.topMed {
		if math.IsInf(g.topMed[i], 0) || math.IsInf(g.topLat[i], 0) {
			g.topMed[i], g.topLat[i] = 0, 0
		}
	}
}

// topEdges is the y of the top outline's medial and lateral edges at x
// (both the tip's y beyond the toe, 0 behind the heel).
func (g *LastGeometry) topEdges(x float64) (med, lat float64) {
	n := len(g.topMed) - 1
	if n < 1 {
		return 0, 0
	}
	f := x / g.Last.StickLength * float64(n)
	switch {
	case f <= 0:
		return g.topMed[0], g.topLat[0]
	case f >= float64(n):
		return g.topMed[n], g.topLat[n]
	}
	i := int(f)
	t := f - float64(i)
	return g.topMed[i] + (g.topMed[i+1]-g.topMed[i])*t, g.topLat[i] + (g.topLat[i+1]-g.topLat[i])*t
}

// ToBack maps a mean form point onto the back view: the distance from the
// back seam wraps round the heel, seen from behind; ok is false for points
// round the side, out of sight.
func (g *LastGeometry) ToBack(p Point, medial bool) (q Point, ok bool) {
	s, w, _ := g.meanFormParams(p)
	return g.backAt(p, s, w, medial)
}

func (g *LastGeometry) backAt(p Point, s, w float64, medial bool) (q Point, ok bool) {
	side := g.lat.at(s, w)
	seam := g.lat.at(0, w)
	d := math.Max(0, side.X-seam.X) + math.Max(0, p.X)*0.15
	ang := d / g.heelR
	ok = ang <= math.Pi/2
	ang = math.Min(ang, math.Pi/2)
	// The featherline drops towards the shank in front of the seat; seen
	// from behind, that part is hidden by the heel, so it is drawn on the
	// seat's edge rather than below the last.
	y := math.Max(side.Y, g.Last.HeelHeight)
	x := g.backHalfWidth(y) * math.Sin(ang)
	if medial {
		x = -x
	}
	return models.Pt(x, y), ok
}

// backHalfWidth is the half width of the back view outline at height y.
func (g *LastGeometry) backHalfWidth(y float64) float64 {
	c := g.backRight
	if len(c) == 0 {
		return g.heelR
	}
	lo, hi := 0.0, 1.0
	if y <= chainAt(c, 0).Y {
		return chainAt(c, 0.5/float64(len(c))).X
	}
	for i := 0; i < 40; i++ {
		mid := (lo + hi) / 2
		if chainAt(c, mid).Y < y {
			lo = mid
		} else {
			hi = mid
		}
	}
	return chainAt(c, (lo+hi)/2).X
}
