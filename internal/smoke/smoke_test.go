//go:build smoke

// Package smoke starts the real cordwain binary under Xvfb and checks what a
// user would see. `make smoke` builds the binary and runs it; it needs Xvfb,
// xdotool and ImageMagick (installed by `make test`).
package smoke

import (
	"bytes"
	"cordwain/internal/xvfb"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects the child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type running struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	disp   string
	done   chan struct{} // closed when the process has exited
	err    error         // its exit status, once done is closed
}

func start(t *testing.T, disp string, args ...string) *running {
	t.Helper()
	return startIn(t, disp, t.TempDir(), nil, args...)
}

// startIn starts the binary with home as its HOME (its Fyne preferences
// under home/config) and env added to its environment.
func startIn(t *testing.T, disp, home string, env []string, args ...string) *running {
	t.Helper()
	bin := os.Getenv("CORDWAIN_BIN")
	if bin == "" {
		t.Fatal("CORDWAIN_BIN is not set: run `make smoke`")
	}
	cmd := exec.Command(bin, args...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	cmd.Stdout = stderr
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"LANG=en_US.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
	cmd.Env = append(cmd.Env, env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	r := &running{cmd: cmd, stderr: stderr, disp: disp, done: make(chan struct{})}
	go func() { r.err = cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-r.done
	})
	return r
}

// displayState says whether the display's server answers an X connection
// setup: it tells a window that could not open a working display from a
// display that was gone.
func displayState(disp string) string {
	if err := xvfb.Check(disp); err != nil {
		return "no answer: " + err.Error()
	}
	return "answers"
}

// waitWindow waits for a window whose title contains name.
func (r *running) waitWindow(t *testing.T, name string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			t.Fatalf("cordwain exited before showing a window: %v (display %s now: %s)\n%s", r.err, r.disp, displayState(r.disp), r.stderr)
		default:
		}
		out, err := r.xdotool("search", "--onlyvisible", "--name", name)
		if err == nil && len(bytes.TrimSpace(out)) > 0 {
			return strings.Fields(string(out))[0]
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no window named %q after 60 s\n%s", name, r.stderr)
	return ""
}

func (r *running) xdotool(args ...string) ([]byte, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.disp)
	return cmd.Output()
}

// screenshot captures a window ("root" for the whole screen).
func (r *running) screenshot(t *testing.T, window string) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-display", r.disp, "-window", window, "png:-")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("taking a screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	return img
}

func TestSmokeOpensOnSampleStudio(t *testing.T) {
	disp := xvfb.Start(t)
	data := filepath.Join(t.TempDir(), "studio")
	r := start(t, disp, "--data", data)
	win := r.waitWindow(t, "Cordwain")
	time.Sleep(3 * time.Second) // let the first frames render
	img := r.screenshot(t, "root")
	if path := os.Getenv("CORDWAIN_SCREENSHOT"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, r.screenshot(t, win)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	distinct, top := xvfb.Stats(img)
	t.Logf("screenshot: %d distinct colours, most common covers %.0f%%", distinct, top*100)
	if distinct < 50 || top > 0.9 {
		t.Fatalf("the screen looks blank: %d colours, top colour %.0f%%\n%s", distinct, top*100, r.stderr)
	}
	// The sample studio was created in the data directory.
	entries, err := os.ReadDir(data)
	if err != nil || len(entries) == 0 {
		t.Fatalf("data directory %s was not populated: %v", data, err)
	}
	// A design is open: its name is in the window title.
	out, err := r.xdotool("getwindowname", win)
	title := strings.TrimSpace(string(out))
	if err != nil || !strings.HasSuffix(title, " — Cordwain") || len(title) <= len(" — Cordwain") {
		t.Fatalf("no design is open in the window: title %q (%v)\n%s", title, err, r.stderr)
	}
	t.Logf("window title: %s", title)
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
		t.Fatal("cordwain did not exit on SIGTERM")
	}
	if strings.Contains(r.stderr.String(), "panic:") {
		t.Fatalf("cordwain panicked:\n%s", r.stderr)
	}
}

func TestSmokeBadDataDirIsReported(t *testing.T) {
	disp := xvfb.Start(t)
	// A plain file where the data directory should be.
	bad := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(bad, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, disp, "--data", bad)
	r.waitWindow(t, "Cordwain")
	time.Sleep(2 * time.Second)
	if !strings.Contains(r.stderr.String(), "not-a-dir") {
		t.Fatalf("stderr does not name the bad data directory:\n%s", r.stderr)
	}
	distinct, top := xvfb.Stats(r.screenshot(t, "root"))
	if distinct < 20 || top > 0.95 {
		t.Fatalf("the window looks blank: %d colours, top %.0f%%", distinct, top*100)
	}
	if strings.Contains(r.stderr.String(), "panic:") {
		t.Fatalf("cordwain panicked:\n%s", r.stderr)
	}
}
