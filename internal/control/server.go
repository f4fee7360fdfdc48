package control

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Handler runs one request on the server and returns its exit status. It
// runs on its own goroutine, one per connection; ctx ends when the server
// closes. What it writes to stdout and stderr reaches the client as it is
// written.
type Handler func(ctx context.Context, req Request, stdout, stderr io.Writer) int

// Server listens for requests on one data directory.
type Server struct {
	dir     string // data directory
	file    string // rendezvous file
	addr    string // socket
	tempDir string // private directory holding the socket, if not dir
	token   string
	ln      net.Listener
	handle  Handler

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sem    chan struct{} // bounds the requests that run at once
	closed atomic.Bool
	once   sync.Once
}

// maxRunning bounds the requests a server runs at once; more are refused.
const maxRunning = 16

// closeWait bounds how long Close waits for running requests.
var closeWait = 10 * time.Second

// Listen starts serving dataDir: it listens on the socket (replacing one
// that a process killed earlier left behind, if nothing answers there),
// writes the rendezvous file with a new token, and runs handle for each
// request that presents the token. It fails with ErrServed if another live
// process serves the directory.
func Listen(dataDir string, handle Handler) (*Server, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	addr, err := socketPath(abs)
	if err != nil {
		return nil, err
	}
	ln, err := listen(addr)
	if err != nil && !errors.Is(err, ErrServed) && filepath.Dir(addr) == abs {
		// The data directory may be on a file system without sockets
		// (a network share, FAT): try the private temporary directory.
		if tmp, terr := tempSocketPath(abs); terr == nil {
			var lerr error
			if ln, lerr = listen(tmp); lerr == nil {
				addr, err = tmp, nil
			}
		}
	}
	if err != nil {
		return nil, err
	}
	s := &Server{dir: abs, file: filepath.Join(abs, Rendezvous), addr: addr, ln: ln, handle: handle,
		sem: make(chan struct{}, maxRunning)}
	if filepath.Dir(addr) != abs {
		s.tempDir = filepath.Dir(addr)
	}
	var tok [32]byte
	if _, err := rand.Read(tok[:]); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control: %w", err)
	}
	s.token = hex.EncodeToString(tok[:])
	if err := writeRendezvous(s.file, rendezvous{Socket: addr, Token: s.token, PID: os.Getpid()}); err != nil {
		ln.Close()
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the socket's path.
func (s *Server) Addr() string { return s.addr }

// listen listens on addr. A socket file already there is either a live
// server (ErrServed) or left by a process that died: then it is removed.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("unix", addr)
	if err == nil {
		return ln, secureSocket(ln, addr)
	}
	fi, serr := os.Lstat(addr)
	if serr != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	if c, derr := net.DialTimeout("unix", addr, time.Second); derr == nil {
		c.Close()
		return nil, fmt.Errorf("%w (%s answers)", ErrServed, addr)
	}
	if fi.IsDir() || (fi.Mode().IsRegular() && fi.Size() > 0) {
		return nil, fmt.Errorf("control: %s exists and is not a socket", addr)
	}
	if err := os.Remove(addr); err != nil {
		return nil, fmt.Errorf("control: removing a stale socket: %w", err)
	}
	ln, err = net.Listen("unix", addr)
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	return ln, secureSocket(ln, addr)
}

// secureSocket gives the socket file owner-only permissions; ln is closed
// if that fails.
func secureSocket(ln net.Listener, addr string) error {
	if err := chmodSocket(addr); err != nil {
		ln.Close()
		return fmt.Errorf("control: %w", err)
	}
	return nil
}

// writeRendezvous replaces the rendezvous file atomically; the file is
// readable by its owner only.
func writeRendezvous(path string, rv rendezvous) error {
	b, err := json.Marshal(rv)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".control-*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("control: writing %s: %w", path, werr)
	}
	return nil
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if s.closed.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(50 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
		}()
	}
}

// serve answers one connection.
func (s *Server) serve(c net.Conn) {
	defer c.Close()
	out := &session{c: c}
	if err := checkPeer(c); err != nil {
		out.frame(frameRefused, []byte(err.Error()))
		return
	}
	c.SetDeadline(time.Now().Add(handshakeTimeout))
	kind, payload, err := readFrame(c)
	if err != nil || kind != frameRequest {
		out.frame(frameRefused, []byte("bad request"))
		return
	}
	var req wireRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		out.frame(frameRefused, []byte("bad request: "+err.Error()))
		return
	}
	if req.V != protocolVersion {
		out.frame(frameRefused, fmt.Appendf(nil, "protocol version %d, want %d: use the same Cordwain version as the running one", req.V, protocolVersion))
		return
	}
	if subtle.ConstantTimeCompare([]byte(req.Token), []byte(s.token)) != 1 {
		out.frame(frameRefused, []byte("wrong token"))
		return
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		out.frame(frameRefused, []byte("busy: too many commands at once"))
		return
	}
	c.SetDeadline(time.Time{})
	if out.frame(frameAccepted, nil) != nil {
		return
	}
	done := make(chan struct{})
	var beats sync.WaitGroup
	beats.Add(1)
	go func() {
		defer beats.Done()
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				out.frame(frameHeartbeat, nil)
			}
		}
	}()
	status := s.run(req.Request, &stream{s: out, kind: frameStdout}, &stream{s: out, kind: frameStderr})
	close(done)
	beats.Wait()
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(int32(status)))
	out.frame(frameExit, b[:])
}

// run calls the handler; a panic is reported to the client and ends only
// this request, not the process that holds the studio.
func (s *Server) run(req Request, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "cordwain: internal error in the running Cordwain: %v\n", r)
			status = 1
		}
	}()
	return s.handle(s.ctx, req, stdout, stderr)
}

// Close stops listening, removes the socket and the rendezvous file, and
// waits (a bounded time) for running requests to finish.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		s.closed.Store(true)
		err = s.ln.Close() // also removes the socket file
		os.Remove(s.addr)  // in case it did not
		if b, rerr := os.ReadFile(s.file); rerr == nil {
			var rv rendezvous
			if json.Unmarshal(b, &rv) == nil && rv.Token == s.token {
				os.Remove(s.file)
			}
		}
		s.cancel()
		done := make(chan struct{})
		go func() {
			s.wg.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(closeWait):
		}
		if s.tempDir != "" {
			os.Remove(s.tempDir) // only if empty
		}
	})
	return err
}

// session writes frames to one connection, one at a time. After a failed
// write (the client went away or stopped reading) it writes nothing more.
type session struct {
	mu     sync.Mutex
	c      net.Conn
	broken error
}

func (s *session) frame(kind byte, payload []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	s.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := writeFrame(s.c, kind, payload); err != nil {
		s.broken = fmt.Errorf("the command's client is gone: %w", err)
		return s.broken
	}
	return nil
}

// stream is a command's stdout or stderr.
type stream struct {
	s    *session
	kind byte
}

func (w *stream) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := p
		if len(chunk) > 64<<10 {
			chunk = chunk[:64<<10]
		}
		if err := w.s.frame(w.kind, chunk); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}
