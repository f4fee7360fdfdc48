package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool fails (not skips) when an external checker is missing.
func needTool(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("%s is not installed; `make test` installs it (qpdf, poppler-utils, python3-ezdxf, librsvg2-bin)", path)
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
	d := testDesign()
	var buf bytes.Buffer
	sizes := []float64{240, 250, 265}
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
	for _, name := range []string{"VAMP", "QUARTER", "TONGUE", "BACKSTAY", "QUARTER_LINING"} {
		for _, s := range []string{"240", "250", "265"} {
			bn := name + "_" + s
			b, ok := blocks[bn]
			if !ok {
				t.Errorf("block %s missing", bn)
				continue
			}
			if inserts[bn] != "1" {
				t.Errorf("block %s inserted on layer %q, want 1", bn, inserts[bn])
			}
			for _, part := range []string{"1:", "14:1", "7:1", "Piece Name: " + bn, "Size: " + s, "Quantity:", "Material:"} {
				if !strings.Contains(b, part) {
					t.Errorf("block %s lacks %q: %s", bn, part, b)
				}
			}
		}
	}
	// Vamp: two notches (depth 2, width 1); quarter: punch + eyelet drill holes.
	if b := blocks["VAMP_250"]; !strings.Contains(b, "4:2") || !strings.Contains(b, "2.00/1.00/") {
		t.Errorf("vamp notches missing or without depth/width: %s", b)
	}
	if b := blocks["QUARTER_250"]; !strings.Contains(b, "13:2") {
		t.Errorf("quarter drill holes missing: %s", b)
	}
	// Chinese text survives GBK / ANSI_936.
	if !strings.Contains(blocks["VAMP_250"], "头层牛皮") || !strings.Contains(blocks["VAMP_250"], "前帮") {
		t.Errorf("Chinese text not read back: %s", blocks["VAMP_250"])
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
			if err := WriteDXF(&buf, d, Options{Sizes: []float64{250}}); err != nil {
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
	d.Pieces[1].NameZH = ""
	d.Pieces[0].Role = "vamp"
	var buf bytes.Buffer
	if err := WriteDXF(&buf, d, Options{Sizes: []float64{250}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nVAMP_250\n", "\nVAMP_250_2\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("block name %q missing", strings.TrimSpace(want))
		}
	}
	if err := WriteDXF(&buf, d, Options{Sizes: []float64{9999}}); err == nil {
		t.Error("size 9999 accepted")
	}
}
