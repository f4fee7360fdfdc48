//go:build smoke

package smoke

import (
	"bytes"
	"cordwain/internal/xvfb"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cordwain runs a command of the real binary and returns its status and
// output.
func cordwain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Getenv("CORDWAIN_BIN"), args...)
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
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

func (r *running) stop(t *testing.T) {
	t.Helper()
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

// While the window is open, commands on its studio run in it; a second
// window start raises the first and exits.
func TestSmokeCommandsAreHandedToTheWindow(t *testing.T) {
	disp := xvfb.Start(t)
	data := filepath.Join(t.TempDir(), "studio")
	r := start(t, disp, "--data", data)
	r.waitWindow(t, "Cordwain")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(data, "control.json")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window does not serve its studio\n%s", r.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	begin := time.Now()
	if status, out := cordwain(t, "--data", data, "log", "--design", "CW-D-2601"); status != 0 || !strings.Contains(out, "VERSION") {
		t.Fatalf("log with the window open: %d\n%s", status, out)
	}
	t.Logf("log handed to the window: %v", time.Since(begin))
	if status, out := cordwain(t, "--data", data, "edit", "--design", "CW-D-2601", "--set", "meta.season=SS33", "-m", "from the shell"); status != 0 {
		t.Fatalf("edit with the window open: %d\n%s", status, out)
	}
	second := start(t, disp, "--data", data)
	select {
	case <-second.done:
		if second.err != nil {
			t.Fatalf("second start: %v\n%s", second.err, second.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("a second start on the same studio did not hand over and exit\n%s", second.stderr)
	}
	r.stop(t)
	if status, out := cordwain(t, "--data", data, "log", "--design", "CW-D-2601"); status != 0 || !strings.Contains(out, "from the shell") {
		t.Fatalf("log after the window closed: %d\n%s", status, out)
	}
}

// A studio locked at start-up opens in the same window once it is free.
func TestSmokeLockedStudioOpensWhenFree(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1)")
	}
	disp := xvfb.Start(t)
	data := filepath.Join(t.TempDir(), "studio")
	if status, out := cordwain(t, "--data", data, "log", "--design", "CW-D-2601"); status != 0 {
		t.Fatalf("creating the studio: %d\n%s", status, out)
	}
	// Another process holds the studio file's lock for 4 s.
	lock := exec.Command("flock", filepath.Join(data, "cordwain.db"), "sleep", "4")
	if err := lock.Start(); err != nil {
		t.Fatal(err)
	}
	defer lock.Wait()
	time.Sleep(200 * time.Millisecond)
	r := start(t, disp, "--data", data)
	win := r.waitWindow(t, "Cordwain")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := r.xdotool("getwindowname", win)
		if title := strings.TrimSpace(string(out)); strings.HasSuffix(title, " — Cordwain") {
			t.Logf("opened once free: %s", title)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the studio did not open once the lock was free\n%s", r.stderr)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if !strings.Contains(r.stderr.String(), "in use") {
		t.Errorf("the window never found the studio in use:\n%s", r.stderr)
	}
	r.stop(t)
}
