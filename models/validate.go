package models

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // underlay pictures: photos
	_ "image/png"  // underlay pictures: scans
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrInvalid marks a design that fails [Validate]; the error is a
// [ValidationErrors] listing every problem.
var ErrInvalid = errors.New("invalid design")

// Stable problem codes of a [FieldError], keys for translated messages.
const (
	CodeRequired      = "required"
	CodeOutOfRange    = "out_of_range"
	CodeInconsistent  = "inconsistent"
	CodeNotAscending  = "not_ascending"
	CodeTooLong       = "too_long"
	CodeTooMany       = "too_many"
	CodeInvalidValue  = "invalid_value"
	CodeInvalidID     = "invalid_id"
	CodeDuplicateID   = "duplicate_id"
	CodeUnknownRef    = "unknown_reference"
	CodeNotClosed     = "not_closed"
	CodeTooFewSegs    = "too_few_segments"
	CodeBadPointCount = "bad_point_count"
	CodeNotFinite     = "not_finite"
	CodeInvalidColour = "invalid_colour"
	CodeInvalidText   = "invalid_text"
)

// Limits on sizes of text and lists, so one design cannot exhaust memory
// or a tech pack page.
const (
	MaxNameLen    = 200   // names, style numbers, roles, short labels (runes)
	MaxTextLen    = 20000 // notes and other free text (runes)
	MaxSizes      = 60    // sizes in a run
	MaxPathPoints = 1 + 3*2000
	MaxQuantity   = 100
	// MaxImageBytes caps one stored image (an underlay's picture) and
	// MaxImageSide its width and height in pixels; MaxImages caps the
	// images of a design, so one version's content stays well inside a
	// sync frame.
	MaxImageBytes = 4 << 20
	MaxImageSide  = 4096
	MaxImages     = 2
)

// Sane ranges, millimetres unless noted. Wide enough for kids' and
// extra-high-heel lasts, narrow enough to catch a typing slip (inches for
// mm, a missing digit).
const (
	MinSize, MaxSize           = 150.0, 320.0 // foot length, CN mm
	MaxAllowance               = 30.0
	MinSPI, MaxSPI             = 3.0, 20.0
	MinBottomLen, MaxBottomLen = 100.0, 400.0
	MinGirthRatio              = 0.70 // ball girth / bottom length
	MaxGirthRatio              = 1.05
	MaxHeelHeight              = 150.0
	MaxToeSpring               = 40.0
	MinBackHeight, MaxBackHgt  = 40.0, 110.0
)

// FieldError is one problem found by [Validate].
type FieldError struct {
	Element ID     `json:"element"` // MetaID, LastID or the element's ID; "" for the design itself
	Field   string `json:"field"`   // the property name (cbor/json), dotted for nested values
	Code    string `json:"code"`    // stable key, one of the Code constants
	Msg     string `json:"msg"`     // English explanation
}

func (e FieldError) Error() string {
	switch {
	case e.Element == "":
		return fmt.Sprintf("%s: %s", e.Field, e.Msg)
	case e.Field == "":
		return fmt.Sprintf("%s: %s", e.Element, e.Msg)
	}
	return fmt.Sprintf("%s.%s: %s", e.Element, e.Field, e.Msg)
}

// ValidationErrors lists every problem of a design in a stable order. It
// matches [ErrInvalid] under errors.Is.
type ValidationErrors []FieldError

func (v ValidationErrors) Error() string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "invalid design: %d problem", len(v))
	if len(v) != 1 {
		b.WriteByte('s')
	}
	for i, e := range v {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(v)-show)
			break
		}
		b.WriteString("; ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (v ValidationErrors) Is(target error) bool { return target == ErrInvalid }

// validator collects problems.
type validator struct{ errs ValidationErrors }

// refChecker answers whether a design holds an element of a kind with an
// ID: what a reference from one element to another needs. The checks of
// one element are the same whether they run in a whole design's
// [Validate] or alone for a [ValidationMemo], which records the
// references instead of resolving them.
type refChecker interface {
	has(k Kind, id ID) bool
}

// designRefs are the IDs of a whole design that references point at.
type designRefs struct{ lines, materials, pieces, images map[ID]bool }

func (r designRefs) has(k Kind, id ID) bool {
	switch k {
	case KindStyleLine:
		return r.lines[id]
	case KindMaterial:
		return r.materials[id]
	case KindPiece:
		return r.pieces[id]
	case KindImage:
		return r.images[id]
	}
	return false
}

func (v *validator) add(el ID, field, code, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Element: el, Field: field, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) text(el ID, field, s string, required bool, max int) {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		v.add(el, field, CodeInvalidText, "is not valid UTF-8 text (%q)", s)
	case required && strings.TrimSpace(s) == "":
		v.add(el, field, CodeRequired, "is required")
	case n > max:
		v.add(el, field, CodeTooLong, "is %d characters long, at most %d allowed", n, max)
	}
}

// num checks that x is finite and within [lo, hi].
func (v *validator) num(el ID, field string, x, lo, hi float64) bool {
	if within(x, lo, hi) {
		return true
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add(el, field, CodeNotFinite, "is not a number")
		return false
	}
	if x < lo || x > hi {
		v.add(el, field, CodeOutOfRange, "is %g, must be between %g and %g", x, lo, hi)
		return false
	}
	return true
}

// within says whether x is a number in [lo, hi] (lo and hi finite): what
// num accepts.
func within(x, lo, hi float64) bool { return x >= lo && x <= hi }

func oneOf[T ~string](v *validator, el ID, field string, x T, allowed ...T) {
	if !slices.Contains(allowed, x) {
		if x == "" {
			v.add(el, field, CodeRequired, "is required")
			return
		}
		v.add(el, field, CodeInvalidValue, "%q is not one of %v", x, allowed)
	}
}

// Validate checks d for everything a factory or a merge could trip over:
// required header fields, measurements in range and consistent with one
// another, closed piece outlines, references between elements, duplicate
// IDs and over-long text. It returns nil or a [ValidationErrors] listing
// every problem (which matches [ErrInvalid]).
func Validate(d *Design) error {
	if d == nil {
		return ValidationErrors{{Code: CodeRequired, Msg: "no design"}}
	}
	v := &validator{}
	if d.ID != "" && !ValidID(d.ID) {
		v.add("", "id", CodeInvalidID, "design ID %q is not 16 lowercase hex characters", d.ID)
	}
	v.meta(&d.Meta)
	v.last(&d.Last)

	// IDs: valid and unique across all element kinds. The maps are made
	// at their size: growing them was a tenth of a large design's commit.
	n := len(d.StyleLines) + len(d.Materials) + len(d.Pieces) + len(d.Marks) + len(d.Colourways) +
		len(d.Dimensions) + len(d.Images) + len(d.Underlays)
	seen := make(map[ID]string, n)
	checkID := func(id ID, what string) {
		switch {
		case !ValidID(id):
			v.add(id, "id", CodeInvalidID, "%s ID %q is not 16 lowercase hex characters", what, id)
		case seen[id] != "":
			v.add(id, "id", CodeDuplicateID, "duplicate ID: this %s's ID is also used by a %s", what, seen[id])
		default:
			seen[id] = what
		}
	}
	r := designRefs{
		lines:     make(map[ID]bool, len(d.StyleLines)),
		materials: make(map[ID]bool, len(d.Materials)),
		pieces:    make(map[ID]bool, len(d.Pieces)),
		images:    make(map[ID]bool, len(d.Images)),
	}
	for _, l := range d.StyleLines {
		checkID(l.ID, "style line")
		r.lines[l.ID] = true
	}
	for _, m := range d.Materials {
		checkID(m.ID, "material")
		r.materials[m.ID] = true
	}
	for _, p := range d.Pieces {
		checkID(p.ID, "piece")
		r.pieces[p.ID] = true
	}
	for _, m := range d.Marks {
		checkID(m.ID, "mark")
	}
	for _, c := range d.Colourways {
		checkID(c.ID, "colourway")
	}
	for _, x := range d.Dimensions {
		checkID(x.ID, "dimension")
	}
	for _, x := range d.Images {
		checkID(x.ID, "image")
		r.images[x.ID] = true
	}
	for _, x := range d.Underlays {
		checkID(x.ID, "underlay")
	}

	for _, l := range d.StyleLines {
		v.styleLine(&l)
	}
	for _, m := range d.Materials {
		v.material(&m)
	}
	for _, p := range d.Pieces {
		v.piece(&p, r)
	}
	for _, m := range d.Marks {
		v.mark(&m, r)
	}
	for _, c := range d.Colourways {
		v.colourway(&c, r)
	}
	for _, x := range d.Dimensions {
		v.dimension(&x)
	}
	if len(d.Images) > MaxImages {
		v.add("", "images", CodeTooMany, "the design holds %d images, at most %d allowed", len(d.Images), MaxImages)
	}
	for _, x := range d.Images {
		v.image(&x)
	}
	for _, x := range d.Underlays {
		v.underlay(&x, r)
	}
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

func (v *validator) meta(m *Meta) {
	const el = MetaID
	v.text(el, "name", m.Name, true, MaxNameLen)
	v.text(el, "name_zh", m.NameZH, false, MaxNameLen)
	v.text(el, "style_no", m.StyleNo, true, MaxNameLen)
	for _, f := range []struct{ name, s string }{
		{"season", m.Season}, {"category", m.Category}, {"studio", m.Studio}, {"designer", m.Designer},
		{"thread", m.Thread}, {"outsole_hardness", m.OutsoleHardness},
	} {
		v.text(el, f.name, f.s, false, MaxNameLen)
	}
	for _, f := range []struct{ name, s string }{{"notes", m.Notes}, {"reinforcements", m.Reinforcements}, {"packaging", m.Packaging}} {
		v.text(el, f.name, f.s, false, MaxTextLen)
	}
	oneOf(v, el, "gender", m.Gender, Men, Women, Unisex, Kids)
	oneOf(v, el, "construction", m.Construction, Cemented, Stitched, Moulded, Vulcanised)
	oneOf(v, el, "size_system", m.SizeSystem, SizeCN, SizeEU, SizeUK, SizeUSMen, SizeUSWomen)

	runOK := true
	switch {
	case len(m.SizeRun) == 0:
		v.add(el, "size_run", CodeRequired, "lists no sizes")
		runOK = false
	case len(m.SizeRun) > MaxSizes:
		v.add(el, "size_run", CodeTooMany, "lists %d sizes, at most %d allowed", len(m.SizeRun), MaxSizes)
		runOK = false
	}
	for i, s := range m.SizeRun {
		if !within(s, MinSize, MaxSize) { // the field name only for an error
			v.num(el, fmt.Sprintf("size_run.%d", i), s, MinSize, MaxSize)
			runOK = false
			continue
		}
		if i > 0 && s <= m.SizeRun[i-1] {
			v.add(el, "size_run", CodeNotAscending, "size %g follows %g: sizes must ascend without repeats", s, m.SizeRun[i-1])
			runOK = false
		}
	}
	if v.num(el, "base_size", m.BaseSize, MinSize, MaxSize) && runOK {
		if lo, hi := m.SizeRun[0], m.SizeRun[len(m.SizeRun)-1]; m.BaseSize < lo || m.BaseSize > hi {
			v.add(el, "base_size", CodeInconsistent, "base size %g is outside the size run %g-%g", m.BaseSize, lo, hi)
		}
	}
	cartonOK := func(k string, n int) (bool, bool) {
		size, err := strconv.ParseFloat(k, 64)
		return err == nil && slices.Contains(m.SizeRun, size), n >= 0 && n <= 1000
	}
	allOK := true
	for k, n := range m.PairsPerCarton {
		if inRun, inRange := cartonOK(k, n); !inRun || !inRange {
			allOK = false
			break
		}
	}
	if !allOK { // the errors in key order
		for _, k := range sortedKeys(m.PairsPerCarton) {
			n := m.PairsPerCarton[k]
			inRun, inRange := cartonOK(k, n)
			if !inRun {
				v.add(el, "pairs_per_carton."+k, CodeUnknownRef, "size %q is not in the size run", k)
			}
			if !inRange {
				v.add(el, "pairs_per_carton."+k, CodeOutOfRange, "is %d pairs, must be between 0 and 1000", n)
			}
		}
	}
	for _, f := range []struct {
		name string
		x    float64
	}{
		{"lasting_allowance", m.LastingAllowance}, {"lap_allowance", m.LapAllowance}, {"fold_allowance", m.FoldAllowance},
		{"seam_allowance", m.SeamAllowance}, {"stitch_margin", m.StitchMargin}, {"double_row_gauge", m.DoubleRowGauge},
		{"insole_thickness", m.InsoleThickness},
	} {
		v.num(el, f.name, f.x, 0, MaxAllowance)
	}
	v.num(el, "spi", m.SPI, MinSPI, MaxSPI)
}

func (v *validator) last(l *Last) {
	const el = LastID
	v.text(el, "ref", l.Ref, false, MaxNameLen)
	bottomOK := v.num(el, "bottom_length", l.BottomLength, MinBottomLen, MaxBottomLen)
	stickOK := v.num(el, "stick_length", l.StickLength, MinBottomLen*0.8, MaxBottomLen)
	if bottomOK && stickOK && l.StickLength > l.BottomLength {
		v.add(el, "stick_length", CodeInconsistent, "stick length %g exceeds bottom length %g: the flattened bottom is never shorter than the straight length", l.StickLength, l.BottomLength)
	}
	girthOK := v.num(el, "ball_girth", l.BallGirth, 1, 2*MaxBottomLen)
	if bottomOK && girthOK {
		if r := l.BallGirth / l.BottomLength; r < MinGirthRatio || r > MaxGirthRatio {
			v.add(el, "ball_girth", CodeInconsistent, "ball girth %g is %.2f of bottom length %g, expected %.2f-%.2f", l.BallGirth, r, l.BottomLength, MinGirthRatio, MaxGirthRatio)
		}
	}
	widthOK := v.num(el, "ball_width", l.BallWidth, 1, MaxBottomLen/2)
	if girthOK && widthOK && l.BallWidth > l.BallGirth/2 {
		v.add(el, "ball_width", CodeInconsistent, "ball width %g is more than half the ball girth %g", l.BallWidth, l.BallGirth)
	}
	waistOK := v.num(el, "waist_girth", l.WaistGirth, 1, 2*MaxBottomLen)
	instepOK := v.num(el, "instep_girth", l.InstepGirth, 1, 2*MaxBottomLen)
	heelOK := v.num(el, "heel_girth", l.HeelGirth, 1, 3*MaxBottomLen)
	if waistOK && instepOK && l.WaistGirth > l.InstepGirth {
		v.add(el, "waist_girth", CodeInconsistent, "waist girth %g exceeds instep girth %g", l.WaistGirth, l.InstepGirth)
	}
	if instepOK && heelOK && l.InstepGirth > l.HeelGirth {
		v.add(el, "instep_girth", CodeInconsistent, "instep girth %g exceeds long heel girth %g", l.InstepGirth, l.HeelGirth)
	}
	heelWidthOK := v.num(el, "heel_width", l.HeelWidth, 1, MaxBottomLen/2)
	if heelWidthOK && widthOK && l.HeelWidth > l.BallWidth {
		v.add(el, "heel_width", CodeInconsistent, "heel width %g exceeds ball width %g", l.HeelWidth, l.BallWidth)
	}
	v.num(el, "heel_height", l.HeelHeight, 0, MaxHeelHeight)
	v.num(el, "toe_spring", l.ToeSpring, 0, MaxToeSpring)
	v.num(el, "back_height", l.BackHeight, MinBackHeight, MaxBackHgt)
	oneOf(v, el, "toe_shape", l.ToeShape, ToeRound, ToeAlmond, ToeSquare, ToePointed)
	if l.WidthFitting < 0 || l.WidthFitting > 5 {
		v.add(el, "width_fitting", CodeOutOfRange, "is %d, must be 0 (unused) or 1-5", l.WidthFitting)
	}
}

// path checks point count, coordinates and, for outlines, closure.
func (v *validator) path(el ID, field string, p Path, minSegs int, closed bool) {
	n := len(p.Points)
	switch {
	case n > MaxPathPoints:
		v.add(el, field, CodeTooMany, "has %d points, at most %d allowed", n, MaxPathPoints)
		return
	case n < 4 || (n-1)%3 != 0:
		if n >= 4 || minSegs == 0 {
			v.add(el, field, CodeBadPointCount, "has %d points; a Bézier chain has 1 + 3 per segment", n)
			return
		}
	}
	for i, pt := range p.Points {
		if math.IsNaN(pt.X) || math.IsInf(pt.X, 0) || math.IsNaN(pt.Y) || math.IsInf(pt.Y, 0) || math.Abs(pt.X) > 1e4 || math.Abs(pt.Y) > 1e4 {
			v.add(el, fmt.Sprintf("%s.points.%d", field, i), CodeNotFinite, "point (%g, %g) is not a finite position within 10 m", pt.X, pt.Y)
			return
		}
	}
	if segs := p.Segments(); segs < minSegs {
		v.add(el, field, CodeTooFewSegs, "has %d segments, at least %d needed", segs, minSegs)
	}
	if closed && (!p.Closed || n == 0 || p.Points[0] != p.Points[n-1]) {
		v.add(el, field, CodeNotClosed, "outline is not closed: it must end where it starts")
	}
}

func (v *validator) material(m *Material) {
	v.text(m.ID, "name", m.Name, true, MaxNameLen)
	for _, f := range []struct{ name, s string }{
		{"name_zh", m.NameZH}, {"kind", m.Kind}, {"supplier", m.Supplier}, {"colour", m.Colour}, {"pantone", m.Pantone}, {"finish", m.Finish},
	} {
		v.text(m.ID, f.name, f.s, false, MaxNameLen)
	}
	oneOf(v, m.ID, "unit", m.Unit, "dm2", "m2", "ft2", "m", "cm", "pair", "pcs", "g", "kg", "ml")
	v.num(m.ID, "thickness", m.Thickness, 0, 50)
	v.num(m.ID, "consumption", m.Consumption, 0, 1e5)
}

func (v *validator) styleLine(l *StyleLine) {
	v.text(l.ID, "name", l.Name, false, MaxNameLen)
	oneOf(v, l.ID, "kind", l.Kind, LineStyle, LineStitch, LineFold, LineCentre)
	v.path(l.ID, "path", l.Path, 1, false)
}

func (v *validator) dimension(x *Dimension) {
	v.point(x.ID, "a", x.A)
	v.point(x.ID, "b", x.B)
	v.text(x.ID, "text", x.Text, false, MaxNameLen)
}

func (v *validator) piece(p *Piece, r refChecker) {
	v.text(p.ID, "name", p.Name, true, MaxNameLen)
	v.text(p.ID, "name_zh", p.NameZH, false, MaxNameLen)
	v.text(p.ID, "role", p.Role, false, MaxNameLen)
	v.path(p.ID, "outline", p.Outline, 2, true)
	if segs := p.Outline.Segments(); len(p.Edges) > segs {
		v.add(p.ID, "edges", CodeTooMany, "lists %d edges for %d outline segments", len(p.Edges), segs)
	}
	edgeKinds := []AllowanceKind{AllowNone, AllowLasting, AllowLap, AllowFold, AllowSeam}
	for i, k := range p.Edges {
		if !slices.Contains(edgeKinds, k) { // the field name only for an error
			oneOf(v, p.ID, fmt.Sprintf("edges.%d", i), k, edgeKinds...)
		}
	}
	if p.Material != "" && !r.has(KindMaterial, p.Material) {
		v.add(p.ID, "material", CodeUnknownRef, "material %s does not exist", p.Material)
	}
	if p.Quantity < 1 || p.Quantity > MaxQuantity {
		v.add(p.ID, "quantity", CodeOutOfRange, "is %d, must be between 1 and %d", p.Quantity, MaxQuantity)
	}
	v.num(p.ID, "grain_angle", p.GrainAngle, -360, 360)
	if p.StitchRows < 0 || p.StitchRows > 2 {
		v.add(p.ID, "stitch_rows", CodeOutOfRange, "is %d, must be 0, 1 or 2", p.StitchRows)
	}
	for i, l := range p.Lines {
		if !r.has(KindStyleLine, l) {
			v.add(p.ID, fmt.Sprintf("lines.%d", i), CodeUnknownRef, "style line %s does not exist", l)
		}
	}
}

func (v *validator) mark(m *Mark, r refChecker) {
	if !r.has(KindPiece, m.Piece) {
		v.add(m.ID, "piece", CodeUnknownRef, "piece %q does not exist", m.Piece)
	}
	oneOf(v, m.ID, "kind", m.Kind, MarkNotch, MarkPunch, MarkEyelet, MarkText)
	v.num(m.ID, "at.x", m.At.X, -1e4, 1e4)
	v.num(m.ID, "at.y", m.At.Y, -1e4, 1e4)
	v.num(m.ID, "angle", m.Angle, -360, 360)
	v.num(m.ID, "size", m.Size, 0, 100)
	v.num(m.ID, "width", m.Width, 0, 100)
	v.text(m.ID, "text", m.Text, m.Kind == MarkText, MaxNameLen)
}

func (v *validator) colourway(c *Colourway, r refChecker) {
	v.text(c.ID, "name", c.Name, true, MaxNameLen)
	v.text(c.ID, "name_zh", c.NameZH, false, MaxNameLen)
	for _, pid := range sortedKeys(c.Parts) {
		part := c.Parts[pid]
		field := "parts." + string(pid)
		if !r.has(KindPiece, pid) {
			v.add(c.ID, field, CodeUnknownRef, "piece %q does not exist", pid)
		}
		if part.Material != "" && !r.has(KindMaterial, part.Material) {
			v.add(c.ID, field+".material", CodeUnknownRef, "material %s does not exist", part.Material)
		}
		v.text(c.ID, field+".colour", part.Colour, false, MaxNameLen)
		if !ValidHex(part.Hex) {
			v.add(c.ID, field+".hex", CodeInvalidColour, "%q is not a colour like #1A2B3C", part.Hex)
		}
	}
}

// point checks that p is a finite position within 10 m.
func (v *validator) point(el ID, field string, p Point) {
	v.num(el, field+".x", p.X, -1e4, 1e4)
	v.num(el, field+".y", p.Y, -1e4, 1e4)
}

// image checks an image's format, size and that its bytes are the file
// they claim to be (its header is read; the pixels are decoded where it
// is imported).
func (v *validator) image(m *Image) {
	oneOf(v, m.ID, "format", m.Format, ImagePNG, ImageJPEG)
	if m.Width < 1 || m.Width > MaxImageSide || m.Height < 1 || m.Height > MaxImageSide {
		v.add(m.ID, "width", CodeOutOfRange, "is %d×%d pixels, each side must be between 1 and %d", m.Width, m.Height, MaxImageSide)
	}
	switch {
	case len(m.Data) == 0:
		v.add(m.ID, "data", CodeRequired, "holds no picture")
		return
	case len(m.Data) > MaxImageBytes:
		v.add(m.ID, "data", CodeTooLong, "is %d bytes, at most %d allowed", len(m.Data), MaxImageBytes)
		return
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Data))
	switch {
	case err != nil:
		v.add(m.ID, "data", CodeInvalidValue, "is not a PNG or JPEG image: %v", err)
	case format != m.Format:
		v.add(m.ID, "format", CodeInconsistent, "says %q but the picture is %s", m.Format, format)
	case cfg.Width != m.Width || cfg.Height != m.Height:
		v.add(m.ID, "width", CodeInconsistent, "says %d×%d pixels but the picture is %d×%d", m.Width, m.Height, cfg.Width, cfg.Height)
	}
}

func (v *validator) underlay(u *Underlay, r refChecker) {
	if !r.has(KindImage, u.Image) {
		v.add(u.ID, "image", CodeUnknownRef, "image %q does not exist", u.Image)
	}
	v.point(u.ID, "origin", u.Origin)
	if v.num(u.ID, "mm_per_px", u.MMPerPx, 0, 100) && u.MMPerPx == 0 {
		v.add(u.ID, "mm_per_px", CodeOutOfRange, "must be more than 0")
	}
	v.num(u.ID, "opacity", u.Opacity, 0, 1)
}

// ValidHex reports whether s is a colour "#RRGGBB" (either case).
func ValidHex(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Trade defaults (DOMAIN.md): editable per design, never constants buried
// in drawing code.
const (
	DefaultLastingAllowance = 16.0 // 绷帮量, cemented, 15-18
	DefaultLapAllowance     = 8.0  // 压茬量
	DefaultFoldAllowance    = 4.5  // 折边量, 4-5
	DefaultSeamAllowance    = 1.5  // closed seam, 1-2
	DefaultStitchMargin     = 2.0  // 1.5-2.5
	DefaultDoubleRowGauge   = 2.0
	DefaultSPI              = 8.0 // 7-8
)

// ToeAllowance is the default length added in front of the foot (mm).
func ToeAllowance(g Gender) float64 {
	switch g {
	case Women:
		return 16.5
	case Kids:
		return 15 // assumption: not in DOMAIN.md; editable
	}
	return 20
}

// HeelSetBack is the default length the last's heel point sits inside the
// foot's (mm).
func HeelSetBack(g Gender) float64 {
	switch g {
	case Women:
		return 4.5
	case Kids:
		return 4 // assumption: not in DOMAIN.md; editable
	}
	return 5
}

// DefaultMeta returns a header with the trade defaults for g: cemented
// construction, CN sizes, a usual size run around a usual base size and
// DOMAIN.md's allowances. Name and style number are left for the designer.
func DefaultMeta(g Gender) Meta {
	base, lo, hi := 250.0, 230.0, 270.0
	switch g {
	case Men:
		base, lo, hi = 260, 240, 280
	case Women:
		base, lo, hi = 235, 220, 250
	case Kids:
		base, lo, hi = 180, 160, 200
	}
	var run []float64
	for s := lo; s <= hi; s += 5 {
		run = append(run, s)
	}
	return Meta{
		Gender:           g,
		Construction:     Cemented,
		BaseSize:         base,
		SizeRun:          run,
		SizeSystem:       SizeCN,
		LastingAllowance: DefaultLastingAllowance,
		LapAllowance:     DefaultLapAllowance,
		FoldAllowance:    DefaultFoldAllowance,
		SeamAllowance:    DefaultSeamAllowance,
		StitchMargin:     DefaultStitchMargin,
		DoubleRowGauge:   DefaultDoubleRowGauge,
		SPI:              DefaultSPI,
	}
}

// DefaultLast returns plausible last measurements for g at baseSize (foot
// length, mm): bottom length = foot + toe allowance − heel set-back (CN 260
// men → 275 mm, CN 235 women → 247 mm). The girths are rough proportions of
// the foot length (US men 9 ≈ ball girth 234 mm), a starting point to be
// replaced by the factory's last card.
func DefaultLast(g Gender, baseSize float64) Last {
	bottom := baseSize + ToeAllowance(g) - HeelSetBack(g)
	girth, width, heel, spring, back := 0.90, 0.36, 25.0, 15.0, 70.0
	switch g {
	case Women:
		girth, width, heel, spring, back = 0.92, 0.35, 30, 12, 62
	case Kids:
		girth, width, heel, spring, back = 0.95, 0.38, 15, 12, 55
	}
	ball := round1(girth * baseSize)
	ballWidth := round1(width * baseSize)
	return Last{
		BottomLength: round1(bottom),
		StickLength:  round1(bottom - 5 - 0.2*heel),
		BallGirth:    ball,
		BallWidth:    ballWidth,
		WaistGirth:   round1(0.97 * ball),
		InstepGirth:  round1(1.03 * ball),
		HeelGirth:    round1(1.38 * ball),
		HeelWidth:    round1(0.66 * ballWidth),
		HeelHeight:   heel,
		ToeSpring:    spring,
		BackHeight:   back,
		ToeShape:     ToeRound,
	}
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
