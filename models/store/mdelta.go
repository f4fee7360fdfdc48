package store

import "cordwain/models"

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
	ea, ok := layoutEntries(a)
	if !ok {
		return nil, nil, false
	}
	eb, ok := layoutEntries(b)
	if !ok {
		return nil, nil, false
	}
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		c := 0
		switch {
		case i == len(ea):
			c = 1
		case j == len(eb):
			c = -1
		default:
			c = keyLess(ea[i].key, eb[j].key)
		}
		switch {
		case c < 0: // only in a
			del = append(del, models.ID(ea[i].key))
			i++
		case c > 0: // only in b
			put = append(put, ManifestEntry{ID: models.ID(eb[j].key), Hash: eb[j].h})
			j++
		default:
			if ea[i].h != eb[j].h {
				put = append(put, ManifestEntry{ID: models.ID(eb[j].key), Hash: eb[j].h})
			}
			i++
			j++
		}
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

// layoutEntry is one entry of manifest bytes, key and hash in place.
type layoutEntry struct {
	key []byte
	h   models.Hash
}

// layoutEntries lists the entries of a manifest in the layout the store
// writes; false if raw is not that layout, its keys in strictly
// increasing canonical order.
func layoutEntries(raw []byte) ([]layoutEntry, bool) {
	var out []layoutEntry
	if n, _, ok := models.ReadCBORHead(raw, 5); ok && n <= uint64(len(raw)/35) {
		out = make([]layoutEntry, 0, n)
	}
	ok := manifestRefs(raw, func(id []byte, h models.Hash) bool {
		out = append(out, layoutEntry{key: id, h: h})
		return true
	})
	if !ok {
		return nil, false
	}
	for i := 1; i < len(out); i++ {
		if keyLess(out[i-1].key, out[i].key) >= 0 {
			return nil, false
		}
	}
	return out, true
}
