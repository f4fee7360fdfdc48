//go:build smoke

package smoke

import (
	"bytes"
	"cordwain/internal/xvfb"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cordwainAs runs a command of the real binary with extra environment.
func cordwainAs(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Getenv("CORDWAIN_BIN"), args...)
	cmd.Env = append(append(os.Environ(), "LANG=en_US.UTF-8"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String()
}

// windowOf waits for the visible window of the process.
func (r *running) windowOf(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			t.Fatalf("cordwain exited before showing a window: %v (display %s now: %s)\n%s", r.err, r.disp, displayState(r.disp), r.stderr)
		default:
		}
		out, err := r.xdotool("search", "--onlyvisible", "--pid", strconv.Itoa(r.cmd.Process.Pid))
		if err == nil && len(bytes.TrimSpace(out)) > 0 {
			return strings.Fields(string(out))[0]
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no window of pid %d after 60 s\n%s", r.cmd.Process.Pid, r.stderr)
	return ""
}

func waitServing(t *testing.T, r *running, data string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(data, "control.json")); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window does not serve %s\n%s", data, r.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Two windows with --loopback on two data directories in one studio see
// each other, and an edit handed to one appears in the other's studio
// (checked through `log` handed to the other window) within a blink.
func TestSmokeTwoWindowsInOneStudio(t *testing.T) {
	disp := xvfb.Start(t)
	dir := t.TempDir()
	dataA, dataB := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	status, out := cordwainAs(t, []string{"USER=Ana"}, "--data", dataA, "--loopback", "studio", "create", "Smoke studio")
	if status != 0 {
		t.Fatalf("studio create: %d\n%s", status, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	code := lines[len(lines)-1]
	if status, out := cordwainAs(t, []string{"USER=Bo"}, "--data", dataB, "--loopback", "studio", "join", code); status != 0 {
		t.Fatalf("studio join: %d\n%s", status, out)
	}

	a := start(t, disp, "--data", dataA, "--loopback")
	waitServing(t, a, dataA)
	b := start(t, disp, "--data", dataB, "--loopback")
	waitServing(t, b, dataB)
	winA, winB := a.windowOf(t), b.windowOf(t)
	// Side by side on the screen.
	a.xdotool("windowsize", winA, "720", "880")
	a.xdotool("windowmove", winA, "0", "0")
	b.xdotool("windowsize", winB, "720", "880")
	b.xdotool("windowmove", winB, "720", "0")

	// They find each other: B dials the inviter remembered at join, or
	// (when A took another port than the code's) B is handed a fresh
	// code of A's.
	online := func() bool {
		_, out := cordwain(t, "--data", dataB, "peers")
		return strings.Contains(out, "online")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !online() && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
	}
	if !online() {
		_, out := cordwain(t, "--data", dataA, "studio", "invite")
		ls := strings.Split(strings.TrimSpace(out), "\n")
		if status, out := cordwain(t, "--data", dataB, "studio", "join", ls[len(ls)-1]); status != 0 {
			t.Fatalf("join handed to B's window: %d\n%s", status, out)
		}
		deadline = time.Now().Add(20 * time.Second)
		for !online() {
			if time.Now().After(deadline) {
				_, out := cordwain(t, "--data", dataB, "peers")
				t.Fatalf("the windows do not meet:\n%s\nA:\n%s\nB:\n%s", out, a.stderr, b.stderr)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	if _, out := cordwain(t, "--data", dataA, "studio", "members"); !strings.Contains(out, "Bo") || !strings.Contains(out, "online") {
		t.Fatalf("A's members:\n%s", out)
	}

	// A's pointer over its drawing.
	a.xdotool("mousemove", "--window", winA, "330", "420")

	// An edit handed to A's window, of the design B has open, appears in
	// B's studio.
	title, _ := b.xdotool("getwindowname", winB)
	parts := strings.Split(strings.TrimSpace(string(title)), " — ")
	if len(parts) != 3 {
		t.Fatalf("B's window title %q does not name the open design", title)
	}
	style := parts[1]
	begin := time.Now()
	if status, out := cordwain(t, "--data", dataA, "edit", "--design", style, "--set", "meta.season=SS44", "-m", "season from window A"); status != 0 {
		t.Fatalf("edit handed to A: %d\n%s", status, out)
	}
	for {
		_, out := cordwain(t, "--data", dataB, "log", "--design", style)
		if strings.Contains(out, "season from window A") {
			t.Logf("A's edit in B's log after %v:\n%s", time.Since(begin), out)
			if strings.Contains(out, "not a studio member") {
				t.Errorf("a member's version flagged:\n%s", out)
			}
			break
		}
		if time.Since(begin) > 20*time.Second {
			t.Fatalf("A's edit did not reach B:\n%s\nA:\n%s\nB:\n%s", out, a.stderr, b.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // the notice and the pointer drawn
	img := a.screenshot(t, "root")
	shot := filepath.Join(dir, "two-windows.png")
	if d := os.Getenv("CORDWAIN_SCREENSHOT_DIR"); d != "" {
		shot = filepath.Join(d, "two-windows.png")
	}
	f, err := os.Create(shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Logf("screenshot: %s", shot)
	if distinct, top := xvfb.Stats(img); distinct < 50 || top > 0.9 {
		t.Fatalf("the screen looks blank: %d colours, top %.0f%%", distinct, top*100)
	}
	a.stop(t)
	b.stop(t)
	t.Logf("window A's log:\n%s\nwindow B's log:\n%s", a.stderr, b.stderr)
}
