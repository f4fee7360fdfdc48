package packaging

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models"
)

// needTool fails (not skips) when an external checker is missing.
func needTool(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("%s is not installed; `make test` installs it (qpdf, poppler-utils, python3-ezdxf, librsvg2-bin, librecad, zbar-tools)", path)
	}
}

const ezdxfCheck = `
import sys, ezdxf
doc = ezdxf.readfile(sys.argv[1])
auditor = doc.audit()
if auditor.has_errors:
    print("AUDIT_ERRORS", len(auditor.errors))
    for e in auditor.errors: print(e.message)
print("VERSION", doc.dxfversion)
print("INSUNITS", doc.header.get("$INSUNITS"))
print("MEASUREMENT", doc.header.get("$MEASUREMENT"))
for b in doc.blocks:
    if b.name.startswith("*"): continue
    ents = list(b)
    layers = {}
    for e in ents:
        layers.setdefault(e.dxf.layer, []).append(e.dxftype())
    texts = [e.dxf.text for e in ents if e.dxftype() == "TEXT"]
    notches = [e for e in ents if e.dxftype() == "POINT" and e.dxf.layer == "4"]
    nd = ";".join("%.2f/%.2f/%.1f" % (e.dxf.location.z, e.dxf.thickness, e.dxf.angle) for e in notches)
    print("BLOCK", b.name, "|", ",".join(sorted("%s:%d" % (k, len(v)) for k, v in layers.items())), "|", nd, "|", " ; ".join(texts))
for e in doc.modelspace():
    print("INSERT", e.dxf.name, e.dxf.layer)
for st in doc.styles:
    print("STYLE", st.dxf.name, st.dxf.font, st.dxf.bigfont)
print("TEXTSTYLES", " ".join(sorted({e.dxf.style for b in doc.blocks for e in b if e.dxftype() == "TEXT"})))
`

func readDXF(t *testing.T, data []byte) string {
	t.Helper()
	needTool(t, "/usr/bin/python3")
	dir := t.TempDir()
	path := filepath.Join(dir, "cut.dxf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", "-c", ezdxfCheck, path).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "No module named 'ezdxf'") {
			t.Fatalf("ezdxf is missing; `make test` installs python3-ezdxf: %s", out)
		}
		t.Fatalf("ezdxf: %v\n%s", err, out)
	}
	return string(out)
}

func TestDXFReadBackWithEzdxf(t *testing.T) {
	for _, d := range samples.All() {
		t.Run(d.Meta.StyleNo, func(t *testing.T) {
			testDXFReadBack(t, d)
		})
	}
}

func testDXFReadBack(t *testing.T, d *models.Design) {
	var buf bytes.Buffer
	run := d.Meta.SizeRun
	sizes := []float64{run[0], d.Meta.BaseSize, run[len(run)-1]}
	if err := WriteDXF(&buf, d, Options{Sizes: sizes}); err != nil {
		t.Fatal(err)
	}
	out := readDXF(t, buf.Bytes())
	if strings.Contains(out, "AUDIT_ERRORS") {
		t.Fatalf("ezdxf audit found errors:\n%s", out)
	}
	for _, want := range []string{"VERSION AC1009", "INSUNITS 4", "MEASUREMENT 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	blocks := map[string]string{}
	inserts := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "BLOCK" {
			blocks[f[1]] = l
		}
		if len(f) == 3 && f[0] == "INSERT" {
			inserts[f[1]] = f[2]
		}
	}
	if want := len(d.Pieces) * len(sizes); len(blocks) != want {
		t.Errorf("%d blocks, want one per piece and size: %d", len(blocks), want)
	}
	marks := map[models.ID]map[models.MarkKind]int{}
	for _, m := range d.Marks {
		if marks[m.Piece] == nil {
			marks[m.Piece] = map[models.MarkKind]int{}
		}
		marks[m.Piece][m.Kind]++
	}
	for i := range d.Pieces {
		pc := &d.Pieces[i]
		for _, s := range sizes {
			bn := blockName(pc, s)
			b, ok := blocks[bn]
			if !ok {
				t.Errorf("block %s missing", bn)
				continue
			}
			if inserts[bn] != "1" {
				t.Errorf("block %s inserted on layer %q, want 1", bn, inserts[bn])
			}
			for _, part := range []string{"1:", "7:1", "Piece Name: " + bn, "Size: " + fmtSize(s), "Quantity:", "Material:"} {
				if !strings.Contains(b, part) {
					t.Errorf("block %s lacks %q: %s", bn, part, b)
				}
			}
			if pc.StitchRows > 0 && !strings.Contains(b, "14:") {
				t.Errorf("block %s: %d stitch rows but no sew line on layer 14: %s", bn, pc.StitchRows, b)
			}
			if n := marks[pc.ID][models.MarkNotch]; n > 0 && !strings.Contains(b, fmt.Sprintf("4:%d", n)) {
				t.Errorf("block %s: want %d notches on layer 4: %s", bn, n, b)
			}
			if n := marks[pc.ID][models.MarkPunch] + marks[pc.ID][models.MarkEyelet]; n > 0 && !strings.Contains(b, fmt.Sprintf("13:%d", n)) {
				t.Errorf("block %s: want %d drill holes on layer 13: %s", bn, n, b)
			}
			// Chinese text survives GBK / ANSI_936.
			if pc.NameZH != "" && !strings.Contains(b, pc.NameZH) {
				t.Errorf("block %s: Chinese name %q not read back: %s", bn, pc.NameZH, b)
			}
		}
	}
}

// Fault 1, 3 and 7 of issue 10 as ezdxf reads the cut file: half
// patterns carry an AAMA layer 6 mirror line and say they are cut on the
// fold (or come whole with Unfold); every quantity is per shoe, with the
// pair derived; the text style names the GB big font.
func TestDXFFoldQuantityAndStyle(t *testing.T) {
	d := samples.Derby()
	blocks := func(unfold bool) (map[string]string, string) {
		var buf bytes.Buffer
		if err := WriteDXF(&buf, d, Options{Sizes: []float64{255}, Unfold: unfold}); err != nil {
			t.Fatal(err)
		}
		out := readDXF(t, buf.Bytes())
		bs := map[string]string{}
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "BLOCK" {
				bs[f[1]] = l
			}
		}
		return bs, out
	}
	half, out := blocks(false)
	for _, want := range []string{"STYLE STANDARD gbenor.shx gbcbig.shx", "STYLE GBCBIG gbenor.shx gbcbig.shx", "TEXTSTYLES GBCBIG\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text style: want %q (the GB big font for AutoCAD, the style name LibreCAD finds gbcbig.lff by) in:\n%s", want, out)
		}
	}
	for _, name := range []string{"VAMP_255", "TOE_CAP_255", "TOE_PUFF_255"} {
		b := half[name]
		for _, want := range []string{"6:1", "Quantity: 1", "Quantity per pair: 2", "Cut on fold"} {
			if !strings.Contains(b, want) {
				t.Errorf("half pattern %s lacks %q: %s", name, want, b)
			}
		}
	}
	for _, want := range []string{"Quantity: 2", "Quantity per pair: 4", "Mirror: L/R"} {
		if b := half["QUARTER_LINING_255"]; !strings.Contains(b, want) {
			t.Errorf("QUARTER_LINING lacks %q: %s", want, b)
		}
	}
	if b := half["QUARTER_LATERAL_255"]; strings.Contains(b, "6:") || !strings.Contains(b, "Quantity: 1") {
		t.Errorf("a quarter is no half pattern and one a shoe: %s", b)
	}
	whole, _ := blocks(true)
	if b := whole["VAMP_255"]; strings.Contains(b, "6:") || !strings.Contains(b, "Whole piece") || !strings.Contains(b, "4:6") {
		t.Errorf("unfolded vamp: want no mirror line, six notches, a whole-piece note: %s", b)
	}
}

func TestDXFOddInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		l    int
	}{{"200 pieces", 200, 0}, {"40-character names", 3, 40}} {
		t.Run(tc.name, func(t *testing.T) {
			d := manyPieces(tc.n, tc.l)
			var buf bytes.Buffer
			if err := WriteDXF(&buf, d, Options{Sizes: []float64{255}}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(buf.String(), "\nBLOCK\n"); got != len(d.Pieces) {
				t.Errorf("%d blocks, want %d", got, len(d.Pieces))
			}
		})
	}
	d := testDesign()
	d.Pieces[0].Name = "前帮"   // no ASCII: falls back to the role
	d.Pieces[1].Name = "Vamp" // same name as another piece
	d.Pieces[1].Role = "vamp"
	d.Pieces[1].NameZH = ""
	d.Pieces[0].Role = "vamp"
	var buf bytes.Buffer
	if err := WriteDXF(&buf, d, Options{Sizes: []float64{255}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nVAMP_255\n", "\nVAMP_255_2\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("block name %q missing", strings.TrimSpace(want))
		}
	}
	if err := WriteDXF(&buf, d, Options{Sizes: []float64{9999}}); err == nil {
		t.Error("size 9999 accepted")
	}
}

// A punch mark too big for a punch (8 mm) is an internal cut-out on AAMA
// layer 11, a closed outline; small punches stay drill points on 13.
func TestDXFCutouts(t *testing.T) {
	d := samples.Sneaker()
	n := 0
	for i := range d.Marks {
		if d.Marks[i].Kind == models.MarkPunch && n < 2 {
			d.Marks[i].Size = 8
			n++
		}
	}
	var buf bytes.Buffer
	if err := WriteDXF(&buf, d, Options{Sizes: []float64{260}}); err != nil {
		t.Fatal(err)
	}
	out := readDXF(t, buf.Bytes())
	var toeCap string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "BLOCK TOE_CAP_260 ") {
			toeCap = l
		}
	}
	if !strings.Contains(toeCap, "11:2") || !strings.Contains(toeCap, "13:8") {
		t.Errorf("toe cap: want 2 cut-outs on layer 11 and 8 drill holes on 13: %s", toeCap)
	}
}
