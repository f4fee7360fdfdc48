//go:build smoke

// Package smoke starts the real cordwain binary under Xvfb and checks what a
// user would see. `make smoke` builds the binary and runs it; it needs Xvfb,
// xdotool and ImageMagick (installed by `make test`).
package smoke

import (
	"bufio"
	"bytes"
	"image"
	"image/color"
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

// display starts Xvfb on a free display number and returns its name.
func display(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs it): %v", tool, err)
		}
	}
	// Xvfb picks a free display itself and says which (-displayfd), and is
	// stopped with SIGTERM so it removes its socket and lock: killed
	// outright it left them behind, and after enough runs no display
	// number looked free.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1440x900x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		r.Close()
		if n == "" {
			t.Fatal("Xvfb did not say which display it took")
		}
		return ":" + n
	case <-time.After(15 * time.Second):
		t.Fatal("Xvfb did not come up")
	}
	return ""
}

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
	bin := os.Getenv("CORDWAIN_BIN")
	if bin == "" {
		t.Fatal("CORDWAIN_BIN is not set: run `make smoke`")
	}
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	cmd.Stdout = stderr
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"LANG=en_US.UTF-8", "LIBGL_ALWAYS_SOFTWARE=1")
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

// waitWindow waits for a window whose title contains name.
func (r *running) waitWindow(t *testing.T, name string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			t.Fatalf("cordwain exited before showing a window: %v\n%s", r.err, r.stderr)
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

// stats counts distinct colours and the share of the most common one.
func stats(img image.Image) (distinct int, topShare float64) {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 0}]++
		}
	}
	total, top := 0, 0
	for _, n := range counts {
		total += n
		if n > top {
			top = n
		}
	}
	return len(counts), float64(top) / float64(total)
}

func TestSmokeOpensOnSampleStudio(t *testing.T) {
	disp := display(t)
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
	distinct, top := stats(img)
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
	disp := display(t)
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
	distinct, top := stats(r.screenshot(t, "root"))
	if distinct < 20 || top > 0.95 {
		t.Fatalf("the window looks blank: %d colours, top %.0f%%", distinct, top*100)
	}
	if strings.Contains(r.stderr.String(), "panic:") {
		t.Fatalf("cordwain panicked:\n%s", r.stderr)
	}
}
