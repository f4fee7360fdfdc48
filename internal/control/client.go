package control

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Run hands req to the Cordwain that serves dataDir, copies what the
// command writes to stdout and stderr, and returns its exit status. It
// returns an error wrapping ErrNoServer when nothing serves the directory
// (the caller then runs the command itself), ErrRefused when the server
// refused, and ErrLost when the server went away or fell silent before the
// command finished: then the command may or may not have taken effect.
func Run(dataDir string, req Request, stdout, stderr io.Writer) (int, error) {
	c, err := dial(dataDir, req)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	for {
		c.SetReadDeadline(time.Now().Add(silenceTimeout))
		kind, payload, err := readFrame(c)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				err = fmt.Errorf("no word from it for %v", silenceTimeout)
			}
			return 1, fmt.Errorf("%w (%v) before the command finished: it may or may not have taken effect", ErrLost, err)
		}
		switch kind {
		case frameStdout:
			stdout.Write(payload)
		case frameStderr:
			stderr.Write(payload)
		case frameHeartbeat:
		case frameExit:
			if len(payload) != 4 {
				return 1, fmt.Errorf("%w: a bad exit frame", ErrLost)
			}
			return int(int32(binary.BigEndian.Uint32(payload))), nil
		default:
			return 1, fmt.Errorf("%w: an unknown frame %q", ErrLost, kind)
		}
	}
}

// Show asks the Cordwain that serves dataDir to bring its window to the
// front. Errors are as for Run.
func Show(dataDir string) error {
	status, err := Run(dataDir, Request{Op: OpShow}, io.Discard, io.Discard)
	if err != nil {
		return err
	}
	if status != 0 {
		return fmt.Errorf("%w: show ended with status %d", ErrRefused, status)
	}
	return nil
}

// dial connects to the server of dataDir and has req accepted.
func dial(dataDir string, req Request) (net.Conn, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, Rendezvous))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoServer, err)
	}
	var rv rendezvous
	if err := json.Unmarshal(b, &rv); err != nil || rv.Socket == "" {
		return nil, fmt.Errorf("%w: %s is not readable", ErrNoServer, Rendezvous)
	}
	c, err := net.DialTimeout("unix", rv.Socket, dialTimeout)
	if err != nil {
		// Refused or missing: the process that wrote the file is gone.
		return nil, fmt.Errorf("%w: %w", ErrNoServer, err)
	}
	if err := checkPeer(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	msg, err := json.Marshal(wireRequest{V: protocolVersion, Token: rv.Token, Request: req})
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Now().Add(handshakeTimeout))
	if err := writeFrame(c, frameRequest, msg); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %w", ErrNoServer, err)
	}
	kind, payload, err := readFrame(c)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: it did not answer (%w)", ErrLost, err)
	}
	c.SetDeadline(time.Time{})
	switch kind {
	case frameAccepted:
		return c, nil
	case frameRefused:
		c.Close()
		return nil, fmt.Errorf("%w: %s", ErrRefused, payload)
	}
	c.Close()
	return nil, fmt.Errorf("%w: an unknown answer %q", ErrLost, kind)
}
