package packaging

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"cordwain/canvas/samples"
)

// Fault 10 of issue 10: a size listed twice is refused, and the zip's
// entries carry the exported version's time instead of 2000-01-01.
func TestOptionsSizesAndZipTime(t *testing.T) {
	d := samples.Derby()
	if _, err := Pages(d, Options{Sizes: []float64{255, 255}}); !errors.Is(err, ErrBadOptions) {
		t.Errorf("sizes 255,255: got %v, want ErrBadOptions", err)
	}
	o := testOptions()
	o.DPI = 10 // the pages' pixels do not matter here
	var buf bytes.Buffer
	if err := WriteWorkshopPackage(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := o.History[len(o.History)-1].Time
	for _, f := range zr.File {
		if !f.Modified.UTC().Equal(want) {
			t.Errorf("%s dated %v, want the version's %v", f.Name, f.Modified.UTC(), want)
		}
	}
}

// Exported files get the mode new files get (not CreateTemp's 0600), and
// a directory is never replaced by a file.
func TestWriteFileAtomicModeAndDirectory(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "techpack.pdf")
	if err := WriteFileAtomic(name, []byte("x")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if want := 0o666 &^ umask(); runtime.GOOS != "windows" && st.Mode().Perm() != want {
		t.Errorf("mode %v, want %v", st.Mode().Perm(), want)
	}
	if err := WriteFileAtomic(dir, []byte("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("writing over a directory: %v", err)
	}
}

func TestOptionsRejectBadCuttingAllowance(t *testing.T) {
	d := samples.Derby()
	d.Materials[0].Waste = 1.5
	if _, err := BOM(d, Options{}); !errors.Is(err, ErrBadOptions) {
		t.Errorf("cutting allowance 150%%: got %v, want ErrBadOptions", err)
	}
}

// The workshop zip opens with the sample request sheet (page 1 of its
// PDF, and as its own one-page PDF): sizes and pairs wanted, due date,
// contact, and the materials to pull for those pairs, in zh and en.
func TestSampleRequestSheet(t *testing.T) {
	d := samples.Derby()
	due := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	for _, lang := range []Lang{LangEN, LangZH} {
		o := testOptions()
		o.Lang = lang
		o.Request = &SampleRequest{Pairs: map[float64]int{255: 1, 265: 2}, Due: due, Contact: "Chen Wei 138 0000 0000"}
		var buf bytes.Buffer
		if err := WriteSampleRequestPDF(&buf, d, o); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "req.pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		info := run(t, "pdfinfo", path)
		if !strings.Contains(info, "Pages:           1") {
			t.Errorf("%s: the sheet is not one page:\n%s", lang, info)
		}
		text := run(t, "pdftotext", "-layout", path, "-")
		want := []string{"CW-D-2601", "2026-12-15", "Chen Wei 138 0000 0000", "3 pairs", "Box calf", "Sample Request"}
		if lang == LangZH {
			want = []string{"CW-D-2601", "2026-12-15", "Chen Wei 138 0000 0000", "合计 3 双", "牛皮", "打样通知单"}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s sheet lacks %q:\n%s", lang, w, text)
			}
		}
	}
	o := testOptions()
	o.Request = &SampleRequest{Pairs: map[float64]int{300: 1}}
	if _, err := Pages(d, o); !errors.Is(err, ErrBadOptions) {
		t.Errorf("a size outside the run: %v", err)
	}
	zo := testOptions()
	zo.DPI = 10
	files, err := WorkshopFiles(d, zo)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range files {
		names[f.Name] = true
	}
	if !names["CW-D-2601_sample_request.pdf"] {
		t.Errorf("zip lacks the sample request sheet: %v", names)
	}
	pages, err := Pages(d, Options{Request: &SampleRequest{}})
	if err != nil || !strings.Contains(pages[0].Title, "Sample Request") {
		t.Errorf("page 1 is not the sample request: %v", err)
	}
}

// The sample request's "Enclosed" list names every kind of file the zip
// holds, in both languages, so the workshop knows what each one is for.
func TestSampleRequestNamesEveryEnclosedFile(t *testing.T) {
	d := samples.Derby()
	o := testOptions()
	o.DPI = 10
	files, err := WorkshopFiles(d, o)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][2]string{ // file kind → what the sheet calls it, en and zh
		"_techpack.pdf": {"Tech pack", "工艺单"},
		".png":          {"PNG in pages/", "PNG，在 pages/"},
		"_cut.dxf":      {"DXF cut file", "DXF 裁断文件"},
		"_base.dxf":     {"base-size DXF", "基本码 DXF"},
		".rul":          {"grade rules .rul", "放码规则 .rul"},
		"fonts/":        {"LibreCAD's Chinese font (fonts/)", "LibreCAD 中文字体（fonts/）"},
		"_bom.csv":      {"BOM CSV", "物料清单 CSV"},
		"manifest.json": {"manifest.json", "manifest.json"},
		"_request.pdf":  {"", ""}, // the sheet itself
	}
	seen := map[string]bool{}
	for _, f := range files {
		kind := ""
		for k := range kinds {
			if strings.HasSuffix(f.Name, k) || strings.HasPrefix(f.Name, k) {
				kind = k
			}
		}
		if kind == "" {
			t.Errorf("the zip's %s is of no kind the sheet names", f.Name)
		}
		seen[kind] = true
	}
	for _, lang := range []Lang{LangEN, LangZH} {
		o := testOptions()
		o.Lang = lang
		var buf bytes.Buffer
		if err := WriteSampleRequestPDF(&buf, d, o); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "req.pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(run(t, "pdftotext", path, "-")), "")
		for kind := range seen {
			name := kinds[kind][0]
			if lang == LangZH {
				name = kinds[kind][1]
			}
			if !strings.Contains(text, strings.Join(strings.Fields(name), "")) {
				t.Errorf("%s sheet does not name the zip's %s files (%q)", lang, kind, name)
			}
		}
	}
}
