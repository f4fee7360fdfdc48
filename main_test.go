package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cordwain/cli"
	"cordwain/internal/control"
)

const holderEnv = "CORDWAIN_TEST_HOLDER"

// TestMain runs, when asked, a process that holds a studio as the window
// does: it opens it, serves it on the control channel, prints "ready",
// "changed" on every store event and "shown" when asked to show its
// window, and closes when its standard input ends.
func TestMain(m *testing.M) {
	if dir := os.Getenv(holderEnv); dir != "" {
		os.Exit(hold(dir))
	}
	os.Exit(m.Run())
}

func hold(dir string) int {
	s, err := cli.Open(dir, cli.Write)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	if _, err := s.Identity(false); err != nil {
		fmt.Println("error", err)
		return 1
	}
	out := make(chan string, 16)
	srv, err := cli.Serve(dir, s.Store, func() { out <- "shown" })
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Watching starts before "ready": a goroutine that had yet to call
	// Watch when a handed-over edit landed (a loaded machine) missed it.
	events := s.Store.Watch(ctx)
	go func() {
		for range events {
			out <- "changed"
		}
	}()
	go func() {
		for line := range out {
			fmt.Println(line)
		}
	}()
	out <- "ready"
	io.Copy(io.Discard, os.Stdin)
	cancel()
	srv.Close()
	if err := s.Close(); err != nil {
		fmt.Println("error", err)
		return 1
	}
	return 0
}

// holder is a process holding a studio.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

func startHolder(t *testing.T, dir string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), holderEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: cmd, stdin: stdin, lines: make(chan string, 64)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	h.expect(t, "ready")
	return h
}

// expect waits for the holder to print line.
func (h *holder) expect(t *testing.T, line string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-h.lines:
			if !ok {
				t.Fatalf("the holder ended before saying %q", line)
			}
			if strings.HasPrefix(l, "error") {
				t.Fatalf("holder: %s", l)
			}
			if l == line {
				return
			}
		case <-timeout:
			t.Fatalf("the holder did not say %q", line)
		}
	}
}

// cordwain runs the command line as main does and returns its status and
// output.
func cordwain(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	status := run(args, strings.NewReader(stdin), &out, &errb)
	return status, out.String(), errb.String()
}

func TestCommandsAreHandedToTheProcessHoldingTheStudio(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "studio")
	work := t.TempDir()
	t.Chdir(work)
	h := startHolder(t, dir)

	// log: the studio is held, yet the command works, quickly.
	start := time.Now()
	status, out, errs := cordwain(t, "", "--data", dir, "log", "--design", "CW-D-2601")
	if status != 0 || !strings.Contains(out, "VERSION") || errs != "" {
		t.Fatalf("log: status %d\n%s\n%s", status, out, errs)
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("log took %v: it waited for the lock instead of being handed over", d)
	}

	// edit: committed by the holder, which sees it at once.
	status, out, errs = cordwain(t, "", "--data", dir, "edit", "--design", "CW-D-2601", "--set", "meta.season=SS31", "-m", "handed over 交")
	if status != 0 || !strings.Contains(out, "handed over 交") {
		t.Fatalf("edit: status %d\n%s\n%s", status, out, errs)
	}
	h.expect(t, "changed")
	if _, out, _ = cordwain(t, "", "--data", dir, "log", "--design", "CW-D-2601"); !strings.Contains(out, "handed over 交") {
		t.Fatalf("the holder's log lacks the edit:\n%s", out)
	}

	// bundle export and export: relative names are the caller's.
	if status, out, errs = cordwain(t, "", "--data", dir, "bundle", "export", "--design", "CW-D-2601", "-o", "d.cwb"); status != 0 {
		t.Fatalf("bundle export: status %d\n%s\n%s", status, out, errs)
	}
	if fi, err := os.Stat(filepath.Join(work, "d.cwb")); err != nil || fi.Size() == 0 {
		t.Fatalf("bundle not written in the caller's directory: %v", err)
	}
	if status, out, errs = cordwain(t, "", "--data", dir, "export", "--design", "CW-D-2601", "--format", "csv", "-o", "bom.csv"); status != 0 {
		t.Fatalf("export: status %d\n%s\n%s", status, out, errs)
	}
	if _, err := os.Stat(filepath.Join(work, "bom.csv")); err != nil {
		t.Fatalf("export not written in the caller's directory: %v", err)
	}

	// Usage errors keep their status; standard input is not passed on.
	if status, _, errs = cordwain(t, "", "--data", dir, "edit", "--nope"); status != 2 || !strings.Contains(errs, "nope") {
		t.Fatalf("bad flag: status %d, %q", status, errs)
	}
	status, _, errs = cordwain(t, `{"meta":{}}`, "--data", dir, "json", "import", "-")
	if status != 1 || !strings.Contains(errs, "standard input is not passed") {
		t.Fatalf("json import -: status %d, %q", status, errs)
	}

	// A second window start raises the first.
	if err := control.Show(dir); err != nil {
		t.Fatal(err)
	}
	h.expect(t, "shown")

	// A client without the token is refused.
	rv := filepath.Join(dir, control.Rendezvous)
	good, err := os.ReadFile(rv)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(good, []byte(`"token":"`), []byte(`"token":"x`), 1)
	if err := os.WriteFile(rv, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, errs = cordwain(t, "", "--data", dir, "log", "--design", "CW-D-2601"); status == 0 || !strings.Contains(errs, "wrong token") {
		t.Fatalf("wrong token: status %d, %q", status, errs)
	}
	os.WriteFile(rv, good, 0o600)

	// Killed: what it left (socket, rendezvous file) does not stop a
	// command from opening the studio itself, and the edit is there.
	h.cmd.Process.Kill()
	h.cmd.Wait()
	status, out, errs = cordwain(t, "", "--data", dir, "log", "--design", "CW-D-2601")
	if status != 0 || !strings.Contains(out, "handed over 交") {
		t.Fatalf("log after the holder was killed: status %d\n%s\n%s", status, out, errs)
	}

	// The next holder replaces the stale socket.
	h = startHolder(t, dir)
	if status, out, errs = cordwain(t, "", "--data", dir, "edit", "--design", "CW-D-2601", "--set", "meta.season=AW32"); status != 0 {
		t.Fatalf("edit on the second holder: status %d\n%s\n%s", status, out, errs)
	}
	h.expect(t, "changed")
}
