package store

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"cordwain/models"
)

// Bundle file format (one design with its whole history, for e-mail or
// chat):
//
//	magic    "CORDWAIN-BUNDLE\n" (16 bytes)
//	format   uint16 big-endian, BundleFormat (1 is still read)
//	length   uint64 big-endian, payload bytes (≤ MaxBundleSize)
//	payload  canonical CBOR of bundleWire (format 1: bundleWireV1)
//	checksum SHA-256 of the payload (32 bytes)
//
// Format 2 adds the design's tombstones (its deleted branches, as
// [EncodeTombstone] writes them), so a bundle made where a branch was
// deleted does not bring that branch's work back into main where it is
// imported. Format 1 bundles carry none.
const (
	bundleMagic = "CORDWAIN-BUNDLE\n"
	// BundleFormat is the version of the bundle layout written.
	BundleFormat uint16 = 2
	// bundleFormatV1 is the first layout, without tombstones: still read.
	bundleFormatV1 uint16 = 1
	// MaxBundleSize caps a bundle payload.
	MaxBundleSize = 256 << 20
)

type bundleWire struct {
	Design     models.ID `cbor:"design"`
	Versions   [][]byte  `cbor:"versions"` // EncodeVersion bytes, parents first
	Manifests  [][]byte  `cbor:"manifests"`
	Elements   [][]byte  `cbor:"elements"`
	Tombstones [][]byte  `cbor:"tombstones"` // EncodeTombstone bytes, by key
}

// bundleWireV1 is the payload of a format 1 bundle.
type bundleWireV1 struct {
	Design    models.ID `cbor:"design"`
	Versions  [][]byte  `cbor:"versions"`
	Manifests [][]byte  `cbor:"manifests"`
	Elements  [][]byte  `cbor:"elements"`
}

// ExportBundle writes design with its whole history to w.
func (s *Store) ExportBundle(w io.Writer, design models.ID) error {
	b, err := s.Collect(design, nil)
	if err != nil {
		return fmt.Errorf("exporting bundle: %w", err)
	}
	if err := EncodeBundle(w, design, b); err != nil {
		return fmt.Errorf("exporting bundle of %s: %w", design, err)
	}
	return nil
}

// EncodeBundle writes a batch as a bundle file: its versions with their
// content and its tombstones (all of design; its refs are not written).
func EncodeBundle(w io.Writer, design models.ID, b *Batch) error {
	wire := bundleWire{Design: design, Manifests: b.Manifests, Elements: b.Elements, Tombstones: [][]byte{}}
	for _, v := range b.Versions {
		vb, err := EncodeVersion(v)
		if err != nil {
			return err
		}
		wire.Versions = append(wire.Versions, vb)
	}
	if len(b.Tombstones) > MaxBatchTombstones {
		return fmt.Errorf("encoding bundle: %w: %d tombstones", ErrTooLarge, len(b.Tombstones))
	}
	ts := slices.Clone(b.Tombstones)
	slices.SortFunc(ts, func(x, y *Tombstone) int { return cmp.Or(cmp.Compare(x.Key(), y.Key()), cmp.Compare(x.ID(), y.ID())) })
	for _, t := range ts {
		if t.Design != design {
			return fmt.Errorf("encoding bundle of %s: %w: tombstone of design %s", design, ErrInvalid, t.Design)
		}
		tb, err := EncodeTombstone(t)
		if err != nil {
			return err
		}
		wire.Tombstones = append(wire.Tombstones, tb)
	}
	payload, err := models.Canonical(wire)
	if err != nil {
		return fmt.Errorf("encoding bundle: %w", err)
	}
	return writeBundle(w, BundleFormat, payload)
}

// writeBundle frames a payload of the given format.
func writeBundle(w io.Writer, format uint16, payload []byte) error {
	if len(payload) > MaxBundleSize {
		return fmt.Errorf("%w: bundle of %d bytes", ErrTooLarge, len(payload))
	}
	var head bytes.Buffer
	head.WriteString(bundleMagic)
	binary.Write(&head, binary.BigEndian, format)
	binary.Write(&head, binary.BigEndian, uint64(len(payload)))
	sum := sha256.Sum256(payload)
	for _, part := range [][]byte{head.Bytes(), payload, sum[:]} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("writing bundle: %w", err)
		}
	}
	return nil
}

// DecodeBundle reads a bundle: the design it holds, its versions
// (verified one by one, see [DecodeVersion]) with their content, and its
// tombstones (of its design, in canonical form; their signatures and
// authors are checked by the receive, like sync's). It reads at most the
// declared length and never more than MaxBundleSize. Format 1 bundles
// (without tombstones) are read too.
func DecodeBundle(r io.Reader) (models.ID, *Batch, error) {
	var head [len(bundleMagic) + 2 + 8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return "", nil, fmt.Errorf("reading bundle: %w: header: %v", ErrCorrupt, err)
	}
	if string(head[:len(bundleMagic)]) != bundleMagic {
		return "", nil, fmt.Errorf("reading bundle: %w: not a Cordwain bundle", ErrCorrupt)
	}
	format := binary.BigEndian.Uint16(head[len(bundleMagic):])
	if format != BundleFormat && format != bundleFormatV1 {
		return "", nil, fmt.Errorf("reading bundle: %w: format %d, this program reads %d and %d", ErrCorrupt, format, bundleFormatV1, BundleFormat)
	}
	n := binary.BigEndian.Uint64(head[len(bundleMagic)+2:])
	if n > MaxBundleSize {
		return "", nil, fmt.Errorf("reading bundle: %w: payload of %d bytes", ErrTooLarge, n)
	}
	// Read in chunks so a lying length costs no more memory than the data
	// actually present.
	var payload bytes.Buffer
	if _, err := io.CopyN(&payload, r, int64(n)); err != nil {
		return "", nil, fmt.Errorf("reading bundle: %w: truncated payload: %v", ErrCorrupt, err)
	}
	var sum [sha256.Size]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return "", nil, fmt.Errorf("reading bundle: %w: truncated checksum: %v", ErrCorrupt, err)
	}
	if sha256.Sum256(payload.Bytes()) != sum {
		return "", nil, fmt.Errorf("reading bundle: %w: checksum mismatch", ErrCorrupt)
	}
	// A bundle is the whole file: bytes after it (two bundles
	// concatenated, a download with junk appended) are refused rather
	// than silently dropped.
	var extra [1]byte
	if n, err := io.ReadFull(r, extra[:]); n != 0 || !errors.Is(err, io.EOF) {
		if n != 0 {
			return "", nil, fmt.Errorf("reading bundle: %w: data after the end of the bundle (two bundles in one file?)", ErrCorrupt)
		}
		return "", nil, fmt.Errorf("reading bundle: %w", err)
	}
	var wire bundleWire
	if format == bundleFormatV1 {
		var v1 bundleWireV1
		if err := models.DecodeCanonical(payload.Bytes(), &v1); err != nil {
			return "", nil, fmt.Errorf("reading bundle: %w: %v", ErrCorrupt, err)
		}
		wire = bundleWire{Design: v1.Design, Versions: v1.Versions, Manifests: v1.Manifests, Elements: v1.Elements}
	} else if err := models.DecodeCanonical(payload.Bytes(), &wire); err != nil {
		return "", nil, fmt.Errorf("reading bundle: %w: %v", ErrCorrupt, err)
	}
	if err := checkName("design ID", string(wire.Design)); err != nil {
		return "", nil, fmt.Errorf("reading bundle: %w", err)
	}
	b := &Batch{Manifests: wire.Manifests, Elements: wire.Elements}
	for i, vb := range wire.Versions {
		v, err := DecodeVersion(vb)
		if err != nil {
			return "", nil, fmt.Errorf("reading bundle: version %d: %w", i, err)
		}
		if v.Design != wire.Design {
			return "", nil, fmt.Errorf("reading bundle: %w: version %s belongs to design %s", ErrCorrupt, short(v.ID), v.Design)
		}
		b.Versions = append(b.Versions, v)
	}
	if len(wire.Tombstones) > MaxBatchTombstones {
		return "", nil, fmt.Errorf("reading bundle: %w: %d tombstones", ErrTooLarge, len(wire.Tombstones))
	}
	for i, tb := range wire.Tombstones {
		t, err := ParseTombstone(tb) // bounded by MaxTombstoneSize
		if err != nil {
			return "", nil, fmt.Errorf("reading bundle: tombstone %d: %w", i, err)
		}
		if t.Design != wire.Design {
			return "", nil, fmt.Errorf("reading bundle: %w: tombstone of %q belongs to design %s", ErrCorrupt, t.Branch, t.Design)
		}
		b.Tombstones = append(b.Tombstones, t)
	}
	return wire.Design, b, nil
}

// ImportResult says what [Store.ImportBundle] did.
type ImportResult struct {
	Design models.ID
	ReceiveResult
}

// ImportBundle reads a bundle and receives it like sync does (see
// [Store.Receive]): everything is verified first (a forged tombstone, like
// a forged version, refuses the whole bundle), known versions are no-ops,
// the bundle's tombstones are applied as a sync's are (tombstone.go), and
// the bundle's heads that no tombstone covers are merged into the default
// branch in the same transaction.
func (s *Store) ImportBundle(r io.Reader) (ImportResult, error) {
	design, b, err := DecodeBundle(r)
	if err != nil {
		return ImportResult{}, fmt.Errorf("importing bundle: %w", err)
	}
	res, err := s.Receive(b)
	if err != nil {
		return ImportResult{}, fmt.Errorf("importing bundle of %s: %w", design, err)
	}
	return ImportResult{Design: design, ReceiveResult: res}, nil
}
