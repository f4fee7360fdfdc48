package store

import (
	"iter"
	"maps"
	"unicode/utf8"

	"cordwain/models"
)

// Manifest deltas: a version's manifest lists every element of its
// design, and consecutive versions differ in one or two entries, so a
// history sent whole is mostly the same manifests again (26 MB of the
// 37 MB of a pull of 10,000 versions). [ManifestDelta] says how one
// manifest differs from another, [PatchManifest] rebuilds it; what is
// rebuilt is only ever taken for the version whose root it hashes to, so
// a wrong delta makes a manifest no version uses, never other content.

// ManifestEntry is one entry of a manifest: an element and its hash.
type ManifestEntry struct {
	ID   models.ID
	Hash models.Hash
}

// ManifestDelta says how manifest b differs from manifest a, both in the
// layout the store writes (canonical: as [Store.Collect] returns them):
// the entries of b that a lacks or holds with another hash, and the IDs
// of a that b lacks, each in b's (a's) order. It reports false if either
// is not that layout, keys in strictly increasing canonical order.
func ManifestDelta(a, b []byte) (put []ManifestEntry, del []models.ID, ok bool) {
	ca, cb := newManifestCursor(a), newManifestCursor(b)
	okA, okB := ca.next(), cb.next()
	for okA || okB {
		c := 0
		switch {
		case !okA:
			c = 1
		case !okB:
			c = -1
		default:
			c = keyLess(ca.key, cb.key)
		}
		switch {
		case c < 0: // only in a
			del = append(del, models.ID(ca.key))
			okA = ca.next()
		case c > 0: // only in b
			put = append(put, ManifestEntry{ID: models.ID(cb.key), Hash: cb.h})
			okB = cb.next()
		default:
			if ca.h != cb.h {
				put = append(put, ManifestEntry{ID: models.ID(cb.key), Hash: cb.h})
			}
			okA, okB = ca.next(), cb.next()
		}
	}
	if ca.bad || cb.bad {
		return nil, nil, false
	}
	return put, del, true
}

// PatchManifest is base with put entries set and del entries removed, in
// the layout the store writes; false if base is not in that layout, or
// put or del name an element twice. Its result is to be checked against
// the root it should have, like any manifest received.
func PatchManifest(base []byte, put []ManifestEntry, del []models.ID) ([]byte, bool) {
	pm := make(map[models.ID]models.Hash, len(put))
	for _, e := range put {
		if _, dup := pm[e.ID]; dup {
			return nil, false
		}
		pm[e.ID] = e.Hash
	}
	seen := make(map[models.ID]bool, len(del))
	for _, id := range del {
		if _, both := pm[id]; both || seen[id] {
			return nil, false
		}
		seen[id] = true
	}
	return patchManifest(base, pm, del)
}

// manifestCursor walks the entries of manifest bytes in the layout the
// store writes (canonical: shortest heads, keys in order), in place.
type manifestCursor struct {
	rest    []byte
	left    uint64
	started bool
	key     []byte
	h       models.Hash
	bad     bool // not that layout, or keys not in strictly increasing order
}

func newManifestCursor(raw []byte) manifestCursor {
	n, rest, ok := models.ReadCBORHead(raw, 5)
	return manifestCursor{rest: rest, left: n, bad: !ok || len(raw)-len(rest) != models.CBORHeadSize(n)}
}

// next moves to the next entry: false at the end, or on bytes out of the
// layout (then bad is set).
func (c *manifestCursor) next() bool {
	if c.bad {
		return false
	}
	if c.left == 0 {
		c.bad = len(c.rest) != 0
		return false
	}
	klen, rest, ok := models.ReadCBORHead(c.rest, 3)
	if !ok || len(c.rest)-len(rest) != models.CBORHeadSize(klen) || uint64(len(rest)) < klen+34 || rest[klen] != 0x58 || rest[klen+1] != 32 {
		c.bad = true
		return false
	}
	key := rest[:klen]
	if c.started && keyLess(c.key, key) >= 0 {
		c.bad = true
		return false
	}
	c.started, c.key = true, key
	copy(c.h[:], rest[klen+2:klen+34])
	c.rest = rest[klen+34:]
	c.left--
	return true
}

// ManifestDiff is a manifest as its delta from another, Base
// ([ManifestDelta], [PatchManifest]).
type ManifestDiff struct {
	Base models.Hash
	Put  []ManifestEntry
	Del  []models.ID
}

// diffFromParent is manifest raw as its delta from the manifest praw
// (root base) of its version's first parent, both in the layout the store
// writes (keys in strictly increasing canonical order); nil when either
// is not, or a key it puts is not UTF-8, as a manifest's keys must be
// (the parent's were checked when it was read). Applied to the parent's
// decoded manifest it gives what decoding raw gives.
func diffFromParent(base models.Hash, praw, raw []byte) *ManifestDiff {
	put, del, ok := ManifestDelta(praw, raw)
	if !ok {
		return nil
	}
	for _, e := range put {
		if !utf8.ValidString(string(e.ID)) {
			return nil
		}
	}
	return &ManifestDiff{Base: base, Put: put, Del: del}
}

// apply is pm, the base's decoded manifest, with the delta made: a new
// map.
func (d *ManifestDiff) apply(pm manifest) manifest {
	m := maps.Clone(pm)
	for _, id := range d.Del {
		delete(m, id)
	}
	for _, e := range d.Put {
		m[e.ID] = e.Hash
	}
	return m
}

// entries are the entries of m, the manifest d was applied to, that the
// base lacks: those d puts; all of m when d is nil.
func (d *ManifestDiff) entries(m manifest) iter.Seq2[models.ID, models.Hash] {
	return func(yield func(models.ID, models.Hash) bool) {
		if d == nil {
			for id, h := range m {
				if !yield(id, h) {
					return
				}
			}
			return
		}
		for _, e := range d.Put {
			if !yield(e.ID, e.Hash) {
				return
			}
		}
	}
}
