package p2p

import (
	"bytes"
	"io"
	"testing"

	"cordwain/models"
)

// rw is a stream fed from fixed bytes whose writes go nowhere.
type rw struct{ io.Reader }

func (rw) Write(p []byte) (int, error) { return len(p), nil }

func frame(typ byte, v any) []byte {
	var b bytes.Buffer
	writeFrame(&b, typ, v)
	return b.Bytes()
}

// FuzzFrames: any bytes a peer sends are read as frames and decoded into
// every message type without a panic, within the size cap.
func FuzzFrames(f *testing.F) {
	f.Add(frame(MsgHello, Hello{Name: "A"}))
	f.Add(frame(MsgSummary, Summary{Designs: []DesignDigest{{Design: "d", Digest: [16]byte{1}}}}))
	f.Add(frame(MsgWant, Want{Design: "d", Have: nil}))
	f.Add(frame(MsgBatch, BatchWire{Design: "d", Versions: [][]byte{{1, 2}}}))
	base := []byte{0xa1, 0x61, 'a', 0x58, 32}
	base = append(base, make([]byte, 32)...)
	f.Add(frame(MsgBatch, BatchWire{Design: "d", Manifests: [][]byte{base},
		MDeltas: []MDeltaWire{{Base: models.HashOf(base), Put: []MEntryWire{{ID: "b"}}, Del: []models.ID{"a"}}}}))
	f.Add(frame(MsgAnnounce, Announce{Design: "d"}))
	f.Add(frame(MsgPresence, Presence{Name: "A", X: 1}))
	f.Add([]byte{0, 0, 0, 2, 1, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			typ, payload, err := readFrame(r)
			if err != nil {
				return
			}
			if len(payload) > MaxFrame {
				t.Fatal("frame over the cap")
			}
			for _, v := range []any{&Hello{}, &Summary{}, &Want{}, &BatchWire{}, &Done{}, &Announce{}, &Presence{}, &ErrorMsg{}} {
				if decodePayload(payload, v) == nil {
					if bw, ok := v.(*BatchWire); ok {
						bw.toBatch()
					}
				}
			}
			_ = typ
		}
	})
}

// FuzzServeSync: the answering side fed arbitrary frames (a hostile
// asker) returns an error or finishes, never panics, and never writes to
// its store.
func FuzzServeSync(f *testing.F) {
	f.Add(frame(MsgHello, Hello{Name: "A"}))
	f.Add(append(frame(MsgHello, Hello{}), frame(MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})...))
	f.Add(frame(MsgWant, Want{Design: "d", Have: nil}))
	f.Add(frame(MsgEnd, struct{}{}))
	s := testStore(f)
	id := testID(1, "A")
	s.Commit("d", "main", snapOf(f, "Derby", 20, 2), "x", id)
	f.Fuzz(func(t *testing.T, data []byte) {
		before := len(s.History("d"))
		serveSync(rw{bytes.NewReader(data)}, s, "B")
		if len(s.History("d")) != before {
			t.Fatal("serving a pull changed the store")
		}
	})
}

// FuzzPull: the asking side fed arbitrary answers stores nothing that
// the receive path would refuse, and never panics.
func FuzzPull(f *testing.F) {
	f.Add(frame(MsgHello, Hello{Name: "B"}))
	f.Add(append(frame(MsgHello, Hello{}), frame(MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := testStore(t)
		pullAll(rw{bytes.NewReader(data)}, s, "A")
	})
}
