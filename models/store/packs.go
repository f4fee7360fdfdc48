package store

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Packs: a checkout reads a design's elements together.
//
// The elements bucket is keyed by hash, so the 1,000 elements of a large
// design lie scattered over a B+tree that grows with the studio: in a
// studio of 100,000 versions a checkout touched about 900 more pages of
// the mapped file than in one of 1,000 (one page fault each), and took
// about 5 ms more. A pack is a copy of the element bytes of one version
// of a design, written as one value (bucket packs, key the design ID):
// its 32-byte hash, a varint length and the canonical bytes, per element.
// A checkout takes an element from the design's pack when the pack holds
// bytes that hash to what the manifest lists, and reads the elements
// bucket otherwise; bytes from a pack are checked against their hash like
// any element read (the manifest is checked against the version's root,
// the version against its seal), so a changed byte in a pack is never
// content: the element is read from the elements bucket instead. The
// pack is derived data that only saves lookups: a file without packs (an
// older one, or one written by an older Cordwain, which leaves them
// alone) reads as before.
//
// A pack is written by CommitDesign, in the commit's transaction, when
// the design has packMinElements or more and the design's pack was found
// to miss more than one element in packStaleFraction at the last
// checkout in this process, counting the elements committed since: one
// `cordwain edit` of a design without a pack writes one, and later ones
// find all but the few elements edited since.

var bucketPacks = []byte("packs") // design ID → pack

const (
	packMinElements   = 200
	packStaleFraction = 8
)

// readPack indexes design's pack by element hash (slices of bbolt's
// memory, valid in tx); nil if it has none or it is not well formed.
func readPack(tx *bolt.Tx, design models.ID) map[models.Hash][]byte {
	b := tx.Bucket(bucketPacks)
	if b == nil {
		return nil
	}
	v := b.Get([]byte(design))
	if v == nil {
		return nil
	}
	idx := map[models.Hash][]byte{}
	for len(v) > 0 {
		var h models.Hash
		if len(v) < len(h) {
			return nil
		}
		copy(h[:], v)
		n, k := binary.Uvarint(v[len(h):])
		if k <= 0 || n > uint64(len(v)-len(h)-k) {
			return nil
		}
		start := len(h) + k
		idx[h] = v[start : start+int(n)]
		v = v[start+int(n):]
	}
	return idx
}

// encodePack lays out the elements of enc as a pack, in ID order.
func encodePack(enc *models.EncodedSnapshot) []byte {
	size := 0
	for _, e := range enc.Elements {
		size += len(e.Hash) + binary.MaxVarintLen64 + len(e.Enc)
	}
	out := make([]byte, 0, size)
	for _, id := range slices.Sorted(maps.Keys(enc.Elements)) {
		e := enc.Elements[id]
		out = append(out, e.Hash[:]...)
		out = binary.AppendUvarint(out, uint64(len(e.Enc)))
		out = append(out, e.Enc...)
	}
	return out
}

// readSnapshotPacked is readSnapshotEnc(tx, root, true) for a version of
// design, taking the elements from the design's pack where it holds them
// (checked against their hashes); it also says how many elements the
// pack did not give.
func readSnapshotPacked(tx *bolt.Tx, design models.ID, root models.Hash) (models.Snapshot, map[models.ID]models.EncodedBytes, int, error) {
	return readSnapshotFrom(tx, root, true, readPack(tx, design))
}

// notePack records, after a checkout of design, how many of its elements
// the pack missed (all, without a pack).
func (h *histCache) notePack(design models.ID, misses int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.packStale == nil || len(h.packStale) >= maxSnapshotCaches {
		h.packStale = map[models.ID]int{}
	}
	h.packStale[design] = misses
}

// maybeWritePack writes design's pack from es (a commit from the typed
// design) in tx when the pack is known to be stale enough (see above),
// and says whether it did; the caller calls packWritten once tx is on
// disk.
func (h *histCache) maybeWritePack(tx *bolt.Tx, design models.ID, es *encodedSnapshot) (bool, error) {
	if es.src == nil || len(es.src.Elements) < packMinElements {
		return false, nil
	}
	n := len(es.src.Elements)
	h.mu.Lock()
	stale, known := h.packStale[design]
	write := false
	if known {
		if es.changed != nil {
			stale += len(es.changed)
		} else {
			stale = n
		}
		if stale*packStaleFraction > n {
			write = true
		} else {
			h.packStale[design] = stale
		}
	}
	h.mu.Unlock()
	if !write {
		return false, nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketPacks)
	if err != nil {
		return false, fmt.Errorf("writing the pack of %s: %w", design, err)
	}
	if err := b.Put([]byte(design), encodePack(es.src)); err != nil {
		return false, fmt.Errorf("writing the pack of %s: %w", design, err)
	}
	return true, nil
}

// packWritten notes that design's pack was written with the commit that
// just went to disk.
func (h *histCache) packWritten(design models.ID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.packStale[design]; ok {
		h.packStale[design] = 0
	}
}
