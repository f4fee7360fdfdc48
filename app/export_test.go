package app

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/packaging"
)

func TestRunExportWritesPDFZipAndPages(t *testing.T) {
	dir := t.TempDir()
	d := samples.Derby()
	opts := packaging.Options{Lang: packaging.LangBoth, Sizes: []float64{250, 260}}

	pdf := filepath.Join(dir, "derby.pdf")
	var steps []float64
	if _, err := RunExport(ExportRequest{Design: d, Format: ExportPDF, Options: opts, Path: pdf}, func(v float64) { steps = append(steps, v) }); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF: %v", err)
	}
	if qpdf, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command(qpdf, "--check", pdf).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	if len(steps) == 0 || steps[len(steps)-1] != 1 {
		t.Errorf("progress %v does not end at 1", steps)
	}

	zpath := filepath.Join(dir, "derby.zip")
	if _, err := RunExport(ExportRequest{Design: d, Format: ExportZip, Options: opts, Path: zpath}, nil); err != nil {
		t.Fatal(err)
	}
	checkZip(t, zpath)

	files, err := RunExport(ExportRequest{Design: d, Format: ExportPNG, Options: opts, Path: filepath.Join(dir, "pages.png")}, nil)
	if err != nil || len(files) < 10 || !strings.HasSuffix(files[0], "pages-01.png") {
		t.Fatalf("PNG pages: %v %v", files, err)
	}

	if !reflect.DeepEqual(d, samples.Derby()) {
		t.Error("exporting changed the design")
	}

	bad := filepath.Join(dir, "bad.pdf")
	badOpts := opts
	badOpts.Sizes = []float64{9999}
	if _, err := RunExport(ExportRequest{Design: d, Format: ExportPDF, Options: badOpts, Path: bad}, nil); err == nil {
		t.Error("size 9999 accepted")
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed export wrote a file")
	}
	if _, err := RunExport(ExportRequest{Design: d, Format: ExportPDF, Options: opts}, nil); err == nil {
		t.Error("export without a path accepted")
	}
}

func checkZip(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[filepath.Ext(f.Name)] = true
		names[f.Name] = true
	}
	for _, want := range []string{"manifest.json", ".pdf", ".dxf", ".csv", ".png"} {
		if !names[want] {
			t.Errorf("zip lacks %s", want)
		}
	}
}

func TestExportDialogBuildsAndExports(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	if u.Current() == nil {
		t.Fatal("no design open")
	}
	before := u.Current()
	snapshot := canvas.CloneDesign(before)

	u.showExportDialog() // the menu's entry point builds and shows without panicking

	e := newExportDialog(u.win, u.tr, u.Current(), "")
	e.show()
	if e.preview.Image == nil {
		t.Fatal("no preview of page 1")
	}
	if got := len(e.sizes.Selected); got != len(before.Meta.SizeRun) {
		t.Errorf("%d sizes ticked, want the whole run (%d)", got, len(before.Meta.SizeRun))
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	e.path.SetText(path)
	e.format.SetSelected(u.tr.L("export.format.zip"))
	if !strings.HasSuffix(e.path.Text, ".zip") {
		t.Fatalf("format change left the path at %q", e.path.Text)
	}
	e.lang.SetSelected(u.tr.L("export.lang.zh"))

	finished := make(chan error, 1)
	e.afterExport = func(_ []string, err error) { finished <- err }
	test.Tap(e.exportBtn)
	select {
	case err := <-finished:
		if err != nil {
			t.Fatalf("export failed: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("export did not finish")
	}
	checkZip(t, e.path.Text)
	if !reflect.DeepEqual(snapshot, u.Current()) {
		t.Error("exporting changed the open design")
	}

	// No sizes: the dialog says so and writes nothing.
	e.sizes.SetSelected(nil)
	e.path.SetText(filepath.Join(t.TempDir(), "none.zip"))
	test.Tap(e.exportBtn)
	if !e.message.Visible() || e.message.Text != u.tr.L("export.no_sizes") {
		t.Errorf("message %q, want the no-sizes error", e.message.Text)
	}
	if _, err := os.Stat(e.path.Text); !errors.Is(err, os.ErrNotExist) {
		t.Error("wrote a file with no sizes")
	}
}

// Fault 11 of issue 10: the dialog and `cordwain export` share one export
// path, so the same request names PNG pages alike, writes into a
// directory alike and takes the Unfold choice.
func TestRunExportIsTheSharedPath(t *testing.T) {
	dir := t.TempDir()
	d := samples.Derby()
	files, err := RunExport(ExportRequest{Design: d, Format: ExportPNG, Options: packaging.Options{Sizes: []float64{255}, DPI: 30}, Path: dir}, nil)
	if err != nil || len(files) == 0 || filepath.Base(files[0]) != "CW-D-2601_page01.png" {
		t.Fatalf("PNG pages into a directory: %v %v", files, err)
	}
	files, err = RunExport(ExportRequest{Design: d, Format: ExportDXF, Options: packaging.Options{Sizes: []float64{255}, Unfold: true}, Path: dir}, nil)
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != "CW-D-2601_cut.dxf" {
		t.Fatalf("DXF into a directory: %v %v", files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil || !bytes.Contains(data, []byte("Whole piece")) || bytes.Contains(data, []byte("Cut on fold")) {
		t.Errorf("Unfold did not reach the cut file: %v", err)
	}
}
