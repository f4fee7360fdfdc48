package models

// Props maps a property name to its value in canonical CBOR. Two values are
// equal exactly when their bytes are equal.
type Props map[string][]byte

// Element is the unit of versioning: a kind and a flat set of named
// properties. The unit of merge is (element, property).
type Element struct {
	ID    ID
	Kind  Kind
	Props Props
}

// Snapshot is the whole content of a design at one version: every element
// by ID. The design's own ID is not part of it.
type Snapshot map[ID]Element
