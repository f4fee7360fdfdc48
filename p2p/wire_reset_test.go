package p2p

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/libp2p/go-libp2p/core/network"
)

// failAfter yields data, then err.
type failAfter struct {
	data []byte
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// A frame cut short by the peer closing its stream is a protocol error
// (the peer is dropped); one cut short by the connection failing — a
// relay's circuit reaching its limit, a network drop — is not the peer's
// doing, and it is not kept out.
func TestFrameCutByResetIsNotHostile(t *testing.T) {
	var buf bytes.Buffer
	if err := writeFrame(&buf, MsgHello, Hello{Name: "A"}); err != nil {
		t.Fatal(err)
	}
	part := buf.Bytes()[:buf.Len()-1]
	reset := fmt.Errorf("stream reset: %w", network.ErrReset)
	for name, tc := range map[string]struct {
		err      error
		protocol bool
	}{
		"closed":         {io.EOF, true},
		"reset":          {reset, false},
		"reset with EOF": {errors.Join(reset, io.ErrUnexpectedEOF), false},
		"other":          {errors.New("connection timed out"), false},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := readFrame(&failAfter{data: bytes.Clone(part), err: tc.err})
			if err == nil || errors.Is(err, ErrProtocol) != tc.protocol {
				t.Fatalf("readFrame = %v; protocol error wanted: %v", err, tc.protocol)
			}
		})
	}
}
