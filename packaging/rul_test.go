package packaging

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models"
)

const ezdxfRules = `
import sys, ezdxf
doc = ezdxf.readfile(sys.argv[1])
if doc.audit().has_errors: print("AUDIT_ERRORS")
for b in doc.blocks:
    if b.name.startswith("*"): continue
    for e in b:
        if e.dxftype() == "TEXT" and e.dxf.text.startswith("# "):
            print("RULE", b.name, e.dxf.text[2:], "%.4f" % e.dxf.insert.x, "%.4f" % e.dxf.insert.y)
`

// The base-size DXF and the .rul table regrade to Cordwain's own sizes:
// every rule's point, moved by the table, lands on a turn point of that
// size's cut line (read with ezdxf; the table parsed here).
func TestGradeRulesRegrade(t *testing.T) {
	needTool(t, "/usr/bin/python3")
	d := samples.Derby()
	o := Options{Sizes: d.Meta.SizeRun}
	var dxf, rul bytes.Buffer
	if err := WriteBaseDXF(&dxf, d, o); err != nil {
		t.Fatal(err)
	}
	if err := WriteGradeRules(&rul, d, o); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "base.dxf")
	if err := os.WriteFile(path, dxf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", "-c", ezdxfRules, path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "AUDIT_ERRORS") {
		t.Fatalf("ezdxf: %v\n%s", err, out)
	}
	type pt struct {
		block string
		at    models.Point
	}
	points := map[int]pt{}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) != 5 || f[0] != "RULE" {
			continue
		}
		n, _ := strconv.Atoi(f[2])
		x, _ := strconv.ParseFloat(f[3], 64)
		y, _ := strconv.ParseFloat(f[4], 64)
		points[n] = pt{f[1], models.Pt(x, y)}
	}
	// Parse the table.
	lines := strings.Split(strings.ReplaceAll(rul.String(), "\r\n", "\n"), "\n")
	var sizes []float64
	moves := map[int][]float64{}
	cur := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "SIZE LIST: "):
			for _, f := range strings.Fields(strings.TrimPrefix(l, "SIZE LIST: ")) {
				v, _ := strconv.ParseFloat(f, 64)
				sizes = append(sizes, v)
			}
		case strings.HasPrefix(l, "RULE: ") && l != "RULE: DELTA":
			cur, _ = strconv.Atoi(strings.TrimPrefix(l, "RULE: "))
		case cur > 0 && l != "END" && l != "":
			for _, f := range strings.Fields(l) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("rule %d: %q", cur, l)
				}
				moves[cur] = append(moves[cur], v)
			}
		}
	}
	if !strings.Contains(rul.String(), "SAMPLE SIZE: 255\r\n") || !strings.Contains(rul.String(), "NUMBER OF SIZES: 7\r\n") || len(sizes) != 7 {
		t.Fatalf("table header:\n%s", rul.String()[:300])
	}
	if len(points) == 0 || len(points) != len(moves) {
		t.Fatalf("%d numbered points in the DXF, %d rules in the table", len(points), len(moves))
	}
	for k, s := range sizes {
		ps, err := piecesAt(d, s, false)
		if err != nil {
			t.Fatal(err)
		}
		byBlock := map[string]pieceGeom{}
		for _, g := range ps {
			byBlock[blockName(&g.piece, 255)] = g
		}
		for n, p := range points {
			m := moves[n]
			if len(m) != 2*len(sizes) {
				t.Fatalf("rule %d has %d values for %d sizes", n, len(m), len(sizes))
			}
			q := models.Pt(p.at.X+m[2*k], p.at.Y+m[2*k+1])
			g := byBlock[p.block]
			best := math.Inf(1)
			for i, c := range g.cut {
				if cornerAt(g.cut, i) {
					best = math.Min(best, dist(c, q))
				}
			}
			if best > 0.02 {
				t.Errorf("rule %d (%s) at size %g lands %.2f mm from the nearest turn point", n, p.block, s, best)
			}
			if s == 255 && (m[2*k] != 0 || m[2*k+1] != 0) {
				t.Errorf("rule %d moves at the sample size", n)
			}
		}
	}
}
