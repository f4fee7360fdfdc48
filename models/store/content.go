package store

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// The store keeps elements in the models element form
// ([models.EncodeElement], addressed by [models.ElementHash]) and a
// version's Root is [models.ManifestHash] of its manifest, so Root equals
// [models.Snapshot.Hash] of the content.

// manifest maps each element of a snapshot to its element hash.
type manifest map[models.ID]models.Hash

// encodedSnapshot is a snapshot split into content-addressed objects.
type encodedSnapshot struct {
	root     models.Hash
	manifest []byte
	elements map[models.Hash][]byte // nil when src holds them
	man      manifest
	src      *models.EncodedSnapshot // the elements, when made by encodedFrom
	// changed lists, sorted, the elements that differ from the head the
	// manifest was patched from (finishManifest); nil when not known.
	changed []models.ID
}

// encodeSnapshot splits snap into element bytes and a manifest.
func encodeSnapshot(snap models.Snapshot) (*encodedSnapshot, error) {
	es := &encodedSnapshot{elements: make(map[models.Hash][]byte, len(snap))}
	man := make(manifest, len(snap))
	for id, el := range snap {
		if el.ID == "" {
			el.ID = id
		}
		if el.ID != id || !models.ValidElementID(id) {
			return nil, fmt.Errorf("encoding snapshot: %w: element keyed %q has ID %q", ErrInvalid, id, el.ID)
		}
		if el.Kind == "" {
			return nil, fmt.Errorf("encoding snapshot: %w: element %q has no kind", ErrInvalid, id)
		}
		b, err := models.EncodeElement(el)
		if err != nil {
			return nil, fmt.Errorf("encoding snapshot: %w: %w", ErrInvalid, err)
		}
		// What the decoder would refuse (non-canonical property values …)
		// is refused by checkNewElements before it is stored.
		h := models.HashOf(b)
		es.elements[h] = b
		man[id] = h
	}
	mb := encodeManifest(man)
	es.manifest = mb
	es.root = models.HashOf(mb)
	es.man = man
	return es, nil
}

// newElements yields the elements of es (hash and bytes) except those
// that known (a stored manifest; nil for none) lists under the same ID.
func (es *encodedSnapshot) newElements(known manifest) func(func(models.Hash, []byte) bool) {
	return func(yield func(models.Hash, []byte) bool) {
		if es.src != nil && known != nil && es.changed != nil {
			// known is the head the manifest was patched from: only
			// the elements that differ from it can be new.
			for _, id := range es.changed {
				e, ok := es.src.Elements[id]
				if ok && !yield(e.Hash, e.Enc) {
					return
				}
			}
			return
		}
		if es.src != nil {
			for id, e := range es.src.Elements {
				if kh, ok := known[id]; ok && kh == e.Hash {
					continue
				}
				if !yield(e.Hash, e.Enc) {
					return
				}
			}
			return
		}
		if known != nil {
			for id, h := range es.man {
				if kh, ok := known[id]; ok && kh == h {
					continue
				}
				if !yield(h, es.elements[h]) {
					return
				}
			}
			return
		}
		for h, b := range es.elements {
			if !yield(h, b) {
				return
			}
		}
	}
}

// encodedFrom is encodeSnapshot of enc's content, with the element bytes
// and hashes enc holds.
func encodedFrom(enc *models.EncodedSnapshot) (*encodedSnapshot, error) {
	for id, e := range enc.Elements {
		if e.Enc == nil || e.ID != id || !models.ValidElementID(id) || e.Kind == "" {
			return nil, fmt.Errorf("encoding snapshot: %w: element %q", ErrInvalid, id)
		}
	}
	return &encodedSnapshot{src: enc}, nil // the manifest: finishManifest
}

// finishManifest makes the manifest bytes and root of es (made by
// encodedFrom), a commit on head (nil for a first version): the head's
// manifest bytes with the entries that differ patched, or encoded whole.
// It notes which elements differ from the head for the commit's record.
func (s *Store) finishManifest(es *encodedSnapshot, head *models.Version) error {
	if head != nil {
		err := s.db.View(func(tx *bolt.Tx) error {
			hm, err := s.hist.manifest(tx, head.Root)
			if err != nil {
				return err
			}
			// The head's entries with what differs put or dropped: a
			// copy of its map costs less than a new one.
			put := map[models.ID]models.Hash{}
			var changed, del []models.ID
			kept := 0
			for id, e := range es.src.Elements {
				hh, ok := hm[id]
				if ok {
					kept++
				}
				if !ok || hh != e.Hash {
					put[id] = e.Hash
					changed = append(changed, id)
				}
			}
			if kept < len(hm) {
				for id := range hm {
					if _, ok := es.src.Elements[id]; !ok {
						del = append(del, id)
						changed = append(changed, id)
					}
				}
			}
			es.man = maps.Clone(hm)
			maps.Copy(es.man, put)
			for _, id := range del {
				delete(es.man, id)
			}
			raw := tx.Bucket(bucketManifests).Get(head.Root[:])
			if patched, ok := patchManifest(raw, put, del); ok {
				es.manifest = patched
				slices.Sort(changed)
				es.changed = changed
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if es.man == nil {
		es.man = make(manifest, len(es.src.Elements))
		for id, e := range es.src.Elements {
			es.man[id] = e.Hash
		}
	}
	if es.manifest == nil {
		es.manifest = encodeManifest(es.man)
		es.changed = nil
	}
	es.root = models.HashOf(es.manifest)
	return nil
}

// checkNewElements refuses, before anything is written, an element of es
// that the file does not hold yet and that the decoder would refuse, so
// nothing unreadable is ever stored. Elements already stored were checked
// when they entered, so a commit that changes a few elements of a large
// design checks only those.
func checkNewElements(tx *bolt.Tx, es *encodedSnapshot, hc *histCache, known manifest) error {
	eb := tx.Bucket(bucketElements)
	for h, b := range es.newElements(known) {
		if eb.Get(h[:]) != nil {
			continue
		}
		e, err := models.DecodeElement(b)
		if err != nil {
			return fmt.Errorf("encoding snapshot: %w: %w", ErrInvalid, err)
		}
		hc.putElement(h, e) // its own copy, for the merges to come
	}
	return nil
}

// decodeManifest decodes manifest bytes and checks them against want.
func decodeManifest(b []byte, want models.Hash) (manifest, error) {
	if got := models.HashOf(b); got != want {
		return nil, fmt.Errorf("%w: manifest %s hashes to %s", ErrCorrupt, shortHash(want), shortHash(got))
	}
	return decodeHashedManifest(b, want)
}

// decodeHashedManifest is decodeManifest of bytes the caller has hashed
// to want already.
func decodeHashedManifest(b []byte, want models.Hash) (manifest, error) {
	// The fast path reads the shape the store writes; anything else goes
	// through the strict decoder.
	var m manifest
	if n, _, ok := models.ReadCBORHead(b, 5); ok {
		m = make(manifest, min(n, uint64(len(b)/35))) // an entry takes at least 35 bytes
	} else {
		m = manifest{}
	}
	bad := false
	if manifestRefs(b, func(id []byte, h models.Hash) bool {
		k := models.ID(id)
		if _, dup := m[k]; dup || !utf8.Valid(id) {
			bad = true
			return false
		}
		m[k] = h
		return true
	}) && !bad {
		return m, nil
	}
	m = nil
	if err := models.DecodeCanonical(b, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest %s: %v", ErrCorrupt, shortHash(want), err)
	}
	return m, nil
}

// eachManifestEntry calls fn for each entry of manifest bytes checked
// against want, without building a map when the bytes have the layout
// the store writes (IDs valid UTF-8, in canonical order, so none twice);
// anything else goes through decodeManifest. It stops at fn's first error.
func eachManifestEntry(b []byte, want models.Hash, fn func(models.ID, models.Hash) error) error {
	if models.HashOf(b) != want {
		_, err := decodeManifest(b, want) // reports the mismatch
		return err
	}
	return eachHashedManifestEntry(b, want, fn)
}

// eachHashedManifestEntry is eachManifestEntry of bytes the caller has
// hashed to want already.
func eachHashedManifestEntry(b []byte, want models.Hash, fn func(models.ID, models.Hash) error) error {
	var prev []byte
	if manifestRefs(b, func(id []byte, _ models.Hash) bool {
		if !canonicalBefore(prev, id) || !utf8.Valid(id) {
			prev = nil
			return false
		}
		prev = id
		return true
	}) && (prev != nil || len(b) == 1) {
		var err error
		manifestRefs(b, func(id []byte, h models.Hash) bool {
			err = fn(models.ID(id), h)
			return err == nil
		})
		return err
	}
	m, err := decodeHashedManifest(b, want)
	if err != nil {
		return err
	}
	for id, h := range m {
		if err := fn(id, h); err != nil {
			return err
		}
	}
	return nil
}

// canonicalBefore says whether key a sorts strictly before key b in
// canonical CBOR order (shorter first, then bytewise); a nil a is before
// every key.
func canonicalBefore(a, b []byte) bool {
	return a == nil || keyLess(a, b) < 0
}

// ManifestElements lists the element hashes a manifest's bytes name, or
// false when the bytes are not a manifest.
func ManifestElements(b []byte) ([]models.Hash, bool) {
	m, err := decodeManifest(b, models.HashOf(b))
	if err != nil {
		return nil, false
	}
	out := make([]models.Hash, 0, len(m))
	for _, h := range m {
		out = append(out, h)
	}
	return out, true
}

// decodeElement decodes element bytes, checked against want, which the
// manifest lists as element id.
func decodeElement(id models.ID, b []byte, want models.Hash) (models.Element, error) {
	if got := models.HashOf(b); got != want {
		return models.Element{}, fmt.Errorf("%w: element %s (%s) hashes to %s", ErrCorrupt, id, shortHash(want), shortHash(got))
	}
	return decodeElementHashed(id, b)
}

// decodeElementHashed is decodeElement of bytes the caller has hashed to
// the hash the manifest lists (a batch's elements are found by it).
func decodeElementHashed(id models.ID, b []byte) (models.Element, error) {
	el, err := models.DecodeElement(b)
	if err != nil {
		return models.Element{}, fmt.Errorf("%w: element %s: %v", ErrCorrupt, id, err)
	}
	if el.ID != id {
		return models.Element{}, fmt.Errorf("%w: manifest lists element %s as %s", ErrCorrupt, el.ID, id)
	}
	return el, nil
}

// decodeStored decodes element bytes read from the store file, checked
// against want. They were checked strictly ([models.DecodeElement]) when
// they entered, and the hash shows they are those bytes, so a plain parse
// of the one layout the store writes is enough; anything else falls back
// to the strict decoder. The result does not alias b (bbolt's memory).
func decodeStored(id models.ID, b []byte, want models.Hash) (models.Element, error) {
	if got := models.HashOf(b); got != want {
		return models.Element{}, fmt.Errorf("%w: element %s (%s) hashes to %s", ErrCorrupt, id, shortHash(want), shortHash(got))
	}
	return decodeHashed(id, b, want)
}

// decodeHashed is decodeStored for bytes the caller checked against want.
func decodeHashed(id models.ID, b []byte, want models.Hash) (models.Element, error) {
	if e, ok := parseElement(b); ok && e.ID == id {
		return e, nil
	}
	return decodeElement(id, b, want)
}

// parseElement parses the canonical element layout [id, kind, {name:
// bytes}] (see [models.EncodeElement]) into a copy of b.
func parseElement(b []byte) (models.Element, bool) {
	if len(b) == 0 || b[0] != 0x83 {
		return models.Element{}, false
	}
	b = bytes.Clone(b)
	rest := b[1:]
	text := func() (string, bool) {
		n, r, ok := models.ReadCBORHead(rest, 3)
		if !ok || uint64(len(r)) < n {
			return "", false
		}
		s := string(r[:n])
		rest = r[n:]
		return s, true
	}
	id, ok := text()
	if !ok {
		return models.Element{}, false
	}
	kind, ok := text()
	if !ok || kind == "" || !models.ValidElementID(models.ID(id)) {
		return models.Element{}, false
	}
	n, r, ok := models.ReadCBORHead(rest, 5)
	if !ok || n > uint64(len(r)) {
		return models.Element{}, false
	}
	rest = r
	props := make(models.Props, n)
	for range n {
		name, ok := text()
		if !ok || name == "" {
			return models.Element{}, false
		}
		vn, r, ok := models.ReadCBORHead(rest, 2)
		if !ok || uint64(len(r)) < vn {
			return models.Element{}, false
		}
		props[name] = r[:vn:vn]
		rest = r[vn:]
	}
	if len(rest) != 0 || len(props) != int(n) {
		return models.Element{}, false
	}
	return models.Element{ID: models.ID(id), Kind: models.Kind(kind), Props: props}, true
}

func shortHash(h models.Hash) string { return h.String()[:10] }

// manifestRefs walks the element hashes of canonical manifest bytes
// without building a map: the fast path of Open, which checks every
// manifest. It reports false when b is not the simple shape the store
// writes (a map of text keys to 32-byte strings); callers then fall back
// to decodeManifest.
func manifestRefs(b []byte, fn func(id []byte, h models.Hash) bool) bool {
	n, rest, ok := models.ReadCBORHead(b, 5)
	if !ok {
		return false
	}
	for range n {
		var klen uint64
		if klen, rest, ok = models.ReadCBORHead(rest, 3); !ok || uint64(len(rest)) < klen {
			return false
		}
		id := rest[:klen]
		rest = rest[klen:]
		if len(rest) < 34 || rest[0] != 0x58 || rest[1] != 32 {
			return false
		}
		var h models.Hash
		copy(h[:], rest[2:34])
		rest = rest[34:]
		if !fn(id, h) {
			return true
		}
	}
	return len(rest) == 0
}

// manifestEntry finds one element's hash in manifest bytes checked against
// want, without decoding the whole manifest (the fixed IDs "meta" and
// "last" are short, so they come first in canonical order).
func manifestEntry(raw []byte, want models.Hash, id models.ID) (models.Hash, bool, error) {
	if models.HashOf(raw) != want {
		_, err := decodeManifest(raw, want) // reports the mismatch
		return models.Hash{}, false, err
	}
	var h models.Hash
	found := false
	ok := manifestRefs(raw, func(k []byte, eh models.Hash) bool {
		if string(k) == string(id) {
			h, found = eh, true
			return false
		}
		return true
	})
	if !ok {
		m, err := decodeManifest(raw, want)
		if err != nil {
			return h, false, err
		}
		h, found = m[id]
	}
	return h, found, nil
}

// encodeManifest is the canonical CBOR of m (what models.Canonical makes
// of it: a map of text keys in canonical order to 32-byte strings),
// written directly.
func encodeManifest(m manifest) []byte {
	keys := make([]string, 0, len(m))
	for id := range m {
		keys = append(keys, string(id))
	}
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	b := models.AppendCBORHead(make([]byte, 0, 9+len(m)*(3+16+34)), 5, uint64(len(m)))
	for _, k := range keys {
		h := m[models.ID(k)]
		b = models.AppendCBORHead(b, 3, uint64(len(k)))
		b = append(b, k...)
		b = append(b, 0x58, 32)
		b = append(b, h[:]...)
	}
	return b
}
