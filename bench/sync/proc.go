package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// proc is a child process driven by lines: replies come on lines, the
// store events of a node ("ev …") on evs.
type proc struct {
	name  string
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	evs   chan string
}

func start(name, logDir string, env []string, bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	// A child outlives no interrupted run (where the OS can say so).
	cmd.SysProcAttr = childAttr()
	logf, err := os.Create(fmt.Sprintf("%s/%s.log", logDir, name))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, in: in, lines: make(chan string, 64), evs: make(chan string, 4096)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			l := sc.Text()
			if strings.HasPrefix(l, "ev ") {
				p.evs <- l
				continue
			}
			p.lines <- l
		}
		close(p.lines)
		logf.Close()
	}()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// next is the next reply line (an "err" line is an error).
func (p *proc) next(timeout time.Duration) (string, error) {
	select {
	case l, ok := <-p.lines:
		if !ok {
			return "", fmt.Errorf("%s exited (%s)", p.name, p.cmd.ProcessState)
		}
		if strings.HasPrefix(l, "err ") {
			return "", fmt.Errorf("%s: %s", p.name, l[4:])
		}
		return l, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("%s: no answer in %v", p.name, timeout)
	}
}

// do sends a command and waits for the reply starting with want.
func (p *proc) do(timeout time.Duration, want string, format string, a ...any) ([]string, error) {
	if _, err := fmt.Fprintf(p.in, format+"\n", a...); err != nil {
		return nil, err
	}
	for {
		l, err := p.next(timeout)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(l, want) {
			return strings.Fields(l), nil
		}
	}
}

// stop ends a node (quit) or another child (SIGTERM) and waits.
func (p *proc) stop(node bool) {
	if node {
		fmt.Fprintln(p.in, "quit")
	} else {
		p.cmd.Process.Signal(os.Interrupt)
	}
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// resetPeak sets the process's VmHWM back to its current RSS
// (/proc/PID/clear_refs, value 5).
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// proxy forwards TCP connections from a port on 127.0.0.1 to target and
// counts the bytes each way (TCP payload: everything libp2p sends, the
// private-network, security and muxer layers included).
type proxy struct {
	ln       net.Listener
	target   string
	up, down atomic.Int64 // dialler → target, target → dialler
	conns    atomic.Int64
	wg       sync.WaitGroup
}

func newProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			go p.serve(c)
		}
	}()
	return p, nil
}

func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *proxy) serve(c net.Conn) {
	defer c.Close()
	t, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer t.Close()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn, n *atomic.Int64) {
		buf := make([]byte, 64<<10)
		for {
			k, err := src.Read(buf)
			if k > 0 {
				n.Add(int64(k))
				if _, werr := dst.Write(buf[:k]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		dst.(*net.TCPConn).CloseWrite()
		done <- struct{}{}
	}
	go cp(t, c, &p.up)
	go cp(c, t, &p.down)
	<-done
	<-done
}

func (p *proxy) reset() { p.up.Store(0); p.down.Store(0) }
func (p *proxy) close() { p.ln.Close() }
