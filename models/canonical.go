package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// canonicalEnc encodes in the deterministic "Core Deterministic Encoding" of
// RFC 8949 §4.2.1: sorted map keys, shortest integers and floats, no
// indefinite lengths. The same content always gives the same bytes.
var canonicalEnc = func() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	opts.Time = cbor.TimeUnixMicro
	em, err := opts.EncMode()
	if err != nil {
		panic(fmt.Sprintf("models: canonical CBOR options: %v", err)) // static options, cannot fail at run time
	}
	return em
}()

// strictDec refuses duplicate map keys, indefinite lengths and extra data,
// and caps sizes so hostile input cannot make it allocate without bound.
var strictDec = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		MaxNestedLevels:  32,
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 20,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("models: CBOR decoder options: %v", err)) // static options
	}
	return dm
}()

// Canonical returns the canonical CBOR bytes of v.
func Canonical(v any) ([]byte, error) { return canonicalEnc.Marshal(v) }

// DecodeCanonical decodes CBOR bytes strictly into v.
func DecodeCanonical(data []byte, v any) error { return strictDec.Unmarshal(data, v) }

// Hash is a SHA-256 content hash.
type Hash [32]byte

// HashOf hashes bytes.
func HashOf(b []byte) Hash { return sha256.Sum256(b) }

// String is the lowercase hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }
