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
