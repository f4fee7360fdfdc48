package store

import (
	"fmt"

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
	elements map[models.Hash][]byte
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
		// Refuse what the decoder would refuse (non-canonical property
		// values …), so nothing unreadable is ever stored.
		if _, err := models.DecodeElement(b); err != nil {
			return nil, fmt.Errorf("encoding snapshot: %w: %w", ErrInvalid, err)
		}
		h := models.HashOf(b)
		es.elements[h] = b
		man[id] = h
	}
	mb, err := models.Canonical(man)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	es.manifest = mb
	es.root = models.HashOf(mb)
	return es, nil
}

// decodeManifest decodes manifest bytes and checks them against want.
func decodeManifest(b []byte, want models.Hash) (manifest, error) {
	if got := models.HashOf(b); got != want {
		return nil, fmt.Errorf("%w: manifest %s hashes to %s", ErrCorrupt, shortHash(want), shortHash(got))
	}
	var m manifest
	if err := models.DecodeCanonical(b, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest %s: %v", ErrCorrupt, shortHash(want), err)
	}
	return m, nil
}

// decodeElement decodes element bytes, checked against want, which the
// manifest lists as element id.
func decodeElement(id models.ID, b []byte, want models.Hash) (models.Element, error) {
	if got := models.HashOf(b); got != want {
		return models.Element{}, fmt.Errorf("%w: element %s (%s) hashes to %s", ErrCorrupt, id, shortHash(want), shortHash(got))
	}
	el, err := models.DecodeElement(b)
	if err != nil {
		return models.Element{}, fmt.Errorf("%w: element %s: %v", ErrCorrupt, id, err)
	}
	if el.ID != id {
		return models.Element{}, fmt.Errorf("%w: manifest lists element %s as %s", ErrCorrupt, el.ID, id)
	}
	return el, nil
}

func shortHash(h models.Hash) string { return h.String()[:10] }
