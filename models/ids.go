package models

import (
	"crypto/rand"
	"encoding/hex"
)

// idLen is the length of a random ID: 16 lowercase hex characters.
const idLen = 16

// NewID returns a fresh random ID: 64 bits from crypto/rand as 16 lowercase
// hex characters. At a studio's scale (millions of elements at most) the
// chance of a collision is negligible, so IDs are never coordinated.
func NewID() ID {
	var b [idLen / 2]byte
	// crypto/rand.Read never returns an error since Go 1.24: on failure the
	// program crashes rather than hand out predictable IDs.
	_, _ = rand.Read(b[:])
	return ID(hex.EncodeToString(b[:]))
}

// ValidID reports whether id has the form [NewID] produces: exactly 16
// lowercase hex characters. The fixed IDs [MetaID] and [LastID] are not
// random IDs and are reported invalid; see [ValidElementID].
func ValidID(id ID) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ValidElementID reports whether id may name an element: a random ID or one
// of the fixed singleton IDs.
func ValidElementID(id ID) bool { return id == MetaID || id == LastID || ValidID(id) }
