package p2p

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/network"

	"cordwain/models"
	"cordwain/models/store"
)

// Frames of /cordwain/sync/1.0.0 (docs/sync.md):
//
//	length   uint32 big-endian: bytes after this field (version, type, payload)
//	version  1 byte, WireVersion
//	type     1 byte, one of the Msg constants
//	payload  canonical CBOR of the type's struct
//
// A frame longer than MaxFrame, of another version or of an unknown type
// is a protocol error: the peer is dropped.
const (
	// ProtocolSync is the libp2p protocol ID of the sync protocol.
	ProtocolSync = "/cordwain/sync/1.0.0"
	// ProtocolPresence carries presence (who is online, what they have
	// open, their pointer), not versioned.
	ProtocolPresence = "/cordwain/presence/1.0.0"
	// WireVersion is the frame version this program speaks.
	WireVersion = 1
	// MaxFrame caps one frame (a batch chunk is cut well below it).
	MaxFrame = 16 << 20
	// chunkBytes is the content a batch frame carries before the sender
	// starts a new one.
	chunkBytes = 1 << 20
	// chunkVersions caps the versions of one batch frame.
	chunkVersions = 1000
	// maxSummaryDesigns caps the designs a summary lists.
	maxSummaryDesigns = 1 << 20
	// maxHave caps the versions a want lists as had.
	maxHave = 4096
)

// Message types.
const (
	MsgHello    byte = 1 // Hello: who and the studio-wide digest
	MsgSummary  byte = 2 // Summary: per-design digests
	MsgWant     byte = 3 // Want: a design and the versions the asker has
	MsgBatch    byte = 4 // Batch: versions with content, parents first
	MsgDone     byte = 5 // Done: the end of the batches for a want
	MsgAnnounce byte = 6 // Announce: a design changed here
	MsgPresence byte = 7 // Presence: this peer's presence
	MsgEnd      byte = 8 // End: the asker has all it wanted
	MsgError    byte = 9 // Error: why the sender gives up
)

// ErrProtocol: a peer sent something that breaks the protocol.
var ErrProtocol = errors.New("protocol error")

// Hello opens a sync exchange.
type Hello struct {
	Name   string      `cbor:"name"`   // display name of the machine's designer
	Digest models.Hash `cbor:"digest"` // over every design's digest
}

// DesignDigest is one design's state: the hash of its heads and refs.
type DesignDigest struct {
	_      struct{} `cbor:",toarray"`
	Design models.ID
	Digest [16]byte
}

// Summary lists per-design digests.
type Summary struct {
	Designs []DesignDigest `cbor:"designs"`
	// Versions, in the answer, gives for each design of Designs how many
	// versions the answering peer holds of it (for the asker's progress;
	// absent from peers before it, and ignored by them).
	Versions []uint32 `cbor:"versions,omitempty"`
}

// Want asks for what the asker lacks of a design: Have are versions it
// holds (its heads and a sample of their ancestors).
type Want struct {
	Design models.ID   `cbor:"design"`
	Have   []models.ID `cbor:"have"`
	// Deltas asks for manifests as deltas (BatchWire.MDeltas); a peer
	// that does not know the field sends them whole.
	Deltas bool `cbor:"deltas,omitempty"`
}

// RefWire is a branch or tag on the wire.
type RefWire struct {
	_       struct{} `cbor:",toarray"`
	Kind    string
	Name    string
	Version models.ID
}

// BatchWire is a chunk of a design's missing history, parents first.
type BatchWire struct {
	Design    models.ID `cbor:"design"`
	Versions  [][]byte  `cbor:"versions"` // store.EncodeVersion bytes
	Manifests [][]byte  `cbor:"manifests"`
	Elements  [][]byte  `cbor:"elements"`
	Refs      []RefWire `cbor:"refs,omitempty"` // in the last chunk
	// Tombstones are the design's deleted branches
	// (store.EncodeTombstone bytes), in the last chunk with the refs.
	Tombstones [][]byte `cbor:"tombstones,omitempty"`
	// More says another batch of the design follows (every one but the
	// last): the receiver leaves the design's heads out of main until
	// the last, which carries the refs and tombstones.
	More bool `cbor:"more,omitempty"`
	// MDeltas are manifests sent as their difference from another one
	// of the same frame (in Manifests, or an earlier delta), in order;
	// only to an asker whose want says Deltas.
	MDeltas []MDeltaWire `cbor:"mdeltas,omitempty"`
}

// MDeltaWire is a manifest as the manifest Base (its hash) with the
// entries Put set and the elements Del removed.
type MDeltaWire struct {
	_    struct{} `cbor:",toarray"`
	Base models.Hash
	Put  []MEntryWire
	Del  []models.ID
}

// MEntryWire is a manifest entry: an element and its hash.
type MEntryWire struct {
	_    struct{} `cbor:",toarray"`
	ID   models.ID
	Hash models.Hash
}

// Done ends the batches of one want.
type Done struct {
	Design models.ID `cbor:"design"`
}

// Announce says a design changed on the sender: its new digest.
type Announce struct {
	Design models.ID `cbor:"design"`
	Digest [16]byte  `cbor:"digest"`
}

// Presence is ephemeral: who is here, what they have open, where their
// pointer is (millimetres on the drawing) and what they selected.
type Presence struct {
	Name      string      `cbor:"name"`
	Design    models.ID   `cbor:"design,omitempty"`
	View      string      `cbor:"view,omitempty"`
	X         float64     `cbor:"x"`
	Y         float64     `cbor:"y"`
	Pointer   bool        `cbor:"pointer"` // the pointer is over the drawing
	Selection []models.ID `cbor:"sel,omitempty"`
	Seq       uint64      `cbor:"seq"`
}

// ErrorMsg says why the sender gives up the exchange.
type ErrorMsg struct {
	Reason string `cbor:"reason"`
}

// writeFrame writes one frame.
func writeFrame(w io.Writer, typ byte, v any) error {
	payload, err := models.Canonical(v)
	if err != nil {
		return fmt.Errorf("encoding frame %d: %w", typ, err)
	}
	if len(payload)+2 > MaxFrame {
		return fmt.Errorf("frame %d of %d bytes: %w", typ, len(payload), store.ErrTooLarge)
	}
	buf := make([]byte, 6, 6+len(payload))
	binary.BigEndian.PutUint32(buf, uint32(len(payload)+2))
	buf[4], buf[5] = WireVersion, typ
	_, err = w.Write(append(buf, payload...))
	return err
}

// readFrame reads one frame's type and payload, refusing oversized,
// foreign-version and unknown frames.
func readFrame(r io.Reader) (byte, []byte, error) {
	var head [6]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[:4])
	if n < 2 || n > MaxFrame {
		return 0, nil, fmt.Errorf("%w: frame of %d bytes", ErrProtocol, n)
	}
	if head[4] != WireVersion {
		return 0, nil, fmt.Errorf("%w: frame version %d", ErrProtocol, head[4])
	}
	typ := head[5]
	if typ < MsgHello || typ > MsgError {
		return 0, nil, fmt.Errorf("%w: unknown frame type %d", ErrProtocol, typ)
	}
	payload := make([]byte, n-2)
	if _, err := io.ReadFull(r, payload); err != nil {
		if errors.Is(err, network.ErrReset) || !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return 0, nil, err // the connection failed (a relay's limit, a network drop): not the peer's doing
		}
		return 0, nil, fmt.Errorf("%w: truncated frame: %v", ErrProtocol, err)
	}
	return typ, payload, nil
}

// expect reads a frame of type want into v.
func expect(r io.Reader, want byte, v any) error {
	typ, payload, err := readFrame(r)
	if err != nil {
		return err
	}
	if typ == MsgError && want != MsgError {
		var e ErrorMsg
		if models.DecodeCanonical(payload, &e) == nil {
			return fmt.Errorf("peer gave up: %s", e.Reason)
		}
	}
	if typ != want {
		return fmt.Errorf("%w: frame type %d, expected %d", ErrProtocol, typ, want)
	}
	return decodePayload(payload, v)
}

func decodePayload(payload []byte, v any) error {
	if err := models.DecodeCanonical(payload, v); err != nil {
		return fmt.Errorf("%w: %v", ErrProtocol, err)
	}
	return nil
}

// toBatch decodes a batch frame into a store batch, checking each
// version's encoding and computing its ID; the store's receive path
// verifies signatures and everything else.
func (w *BatchWire) toBatch() (*store.Batch, error) {
	b := &store.Batch{Manifests: w.Manifests, Elements: w.Elements, Partial: w.More}
	if len(w.MDeltas) > 0 {
		ms, err := w.rebuildManifests()
		if err != nil {
			return nil, err
		}
		b.Manifests = ms
	}
	for i, vb := range w.Versions {
		v, err := store.ParseVersion(vb) // Store.Receive verifies the signature
		if err != nil {
			return nil, fmt.Errorf("version %d: %w", i, err)
		}
		if v.Design != w.Design {
			return nil, fmt.Errorf("%w: version %s of design %s in a batch of %s", ErrProtocol, store.Short(v.ID), v.Design, w.Design)
		}
		b.Versions = append(b.Versions, v)
	}
	for _, r := range w.Refs {
		b.Refs = append(b.Refs, store.Ref{Design: w.Design, Kind: store.RefKind(r.Kind), Name: r.Name, Version: r.Version})
	}
	if len(w.Tombstones) > store.MaxBatchTombstones {
		return nil, fmt.Errorf("%w: %d tombstones in a batch", ErrProtocol, len(w.Tombstones))
	}
	for i, tb := range w.Tombstones {
		t, err := store.ParseTombstone(tb) // the store verifies the signature
		if err != nil {
			return nil, fmt.Errorf("tombstone %d: %w", i, err)
		}
		if t.Design != w.Design {
			return nil, fmt.Errorf("%w: tombstone of design %s in a batch of %s", ErrProtocol, t.Design, w.Design)
		}
		b.Tombstones = append(b.Tombstones, t)
	}
	return b, nil
}

// rebuildManifests is the frame's manifests, those sent as deltas
// rebuilt. Each delta's base must come before it in the frame, and what
// is rebuilt is bounded like a frame: a delta costs a few bytes on the
// wire, its manifest as many as its base.
func (w *BatchWire) rebuildManifests() ([][]byte, error) {
	if len(w.MDeltas) > chunkVersions {
		return nil, fmt.Errorf("%w: %d manifest deltas in a batch", ErrProtocol, len(w.MDeltas))
	}
	known := make(map[models.Hash][]byte, len(w.Manifests)+len(w.MDeltas))
	total := 0
	out := make([][]byte, 0, len(w.Manifests)+len(w.MDeltas))
	for _, m := range w.Manifests {
		known[models.HashOf(m)] = m
		total += len(m)
		out = append(out, m)
	}
	for i, d := range w.MDeltas {
		base, ok := known[d.Base]
		if !ok {
			return nil, fmt.Errorf("%w: manifest delta %d: its base %s is not in the batch", ErrProtocol, i, d.Base.String()[:10])
		}
		put := make([]store.ManifestEntry, len(d.Put))
		for k, e := range d.Put {
			put[k] = store.ManifestEntry{ID: e.ID, Hash: e.Hash}
		}
		m, ok := store.PatchManifest(base, put, d.Del)
		if !ok {
			return nil, fmt.Errorf("%w: manifest delta %d does not apply to its base", ErrProtocol, i)
		}
		if total += len(m); total > MaxFrame {
			return nil, fmt.Errorf("%w: manifests rebuilt from deltas exceed %d bytes", ErrProtocol, MaxFrame)
		}
		known[models.HashOf(m)] = m
		out = append(out, m)
	}
	return out, nil
}
