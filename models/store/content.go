package store

import (
	"fmt"

	"cordwain/models"
)

// elementBody is an element as stored: its kind and properties. The ID is
// not part of it; the manifest maps IDs to element hashes, so identical
// content is stored once.
type elementBody struct {
	Kind  models.Kind  `cbor:"kind"`
	Props models.Props `cbor:"props"`
}

// manifest maps each element of a snapshot to the hash of its body. The
// version's Root is the hash of its canonical bytes.
type manifest map[models.ID]models.Hash

// encodedSnapshot is a snapshot split into content-addressed objects.
type encodedSnapshot struct {
	root     models.Hash
	manifest []byte
	elements map[models.Hash][]byte
}

// encodeSnapshot splits snap into element bodies and a manifest.
func encodeSnapshot(snap models.Snapshot) (*encodedSnapshot, error) {
	es := &encodedSnapshot{elements: make(map[models.Hash][]byte, len(snap))}
	man := make(manifest, len(snap))
	for id, el := range snap {
		if id == "" || (el.ID != "" && el.ID != id) {
			return nil, fmt.Errorf("encoding snapshot: %w: element keyed %q has ID %q", ErrInvalid, id, el.ID)
		}
		if el.Kind == "" {
			return nil, fmt.Errorf("encoding snapshot: %w: element %q has no kind", ErrInvalid, id)
		}
		props := el.Props
		if props == nil {
			props = models.Props{} // nil and empty must hash alike
		}
		b, err := models.Canonical(elementBody{Kind: el.Kind, Props: props})
		if err != nil {
			return nil, fmt.Errorf("encoding element %s: %w", id, err)
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

// decodeElement decodes element bytes, checked against want, as element id.
func decodeElement(id models.ID, b []byte, want models.Hash) (models.Element, error) {
	if got := models.HashOf(b); got != want {
		return models.Element{}, fmt.Errorf("%w: element %s (%s) hashes to %s", ErrCorrupt, id, shortHash(want), shortHash(got))
	}
	var body elementBody
	if err := models.DecodeCanonical(b, &body); err != nil {
		return models.Element{}, fmt.Errorf("%w: element %s: %v", ErrCorrupt, id, err)
	}
	if body.Props == nil {
		body.Props = models.Props{}
	}
	return models.Element{ID: id, Kind: body.Kind, Props: body.Props}, nil
}

func shortHash(h models.Hash) string { return h.String()[:10] }
