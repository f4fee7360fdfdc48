package packaging

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"cordwain/canvas"
	"cordwain/models"
)

// Grade rules. Beside the DXF with every size, the workshop package holds
// a base-size DXF whose turn points (layer 2) carry rule numbers ("# n"
// text on layer 1) and an ASTM D6673 grade rule table (.rul) with, for
// each rule, the move of its point in every size: pattern CAD can regrade
// the base pattern, or grade to sizes of its own. The moves are measured
// on Cordwain's own graded cut lines (allowances are not graded, so a
// corner does not simply scale), each base turn point matched to the
// graded turn point nearest where the length and girth factors carry it.
// Values are millimetres from the sample (base) size, x then y, per size
// in SIZE LIST order; the sample size's own pair is 0 0.

// ruleTable holds the rules of a design's pieces.
type ruleTable struct {
	sizes []float64
	base  float64
	// byPoint numbers a piece's base turn points (index in its cut line).
	byPoint map[models.ID]map[int]int
	// moves[n-1][k] is rule n's move at sizes[k].
	moves [][]models.Point
}

// number is the rule of turn point i of a piece's base cut line.
func (r *ruleTable) number(piece models.ID, i int) (int, bool) {
	if r == nil {
		return 0, false
	}
	n, ok := r.byPoint[piece][i]
	return n, ok
}

// gradeRules works out the rule table of d over o's sizes.
func gradeRules(d *models.Design, o Options) (*ruleTable, error) {
	base := d.Meta.BaseSize
	if !(base > 0) {
		return nil, fmt.Errorf("grade rules: the design has no base size")
	}
	sizes := append([]float64(nil), o.Sizes...)
	found := false
	for _, s := range sizes {
		found = found || s == base
	}
	if !found {
		sizes = append(sizes, base)
	}
	sort.Float64s(sizes)
	basePieces, err := piecesAt(d, base, o.Unfold)
	if err != nil {
		return nil, fmt.Errorf("grade rules: %w", err)
	}
	graded := make([][]pieceGeom, len(sizes))
	factors := make([][2]float64, len(sizes))
	for k, s := range sizes {
		if graded[k], err = piecesAt(d, s, o.Unfold); err != nil {
			return nil, fmt.Errorf("grade rules: %w", err)
		}
		factors[k] = [2]float64{1, 1}
		if s != base {
			f, _, err := canvas.DesignGradeFactors(d, s)
			if err != nil {
				return nil, fmt.Errorf("grade rules: %w", err)
			}
			factors[k] = [2]float64{f.X, f.Y}
		}
	}
	r := &ruleTable{sizes: sizes, base: base, byPoint: map[models.ID]map[int]int{}}
	for pi, g := range basePieces {
		r.byPoint[g.piece.ID] = map[int]int{}
		for i, p := range g.cut {
			if !cornerAt(g.cut, i) {
				continue
			}
			moves := make([]models.Point, len(sizes))
			for k := range sizes {
				gg := graded[k][pi]
				want := models.Pt(p.X*factors[k][0], p.Y*factors[k][1])
				best, bd := want, math.Inf(1)
				for j, q := range gg.cut {
					if !cornerAt(gg.cut, j) {
						continue
					}
					if dd := dist(q, want); dd < bd {
						best, bd = q, dd
					}
				}
				if bd > 5 { // no matching corner: the factors' move
					best = want
				}
				moves[k] = models.Pt(best.X-p.X, best.Y-p.Y)
			}
			r.moves = append(r.moves, moves)
			r.byPoint[g.piece.ID][i] = len(r.moves)
		}
	}
	return r, nil
}

// WriteGradeRules writes the ASTM D6673 grade rule table (.rul) that goes
// with the base-size DXF of [WriteBaseDXF].
func WriteGradeRules(w io.Writer, d *models.Design, opts Options) error {
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	r, err := gradeRules(d, o)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	date := o.Date
	fmt.Fprintf(bw, "ASTM/D6673/10\r\nVERSION: 1\r\n")
	if !date.IsZero() {
		fmt.Fprintf(bw, "CREATION DATE: %s\r\nCREATION TIME: %s\r\n", date.UTC().Format("01-02-2006"), date.UTC().Format("15:04:05"))
	}
	fmt.Fprintf(bw, "AUTHOR: Cordwain\r\nUNITS: METRIC\r\nGRADE RULE TABLE: %s\r\n", asciiName(d.Meta.StyleNo))
	names := make([]string, len(r.sizes))
	for i, s := range r.sizes {
		names[i] = fmtSize(s)
	}
	fmt.Fprintf(bw, "NUMBER OF SIZES: %d\r\nSIZE LIST: %s\r\nSAMPLE SIZE: %s\r\nRULE: DELTA\r\n", len(r.sizes), strings.Join(names, " "), fmtSize(r.base))
	for n, moves := range r.moves {
		fmt.Fprintf(bw, "RULE: %d\r\n", n+1)
		var line []string
		for _, m := range moves {
			line = append(line, fmtRule(m.X), fmtRule(m.Y))
		}
		// Five sizes (ten numbers) a line, as rule tables are printed.
		for i := 0; i < len(line); i += 10 {
			fmt.Fprintf(bw, "%s\r\n", strings.Join(line[i:min(i+10, len(line))], " "))
		}
	}
	fmt.Fprintf(bw, "END\r\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing grade rules: %w", err)
	}
	return nil
}

// WriteBaseDXF writes the base size's cut file with rule numbers on its
// turn points, to go with [WriteGradeRules].
func WriteBaseDXF(w io.Writer, d *models.Design, opts Options) error {
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	r, err := gradeRules(d, o)
	if err != nil {
		return err
	}
	o.Sizes = []float64{r.base}
	return writeDXF(w, d, o, r)
}

func fmtRule(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100+0, 'f', 2, 64)
}

// asciiName keeps the ASCII letters, digits and - _ of s.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "STYLE"
	}
	return b.String()
}

// baseDXFAndRules builds both files for the zip.
func baseDXFAndRules(d *models.Design, o Options) (dxf, rul []byte, err error) {
	var a, b bytes.Buffer
	if err := WriteBaseDXF(&a, d, o); err != nil {
		return nil, nil, err
	}
	if err := WriteGradeRules(&b, d, o); err != nil {
		return nil, nil, err
	}
	return a.Bytes(), b.Bytes(), nil
}
