//go:build winsmoke

// Package winsmoke runs the cross-built Cordwain.exe under Wine and Xvfb: the
// window opens and draws, the studio is created, and after the window is
// closed one `edit` and one `export` run with Windows paths (backslashes, a
// folder named 样品, a file name with a space and Chinese). `make winsmoke`
// builds Cordwain.exe if needed, installs Wine (Debian's wine64) and runs it.
//
// Wine 8 has no bcryptprimitives.dll, whose ProcessPrng every Go >= 1.24
// program calls at start; the test builds a stand-in from
// testdata/bcryptprimitives.c with mingw-w64 and puts it into the fresh
// Wine prefix. The stand-in is for this test only and is never shipped.
package winsmoke

import (
	"bytes"
	"context"
	"cordwain/internal/xvfb"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	design = "CW-D-2601"
	// Windows paths and where they are in the prefix (C: is drive_c).
	winFolder = `C:\样品`
	winStudio = `C:\样品\studio`
	winPDF    = `C:\样品\CW-D-2601 工艺单.pdf`
	message   = "Wine smoke heel 30"
)

// logFile takes a child's output. It is a file, not a pipe: wineserver and
// other Wine processes inherit it and outlive the command, so a pipe would
// never reach EOF.
type logFile struct{ f *os.File }

func newLog(t *testing.T) *logFile {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "wine-*.log")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &logFile{f}
}

func (l *logFile) String() string {
	b, _ := os.ReadFile(l.f.Name())
	return string(b)
}

// env is one Wine prefix on one X display.
type env struct {
	wine, server string // wine loader and wineserver
	prefix       string // WINEPREFIX
	disp         string
	vars         []string
}

// hostPath maps a C:\ path to where it is in the prefix.
func (e *env) hostPath(win string) string {
	rest := strings.TrimPrefix(win, `C:\`)
	return filepath.Join(append([]string{e.prefix, "drive_c"}, strings.Split(rest, `\`)...)...)
}

func (e *env) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.vars
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs a Windows program to completion and returns its output.
func (e *env) run(t *testing.T, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := newLog(t)
	cmd := e.command(ctx, e.wine, args...)
	cmd.Stdout, cmd.Stderr = out.f, out.f
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	return out.String(), err
}

// findWine finds the Wine loader and wineserver: $WINE and $WINESERVER, then
// PATH, then where Debian's wine64 package puts them (not on PATH).
func findWine(t *testing.T) (wine, server string) {
	t.Helper()
	wine = os.Getenv("WINE")
	if wine == "" {
		for _, c := range []string{"wine64", "wine", "/usr/lib/wine/wine64"} {
			if p, err := exec.LookPath(c); err == nil {
				wine = p
				break
			}
		}
	}
	if wine == "" {
		t.Fatal("Wine is missing: `make winsmoke` installs wine64, or set WINE")
	}
	server = os.Getenv("WINESERVER")
	if server == "" {
		dir := filepath.Dir(wine)
		for _, c := range []string{filepath.Join(dir, "wineserver64"), filepath.Join(dir, "wineserver"), "wineserver"} {
			if p, err := exec.LookPath(c); err == nil {
				server = p
				break
			}
		}
	}
	if server == "" {
		t.Fatal("wineserver is missing next to " + wine + ": set WINESERVER")
	}
	return wine, server
}

// setup makes a fresh prefix with the stand-in bcryptprimitives.dll and
// Cordwain.exe in C:\Program Files\Cordwain, and returns the exe's C: path.
func setup(t *testing.T) (*env, string) {
	t.Helper()
	exe := os.Getenv("CORDWAIN_EXE")
	if exe == "" {
		t.Fatal("CORDWAIN_EXE is not set: run `make winsmoke`")
	}
	cc := os.Getenv("MINGW_CC")
	if cc == "" {
		cc = "x86_64-w64-mingw32-gcc"
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import", "qpdf", "pdftotext", cc} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (`make winsmoke` installs it): %v", tool, err)
		}
	}
	wine, server := findWine(t)
	tmp := t.TempDir()
	e := &env{wine: wine, server: server, prefix: filepath.Join(tmp, "prefix")}
	e.disp = xvfb.Start(t)
	home := filepath.Join(tmp, "home")
	// Debian's wineserver makes its socket directory in $TMPDIR.
	wtmp := filepath.Join(tmp, "tmp")
	if err := os.MkdirAll(wtmp, 0o700); err != nil {
		t.Fatal(err)
	}
	e.vars = append(os.Environ(),
		"WINEPREFIX="+e.prefix, "WINESERVER="+server, "WINEARCH=win64",
		"WINEDEBUG=-all",
		// No Mono/Gecko install prompts, no menu entries in $HOME.
		"WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d",
		"DISPLAY="+e.disp, "HOME="+home, "TMPDIR="+wtmp,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		// Wine maps Unix file names and arguments through the locale.
		"LC_ALL=C.UTF-8", "LANG=C.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
	// Stop everything in the prefix at the end, whatever happened (this
	// runs before Xvfb is killed and the temp dir removed).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if out, err := e.command(ctx, server, "-k").CombinedOutput(); err != nil && ctx.Err() != nil {
			t.Logf("wineserver -k: %v %s", err, out)
		}
		_ = e.command(ctx, server, "-w").Run()
	})

	start := time.Now()
	if out, err := e.run(t, 3*time.Minute, "wineboot", "--init"); err != nil {
		t.Fatalf("creating the Wine prefix: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := e.command(ctx, server, "-w").Run(); err != nil {
		t.Fatalf("waiting for wineboot: %v", err)
	}
	t.Logf("Wine prefix created in %.1f s", time.Since(start).Seconds())

	sys32 := filepath.Join(e.prefix, "drive_c", "windows", "system32")
	if _, err := os.Stat(filepath.Join(sys32, "kernel32.dll")); err != nil {
		t.Fatalf("the prefix has no system32: %v", err)
	}
	stub := filepath.Join(sys32, "bcryptprimitives.dll")
	if _, err := os.Stat(stub); err == nil {
		t.Logf("this Wine has its own bcryptprimitives.dll; keeping it")
	} else {
		src, err := filepath.Abs(filepath.Join("testdata", "bcryptprimitives.c"))
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(cc, "-O2", "-s", "-shared", "-o", stub, src, "-ladvapi32").CombinedOutput(); err != nil {
			t.Fatalf("building the stand-in bcryptprimitives.dll: %v\n%s", err, out)
		}
	}

	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatalf("reading CORDWAIN_EXE: %v", err)
	}
	dir := e.hostPath(`C:\Program Files\Cordwain`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Cordwain.exe"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.hostPath(winFolder), 0o755); err != nil {
		t.Fatal(err)
	}
	return e, `C:\Program Files\Cordwain\Cordwain.exe`
}

func (e *env) xdotool(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return e.command(ctx, "xdotool", args...).Output()
}

func (e *env) screenshot(t *testing.T) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := e.command(ctx, "import", "-display", e.disp, "-window", "root", "png:-").Output()
	if err != nil {
		t.Fatalf("taking a screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	if path := os.Getenv("WINSMOKE_SCREENSHOT"); path != "" {
		_ = os.WriteFile(path, out, 0o644)
	}
	return img
}

func TestWineCordwain(t *testing.T) {
	e, exe := setup(t)
	studio := e.hostPath(winStudio)

	// 1. The window opens on a new studio and draws something.
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gui := e.command(ctx, e.wine, exe, "--data", winStudio)
	// Says when the studio is closed, so a hang after WM_CLOSE tells
	// Cordwain's closing (it reports its goroutines after 15 s) from the
	// process's exit under Wine.
	gui.Env = append(gui.Env, "CORDWAIN_DEBUG_EXIT=1")
	out := newLog(t)
	gui.Stdout, gui.Stderr = out.f, out.f
	if err := gui.Start(); err != nil {
		t.Fatalf("starting Cordwain.exe under Wine: %v", err)
	}
	done := make(chan struct{})
	var guiErr error
	go func() { guiErr = gui.Wait(); close(done) }()
	defer func() { cancel(); <-done }()

	var win string
	deadline := time.Now().Add(2 * time.Minute)
	for win == "" {
		select {
		case <-done:
			t.Fatalf("Cordwain.exe exited under Wine before showing a window: %v\n%s", guiErr, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Cordwain window after 2 min under Wine\n%s", out)
		}
		if ids, err := e.xdotool("search", "--onlyvisible", "--name", "Cordwain"); err == nil && len(bytes.TrimSpace(ids)) > 0 {
			win = strings.Fields(string(ids))[0]
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("window shown %.1f s after start", time.Since(start).Seconds())
	time.Sleep(3 * time.Second) // let the first frames render
	distinct, top := xvfb.Stats(e.screenshot(t))
	t.Logf("screenshot: %d distinct colours, most common covers %.0f%%", distinct, top*100)
	if distinct < 50 || top > 0.9 {
		t.Fatalf("the screen looks blank under Wine: %d colours, top colour %.0f%%\n%s", distinct, top*100, out)
	}
	name, err := e.xdotool("getwindowname", win)
	title := strings.TrimSpace(string(name))
	if err != nil || !strings.HasSuffix(title, "Cordwain") || len(title) <= len(" — Cordwain") {
		t.Fatalf("no design is open in the window: title %q (%v)\n%s", title, err, out)
	}
	t.Logf("window title: %s", title)
	for _, f := range []string{"cordwain.db", "identity.pem"} {
		if st, err := os.Stat(filepath.Join(studio, f)); err != nil || st.Size() == 0 {
			t.Fatalf("the studio %s has no %s: %v\n%s", winStudio, f, err, out)
		}
	}

	// 2. Close it as Windows would (WM_CLOSE, what taskkill without /f
	// sends) and wait for it to exit.
	if o, err := e.run(t, time.Minute, "taskkill", "/im", "Cordwain.exe"); err != nil {
		t.Fatalf("taskkill /im Cordwain.exe: %v\n%s", err, o)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		where := "Cordwain was still closing"
		if strings.Contains(out.String(), "studio closed, exiting") {
			where = "the studio was closed; the process did not end"
		}
		t.Fatalf("Cordwain.exe did not exit within 30 s of WM_CLOSE (%s)\n%s", where, out)
	}
	if guiErr != nil {
		t.Fatalf("Cordwain.exe exited with %v after WM_CLOSE\n%s", guiErr, out)
	}
	if strings.Contains(out.String(), "panic:") {
		t.Fatalf("Cordwain.exe panicked:\n%s", out)
	}
	t.Logf("GUI run took %.1f s", time.Since(start).Seconds())

	// 3. One edit and one export from the command line, Windows paths.
	start = time.Now()
	o, err := e.run(t, 2*time.Minute, exe, "--data", winStudio, "edit", "--design", design,
		"--set", "last.heel_height=30", "-m", message)
	if err != nil {
		t.Fatalf("Cordwain.exe edit: %v\n%s", err, o)
	}
	t.Logf("edit took %.1f s: %s", time.Since(start).Seconds(), strings.TrimSpace(o))
	start = time.Now()
	o, err = e.run(t, 3*time.Minute, exe, "--data", winStudio, "export", "--design", design,
		"--format", "pdf", "-o", winPDF)
	if err != nil {
		t.Fatalf("Cordwain.exe export: %v\n%s", err, o)
	}
	t.Logf("export took %.1f s: %s", time.Since(start).Seconds(), strings.TrimSpace(o))

	pdf := e.hostPath(winPDF)
	if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
		entries, _ := os.ReadDir(e.hostPath(winFolder))
		var names []string
		for _, en := range entries {
			names = append(names, en.Name())
		}
		t.Fatalf("no PDF at %s (%v); %s holds %q", winPDF, err, winFolder, names)
	}
	if o, err := exec.Command("qpdf", "--check", pdf).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check %s: %v\n%s", winPDF, err, o)
	}
	txt, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{design, message} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("the exported PDF has no %q in its text", want)
		}
	}
}
