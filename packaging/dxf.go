package packaging

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"cordwain/models"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// DXF cut files follow the AAMA/ASTM D6673 convention as cutting rooms read
// it: ASCII DXF R12 (AC1009, POLYLINE/VERTEX, POINT, TEXT, BLOCK/INSERT),
// mm, one BLOCK per piece and size inserted on layer 1, numbered layers.
//
// Chinese text: we write R12 with $DWGCODEPAGE ANSI_936 and GBK-encoded
// strings rather than R2007+ UTF-8. AAMA importers (cutter and grading
// software, including the Chinese CAD used in Wenzhou) read R12 files and
// honour ANSI_936; a valid R2007 file also needs handles, CLASSES and
// OBJECTS sections that AAMA readers often reject. Characters GBK cannot
// encode become "?". The text style follows the convention of Chinese
// AutoCAD users: an SHX font for Latin text (gbenor.shx) with the GB
// big font gbcbig.shx for Chinese. It is named GBCBIG because LibreCAD
// ignores the STYLE table and draws text in the LFF font named like the
// style: the export ships fonts/gbcbig.lff for it (see dxffont.go).
//
// Quantities are per shoe ("Quantity: 1"), the rule the tech pack states;
// a pair takes twice as many, the other shoe's flipped. A half pattern
// (on the last's centre line) carries its mirror line on layer 6: the
// importer unfolds it, or it is cut on the fold.

// AAMA layers.
const (
	layerBoundary = "1"
	layerTurn     = "2"
	layerCurve    = "3"
	layerNotch    = "4"
	layerMirror   = "6"
	layerGrain    = "7"
	layerInternal = "8"
	layerCutout   = "11"
	layerDrill    = "13"
	layerSew      = "14"
	layerAnnot    = "15"
)

type dxfWriter struct {
	w   *bufio.Writer
	enc func(string) string
}

func (d *dxfWriter) pair(code int, v string) {
	fmt.Fprintf(d.w, "%3d\n%s\n", code, v)
}

func (d *dxfWriter) num(code int, v float64) {
	d.pair(code, strconv.FormatFloat(math.Round(v*10000)/10000, 'f', -1, 64))
}

func (d *dxfWriter) text(layer string, x, y, h float64, s string) {
	d.pair(0, "TEXT")
	d.pair(8, layer)
	d.num(10, x)
	d.num(20, y)
	d.num(30, 0)
	d.num(40, h)
	d.pair(1, d.enc(s))
	d.pair(7, dxfTextStyle)
}

func (d *dxfWriter) polyline(layer string, pts []models.Point, closed bool) {
	if len(pts) < 2 {
		return
	}
	d.pair(0, "POLYLINE")
	d.pair(8, layer)
	d.pair(66, "1")
	d.num(10, 0)
	d.num(20, 0)
	d.num(30, 0)
	if closed {
		d.pair(70, "1")
	} else {
		d.pair(70, "0")
	}
	for _, p := range pts {
		d.pair(0, "VERTEX")
		d.pair(8, layer)
		d.num(10, p.X)
		d.num(20, p.Y)
		d.num(30, 0)
	}
	d.pair(0, "SEQEND")
	d.pair(8, layer)
}

func (d *dxfWriter) point(layer string, p models.Point, z, thickness, angle float64, withExtras bool) {
	d.pair(0, "POINT")
	d.pair(8, layer)
	d.num(10, p.X)
	d.num(20, p.Y)
	d.num(30, z)
	if withExtras {
		d.num(39, thickness)
		d.num(50, angle)
	}
}

// gbk encodes s for ANSI_936, replacing what GBK cannot hold.
func gbk(s string) string {
	enc := simplifiedchinese.GBK.NewEncoder()
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			if r == '\n' || r == '\r' {
				r = ' '
			}
			b.WriteRune(r)
			continue
		}
		out, err := enc.String(string(r))
		if err != nil {
			b.WriteByte('?')
			continue
		}
		b.WriteString(out)
	}
	return b.String()
}

// blockName makes an AAMA-safe block name: upper-case ASCII letters,
// digits, "-" and "_", then "_" and the size.
func blockName(pc *models.Piece, size float64) string {
	clean := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			switch {
			case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ' || r == '.' || r == '/':
				b.WriteByte('_')
			}
		}
		return strings.Trim(b.String(), "_")
	}
	n := clean(pc.Name)
	if n == "" {
		n = clean(pc.Role)
	}
	if n == "" {
		n = "PIECE_" + clean(string(pc.ID))
	}
	if len(n) > 40 {
		n = n[:40]
	}
	return n + "_" + strings.ReplaceAll(fmtSize(size), ".", "-")
}

// WriteDXF writes the cut file of every piece at every size of opts.
func WriteDXF(w io.Writer, d *models.Design, opts Options) error {
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	return writeDXF(w, d, o, nil)
}

// writeDXF writes the cut file of o's sizes; with rules (a base-size
// file beside a grade rule table) each turn point carries its rule
// number as "# n" text on layer 1, the AAMA way.
func writeDXF(w io.Writer, d *models.Design, o Options, rules *ruleTable) error {
	type block struct {
		name string
		g    pieceGeom
	}
	var blocks []block
	used := map[string]int{}
	for _, s := range o.Sizes {
		ps, err := piecesAt(d, s, o.Unfold)
		if err != nil {
			return fmt.Errorf("cut file: %w", err)
		}
		for _, g := range ps {
			name := blockName(&g.piece, s)
			if n := used[name]; n > 0 { // two pieces with the same name
				used[name]++
				name = fmt.Sprintf("%s_%d", name, n+1)
			} else {
				used[name] = 1
			}
			blocks = append(blocks, block{name, g})
		}
	}
	mat := map[models.ID]models.Material{}
	for _, m := range d.Materials {
		mat[m.ID] = m
	}

	dw := &dxfWriter{w: bufio.NewWriter(w), enc: gbk}
	dw.pair(999, "Cordwain cut file "+dw.enc(d.Meta.StyleNo)+": quantities per shoe; a pair takes twice as many, the other shoe's flipped")
	// HEADER
	dw.pair(0, "SECTION")
	dw.pair(2, "HEADER")
	dw.pair(9, "$ACADVER")
	dw.pair(1, "AC1009")
	dw.pair(9, "$DWGCODEPAGE")
	dw.pair(3, "ANSI_936")
	dw.pair(9, "$INSUNITS")
	dw.pair(70, "4")
	dw.pair(9, "$MEASUREMENT")
	dw.pair(70, "1")
	dw.pair(9, "$TEXTSTYLE")
	dw.pair(7, dxfTextStyle)
	dw.pair(0, "ENDSEC")
	// TABLES: line type, layers, the one text style.
	dw.pair(0, "SECTION")
	dw.pair(2, "TABLES")
	dw.pair(0, "TABLE")
	dw.pair(2, "LTYPE")
	dw.pair(70, "1")
	dw.pair(0, "LTYPE")
	dw.pair(2, "CONTINUOUS")
	dw.pair(70, "0")
	dw.pair(3, "Solid line")
	dw.pair(72, "65")
	dw.pair(73, "0")
	dw.num(40, 0)
	dw.pair(0, "ENDTAB")
	layers := []string{"0", layerBoundary, layerTurn, layerCurve, layerNotch, layerMirror, layerGrain, layerInternal, layerCutout, layerDrill, layerSew, layerAnnot}
	dw.pair(0, "TABLE")
	dw.pair(2, "LAYER")
	dw.pair(70, strconv.Itoa(len(layers)))
	for i, l := range layers {
		dw.pair(0, "LAYER")
		dw.pair(2, l)
		dw.pair(70, "0")
		dw.pair(62, strconv.Itoa(i%7+1))
		dw.pair(6, "CONTINUOUS")
	}
	dw.pair(0, "ENDTAB")
	dw.pair(0, "TABLE")
	dw.pair(2, "STYLE")
	dw.pair(70, "2")
	for _, name := range []string{"STANDARD", dxfTextStyle} {
		dw.pair(0, "STYLE")
		dw.pair(2, name)
		dw.pair(70, "0")
		dw.num(40, 0)
		dw.num(41, 1)
		dw.num(50, 0)
		dw.pair(71, "0")
		dw.num(42, 2.5)
		dw.pair(3, "gbenor.shx")
		dw.pair(4, "gbcbig.shx")
	}
	dw.pair(0, "ENDTAB")
	dw.pair(0, "ENDSEC")
	// BLOCKS: one per piece and size.
	dw.pair(0, "SECTION")
	dw.pair(2, "BLOCKS")
	for _, b := range blocks {
		g := b.g
		dw.pair(0, "BLOCK")
		dw.pair(8, "0")
		dw.pair(2, b.name)
		dw.pair(70, "0")
		dw.num(10, 0)
		dw.num(20, 0)
		dw.num(30, 0)
		dw.pair(3, b.name)
		dw.polyline(layerBoundary, g.cut, true)
		// Turn points (corners) and curve points of the cut line, as
		// grading software expects them on layers 2 and 3.
		for i, p := range g.cut {
			if cornerAt(g.cut, i) {
				dw.point(layerTurn, p, 0, 0, 0, false)
				if n, ok := rules.number(g.piece.ID, i); ok {
					dw.text(layerBoundary, p.X, p.Y, 1.5, "# "+strconv.Itoa(n))
				}
			} else {
				dw.point(layerCurve, p, 0, 0, 0, false)
			}
		}
		if g.folded {
			dw.polyline(layerMirror, g.fold[:], false)
		}
		dw.polyline(layerSew, g.net, true)
		for _, st := range g.stitch {
			dw.polyline(layerInternal, st, false)
		}
		c := centroid(g.net)
		for _, m := range g.marks {
			switch m.Kind {
			case models.MarkNotch:
				at := nearestOn(g.cut, m.At)
				depth, width := m.Size, m.Width
				if !(depth > 0) {
					depth = 2
				}
				if !(width > 0) {
					width = 1
				}
				ang := math.Atan2(c.Y-at.Y, c.X-at.X) * 180 / math.Pi
				if ang < 0 {
					ang += 360
				}
				dw.point(layerNotch, at, depth, width, ang, true)
			case models.MarkPunch, models.MarkEyelet:
				if m.Kind == models.MarkPunch && m.Size >= cutoutMin {
					// Too big for a punch: the knife cuts it out.
					dw.polyline(layerCutout, circlePoints(m.At, m.Size/2), true)
				} else {
					dw.point(layerDrill, m.At, 0, 0, 0, false)
				}
			case models.MarkText:
				dw.text(layerAnnot, m.At.X, m.At.Y, 3, m.Text)
			}
		}
		// Grain line through the centroid.
		sn, cs := math.Sincos(g.piece.GrainAngle * math.Pi / 180)
		gl := math.Min(g.bounds.Dx(), g.bounds.Dy()) * 0.35
		dw.polyline(layerGrain, []models.Point{models.Pt(c.X-cs*gl, c.Y-sn*gl), models.Pt(c.X+cs*gl, c.Y+sn*gl)}, false)
		// Piece text on layer 1, AAMA style.
		qty := perShoe(g.piece)
		m := mat[g.piece.Material]
		lines := []string{
			"Piece Name: " + b.name,
			"Size: " + fmtSize(g.size),
			"Quantity: " + strconv.Itoa(qty),
			"Quantity per pair: " + strconv.Itoa(2*qty),
			"Material: " + strings.TrimSpace(m.Name+" "+m.NameZH),
		}
		switch {
		case g.folded:
			lines = append(lines, "Cut on fold (layer 6 mirror line) 对折")
		case g.unfolded:
			lines = append(lines, "Whole piece (unfolded half pattern)")
		}
		if g.piece.Mirror {
			lines = append(lines, "Mirror: L/R within a shoe")
		}
		for i, l := range lines {
			dw.text(layerBoundary, c.X, c.Y-float64(i)*4-6, 2.5, l)
		}
		name := strings.TrimSpace(g.piece.Name + " " + g.piece.NameZH)
		dw.text(layerAnnot, c.X, c.Y+4, 3, name)
		dw.pair(0, "ENDBLK")
		dw.pair(8, "0")
	}
	dw.pair(0, "ENDSEC")
	// ENTITIES: every block inserted once on layer 1, laid out in rows by size.
	dw.pair(0, "SECTION")
	dw.pair(2, "ENTITIES")
	x, y, rowH := 0.0, 0.0, 0.0
	prevSize := math.NaN()
	for _, b := range blocks {
		if b.g.size != prevSize && !math.IsNaN(prevSize) {
			x, y, rowH = 0, y+rowH+30, 0
		}
		prevSize = b.g.size
		dw.pair(0, "INSERT")
		dw.pair(8, layerBoundary)
		dw.pair(2, b.name)
		dw.num(10, x-b.g.bounds.Min.X)
		dw.num(20, y-b.g.bounds.Min.Y)
		dw.num(30, 0)
		x += b.g.bounds.Dx() + 20
		rowH = math.Max(rowH, b.g.bounds.Dy())
	}
	dw.pair(0, "ENDSEC")
	dw.pair(0, "EOF")
	if err := dw.w.Flush(); err != nil {
		return fmt.Errorf("writing DXF: %w", err)
	}
	return nil
}

// cornerAt reports whether the cut line turns by more than 20° at point i:
// a turn (grade) point rather than a point along a curve.
func cornerAt(ring []models.Point, i int) bool {
	n := len(ring)
	return turnDeg(ring[(i+n-1)%n], ring[i], ring[(i+1)%n]) > 20
}

// cutoutMin is the hole diameter (mm) from which a punch mark is an
// internal cut-out (AAMA layer 11, cut by the knife) rather than a drill
// hole (layer 13): punches in a workshop's set stop at about 6 mm.
const cutoutMin = 6.0

// circlePoints is a circle of radius r about c as a closed polyline,
// within 0.05 mm of the true circle.
func circlePoints(c models.Point, r float64) []models.Point {
	n := max(12, int(math.Ceil(math.Pi/math.Acos(1-flatTol/math.Max(r, flatTol*2)))))
	pts := make([]models.Point, n)
	for i := range pts {
		sn, cs := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		pts[i] = models.Pt(c.X+r*cs, c.Y+r*sn)
	}
	return pts
}
