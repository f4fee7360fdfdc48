package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportErrorsWriteNothing(t *testing.T) {
	c, ok := Lookup("export")
	if !ok {
		t.Fatal("export not registered")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pdf")
	var stderr bytes.Buffer
	env := Env{DataDir: dir, Stdout: &bytes.Buffer{}, Stderr: &stderr}
	for _, args := range [][]string{
		{"--design", "nope", "-o", out},
		{"--design", "nope", "--format", "gif", "-o", out},
		{"--design", "nope", "--lang", "fr", "-o", out},
		{"--design", "nope", "--sizes", "24x", "-o", out},
		{"-o", out},
	} {
		if err := c.Run(env, args); err == nil {
			t.Errorf("%v: no error", args)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v: output written despite the error", args)
		}
	}
	var ue *UsageError
	if err := c.Run(env, []string{"-o", out}); !errors.As(err, &ue) {
		t.Errorf("missing --design: %v, want a usage error", err)
	}
}

func TestExportFreshStudioHasSamples(t *testing.T) {
	c, _ := Lookup("export")
	dir := t.TempDir()
	var stdout bytes.Buffer
	env := Env{DataDir: filepath.Join(dir, "data"), Stdout: &stdout, Stderr: &bytes.Buffer{}}
	out := filepath.Join(dir, "derby.pdf")
	if err := c.Run(env, []string{"--design", "Wenzhou Derby", "-o", out}); err != nil {
		t.Fatalf("export from a fresh studio: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF written: %v", err)
	}
	// The pack carries the store's revision history.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(txt), "Sample design CW-D-2601") {
			t.Errorf("revision history from the store missing from the pack")
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown design", []string{"--design", "Oxford 9"}, "no such design"},
		{"unknown version", []string{"--design", "Wenzhou Derby", "--version", "ffffffff"}, "version"},
		{"size not in run", []string{"--design", "Wenzhou Derby", "--sizes", "255,300"}, "not in the size run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".zip")
			err := c.Run(env, append(tc.args, "--format", "zip", "-o", out))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Error("output written despite the error")
			}
		})
	}
}

// Fault 10 of issue 10 at the command line: a size listed twice is a
// usage error; -o naming an existing directory writes a file named from
// the style number inside it; --dpi reaches the zip's pages.
func TestExportSizesTwiceAndDirectory(t *testing.T) {
	c, _ := Lookup("export")
	dir := t.TempDir()
	env := Env{DataDir: filepath.Join(dir, "data"), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	var ue *UsageError
	if err := c.Run(env, []string{"--design", "CW-D-2601", "--sizes", "255,255", "-o", filepath.Join(dir, "x.pdf")}); !errors.As(err, &ue) {
		t.Errorf("--sizes 255,255: %v, want a usage error", err)
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"pdf", "dxf", "csv"} {
		if err := c.Run(env, []string{"--design", "CW-D-2601", "--format", f, "-o", outDir}); err != nil {
			t.Fatalf("-o an existing directory, %s: %v", f, err)
		}
	}
	for _, name := range []string{"CW-D-2601_techpack.pdf", "CW-D-2601_cut.dxf", "CW-D-2601_bom.csv"} {
		if _, err := os.Stat(filepath.Join(outDir, name)); err != nil {
			t.Errorf("%s not written into the directory: %v", name, err)
		}
	}
	if err := c.Run(env, []string{"--design", "CW-D-2601", "--format", "png", "--dpi", "40", "-o", outDir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(outDir, "CW-D-2601_page01.png")); err != nil {
		t.Errorf("PNG pages in a directory: %v", err)
	}
}

// The sample request sheet from the command line: its own PDF with the
// sizes, pairs, due date and contact given.
func TestExportSampleRequest(t *testing.T) {
	c, _ := Lookup("export")
	dir := t.TempDir()
	env := Env{DataDir: filepath.Join(dir, "data"), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	out := filepath.Join(dir, "req.pdf")
	if err := c.Run(env, []string{"--design", "CW-S-2603", "--format", "request", "--lang", "en", "--pairs", "260:2,270:1",
		"--due", "2026-12-20", "--contact", "Zhou Ming", "-o", out}); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", "-layout", out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Sample Request", "2026-12-20", "Zhou Ming", "Total 3 pairs"} {
			if !strings.Contains(string(txt), want) {
				t.Errorf("request sheet lacks %q", want)
			}
		}
	}
	var ue *UsageError
	for _, bad := range [][]string{{"--pairs", "260"}, {"--pairs", "260:1,260:2"}, {"--due", "20 Dec"}} {
		if err := c.Run(env, append([]string{"--design", "CW-S-2603", "--format", "request", "-o", out}, bad...)); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}
