// Package control is the local channel through which a running Cordwain
// (the window, later `cordwain serve`) takes commands started on the studio
// it holds. The studio file has one owner at a time (bbolt's exclusive
// lock), so a command started while Cordwain runs is handed to that process
// and runs there, against the store it already has open; its output comes
// back and the command exits with the status it had there.
//
// The channel is a Unix-domain socket (AF_UNIX, which Windows 10 and later
// support too). It lives in the data directory when its path fits in a
// socket address, else in a private directory under the system's
// temporary directory named by a hash of the data directory. Its address
// and a random token are in a file in the data directory that only its
// owner can read (Rendezvous); a client must present the token, so only
// someone who can read the studio itself can use the channel. On Linux the
// server also checks that the peer runs as the same user (SO_PEERCRED).
//
// Wire format: frames of a kind byte, a big-endian uint32 length and that
// many bytes. The client sends one request frame (JSON); the server answers
// accepted or refused, then streams stdout and stderr frames, a heartbeat
// every second while the command runs, and an exit frame with the status.
package control

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Rendezvous is the file in the data directory that says where the
// running Cordwain listens and which token it wants.
const Rendezvous = "control.json"

// SocketName is the socket's name in the data directory.
const SocketName = "control.sock"

// maxSocketPath is what fits in sun_path everywhere (104 bytes on macOS
// and the BSDs, 108 on Linux and Windows, both with the final NUL), with
// a margin.
const maxSocketPath = 100

// Operations a client asks for.
const (
	OpRun  = "run"  // run a command (Request.Args, Request.Dir)
	OpShow = "show" // bring the window to the front
)

// Request is what a client asks the running Cordwain to do.
type Request struct {
	Op   string   `json:"op"`
	Args []string `json:"args,omitempty"` // the command and its arguments
	Dir  string   `json:"dir,omitempty"`  // the client's working directory
}

// wireRequest is a Request as sent, with the version and token.
type wireRequest struct {
	V     int    `json:"v"`
	Token string `json:"token"`
	Request
}

const protocolVersion = 1

// Frame kinds.
const (
	frameRequest   = 'q'
	frameAccepted  = 'k'
	frameRefused   = 'r'
	frameStdout    = 'o'
	frameStderr    = 'e'
	frameHeartbeat = 'h'
	frameExit      = 'x'
)

// maxFrame caps a frame's payload: a request, or a piece of output.
const maxFrame = 1 << 20

// Timing. Variables so tests can shorten them.
var (
	dialTimeout      = 2 * time.Second  // connecting
	handshakeTimeout = 5 * time.Second  // request in, answer out
	heartbeatEvery   = 1 * time.Second  // while a command runs
	silenceTimeout   = 15 * time.Second // client gives up on a silent server
	writeTimeout     = 30 * time.Second // server gives up on a client that does not read
)

var (
	// ErrNoServer: nothing serves this data directory (no rendezvous
	// file, or nothing answers at its address). The caller opens the
	// studio itself.
	ErrNoServer = errors.New("no running Cordwain serves this studio")
	// ErrRefused: a server answered but refused the request.
	ErrRefused = errors.New("the running Cordwain refused the request")
	// ErrLost: the server stopped answering part way through.
	ErrLost = errors.New("lost the connection to the running Cordwain")
	// ErrServed: another live process already serves this data directory.
	ErrServed = errors.New("another Cordwain already serves this studio")
)

func writeFrame(w io.Writer, kind byte, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("control: frame of %d bytes (limit %d)", len(payload), maxFrame)
	}
	buf := make([]byte, 5+len(payload))
	buf[0] = kind
	binary.BigEndian.PutUint32(buf[1:5], uint32(len(payload)))
	copy(buf[5:], payload)
	_, err := w.Write(buf)
	return err
}

func readFrame(r io.Reader) (kind byte, payload []byte, err error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("control: frame of %d bytes (limit %d)", n, maxFrame)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return hdr[0], payload, nil
}

// rendezvous is the content of the Rendezvous file.
type rendezvous struct {
	Socket string `json:"socket"`
	Token  string `json:"token"`
	PID    int    `json:"pid"`
}

// socketPath is where the server for dataDir listens by default: in the
// data directory, or when that path is too long for a socket address, in a
// private directory under the temporary directory.
func socketPath(dataDir string) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	p := filepath.Join(abs, SocketName)
	if len(p) <= maxSocketPath {
		return p, nil
	}
	return tempSocketPath(abs)
}

// tempSocketPath is a socket in a private directory under os.TempDir(),
// named by a hash of the data directory: created 0700 if missing, and
// refused if it exists but is not a plain directory that only this user
// can use.
func tempSocketPath(absDataDir string) (string, error) {
	sum := sha256.Sum256([]byte(absDataDir))
	dir := filepath.Join(os.TempDir(), "cordwain-"+hex.EncodeToString(sum[:8]))
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("control: %w", err)
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", fmt.Errorf("control: %s: %w", dir, err)
	}
	p := filepath.Join(dir, SocketName)
	if len(p) > maxSocketPath {
		return "", fmt.Errorf("control: socket path %s is too long (%d bytes, limit %d)", p, len(p), maxSocketPath)
	}
	return p, nil
}
