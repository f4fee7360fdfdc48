package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// echo answers "run" with its arguments on stdout, the directory on
// stderr and the status named by the last argument; "show" counts.
type echo struct {
	mu    sync.Mutex
	shows int
}

func (e *echo) handle(ctx context.Context, req Request, stdout, stderr io.Writer) int {
	switch req.Op {
	case OpShow:
		e.mu.Lock()
		e.shows++
		e.mu.Unlock()
		return 0
	case OpRun:
		fmt.Fprintln(stdout, strings.Join(req.Args, " "))
		fmt.Fprintln(stderr, "dir", req.Dir)
		if len(req.Args) > 0 && req.Args[0] == "panic" {
			panic("boom")
		}
		status := 0
		fmt.Sscan(req.Args[len(req.Args)-1], &status)
		return status
	}
	return 2
}

func serve(t *testing.T, dir string) (*Server, *echo) {
	t.Helper()
	e := &echo{}
	s, err := Listen(dir, e.handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, e
}

func TestRunOverARealSocket(t *testing.T) {
	dir := t.TempDir()
	s, e := serve(t, dir)
	if runtime.GOOS != "windows" {
		for _, p := range []string{s.Addr(), filepath.Join(dir, Rendezvous)} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is open to others: %v", p, fi.Mode().Perm())
			}
		}
	}
	var out, errb bytes.Buffer
	status, err := Run(dir, Request{Op: OpRun, Args: []string{"log", "--design", "中文", "3"}, Dir: "/somewhere"}, &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	if status != 3 || out.String() != "log --design 中文 3\n" || errb.String() != "dir /somewhere\n" {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out.String(), errb.String())
	}
	if err := Show(dir); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	shows := e.shows
	e.mu.Unlock()
	if shows != 1 {
		t.Fatalf("%d shows", shows)
	}

	// A panic ends the request with status 1, not the server.
	out.Reset()
	errb.Reset()
	status, err = Run(dir, Request{Op: OpRun, Args: []string{"panic"}}, &out, &errb)
	if err != nil || status != 1 || !strings.Contains(errb.String(), "internal error") {
		t.Fatalf("panic: status %d, err %v, stderr %q", status, err, errb.String())
	}

	// Many at once.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o bytes.Buffer
			st, err := Run(dir, Request{Op: OpRun, Args: []string{"n", fmt.Sprint(i)}}, &o, io.Discard)
			if err == nil && (st != i || o.String() != fmt.Sprintf("n %d\n", i)) {
				err = fmt.Errorf("request %d: status %d, %q", i, st, o.String())
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	// Closed: the socket and the rendezvous file are gone, and a client
	// finds no server.
	s.Close()
	if _, err := os.Lstat(s.Addr()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left after Close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, Rendezvous)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rendezvous left after Close: %v", err)
	}
	if _, err := Run(dir, Request{Op: OpRun, Args: []string{"0"}}, io.Discard, io.Discard); !errors.Is(err, ErrNoServer) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestNoServer(t *testing.T) {
	_, err := Run(t.TempDir(), Request{Op: OpRun, Args: []string{"0"}}, io.Discard, io.Discard)
	if !errors.Is(err, ErrNoServer) {
		t.Fatal(err)
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, _ := serve(t, dir)
	b, _ := json.Marshal(rendezvous{Socket: s.Addr(), Token: strings.Repeat("0", 64)})
	if err := os.WriteFile(filepath.Join(dir, Rendezvous), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, err := Run(dir, Request{Op: OpRun, Args: []string{"0"}}, &out, &out)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "wrong token") || out.Len() != 0 {
		t.Fatalf("err %v, output %q", err, out.String())
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	dir := t.TempDir()
	// A server killed with -9 leaves its socket and rendezvous file.
	addr, err := socketPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	b, _ := json.Marshal(rendezvous{Socket: addr, Token: "old"})
	os.WriteFile(filepath.Join(dir, Rendezvous), b, 0o600)
	if _, err := os.Lstat(addr); err != nil {
		t.Fatalf("no stale socket to test with: %v", err)
	}
	if _, err := Run(dir, Request{Op: OpRun, Args: []string{"0"}}, io.Discard, io.Discard); !errors.Is(err, ErrNoServer) {
		t.Fatalf("a dead server's socket: %v", err)
	}
	serve(t, dir)
	if status, err := Run(dir, Request{Op: OpRun, Args: []string{"7"}}, io.Discard, io.Discard); err != nil || status != 7 {
		t.Fatalf("after replacing the stale socket: %d, %v", status, err)
	}
	// A live server is not replaced.
	if _, err := Listen(dir, (&echo{}).handle); !errors.Is(err, ErrServed) {
		t.Fatalf("second server: %v", err)
	}
	if status, err := Run(dir, Request{Op: OpRun, Args: []string{"5"}}, io.Discard, io.Discard); err != nil || status != 5 {
		t.Fatalf("the first server after a second tried: %d, %v", status, err)
	}
}

func TestLongDataDirUsesAPrivateTempDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("长", 40))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, _ := serve(t, dir)
	if filepath.Dir(s.Addr()) == dir || len(s.Addr()) > maxSocketPath {
		t.Fatalf("socket at %s", s.Addr())
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Dir(s.Addr()))
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("socket directory: %v %v", fi.Mode(), err)
		}
	}
	if status, err := Run(dir, Request{Op: OpRun, Args: []string{"4"}}, io.Discard, io.Discard); err != nil || status != 4 {
		t.Fatalf("%d, %v", status, err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Dir(s.Addr())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("private directory left after Close: %v", err)
	}
}

func TestPrivateDirOfSomeoneElseIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access lists, not modes, on Windows")
	}
	abs := filepath.Join(t.TempDir(), "studio")
	p, err := tempSocketPath(abs)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Dir(p)
	defer os.Remove(d)
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := tempSocketPath(abs); err == nil || !strings.Contains(err.Error(), "open to other users") {
		t.Fatalf("a directory others can enter: %v", err)
	}
}

// fakeServer accepts one connection, accepts the request, writes
// "partial" and then does what then says.
func fakeServer(t *testing.T, dir string, then func(c net.Conn)) {
	t.Helper()
	addr := filepath.Join(dir, SocketName)
	ln, err := net.Listen("unix", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	b, _ := json.Marshal(rendezvous{Socket: addr, Token: "t"})
	os.WriteFile(filepath.Join(dir, Rendezvous), b, 0o600)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		readFrame(c)
		writeFrame(c, frameAccepted, nil)
		writeFrame(c, frameStdout, []byte("partial"))
		then(c)
	}()
}

func TestServerDyingMidCommandDoesNotHang(t *testing.T) {
	dir := t.TempDir()
	fakeServer(t, dir, func(net.Conn) {}) // closes the connection: the process died
	var out bytes.Buffer
	_, err := Run(dir, Request{Op: OpRun, Args: []string{"0"}}, &out, io.Discard)
	if !errors.Is(err, ErrLost) || out.String() != "partial" {
		t.Fatalf("err %v, stdout %q", err, out.String())
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	defer func(d time.Duration) { silenceTimeout = d }(silenceTimeout)
	silenceTimeout = 300 * time.Millisecond
	dir := t.TempDir()
	release := make(chan struct{})
	defer close(release)
	fakeServer(t, dir, func(net.Conn) { <-release }) // alive, but stuck
	start := time.Now()
	_, err := Run(dir, Request{Op: OpRun, Args: []string{"0"}}, io.Discard, io.Discard)
	if !errors.Is(err, ErrLost) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestHeartbeatsKeepASlowCommandAlive(t *testing.T) {
	defer func(s, h time.Duration) { silenceTimeout, heartbeatEvery = s, h }(silenceTimeout, heartbeatEvery)
	silenceTimeout, heartbeatEvery = 300*time.Millisecond, 50*time.Millisecond
	dir := t.TempDir()
	s, err := Listen(dir, func(ctx context.Context, req Request, stdout, stderr io.Writer) int {
		time.Sleep(time.Second)
		fmt.Fprint(stdout, "done")
		return 0
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	if status, err := Run(dir, Request{Op: OpRun}, &out, io.Discard); err != nil || status != 0 || out.String() != "done" {
		t.Fatalf("%d %v %q", status, err, out.String())
	}
}
