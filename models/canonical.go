package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

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

// ErrInvalidText: a string that is not valid UTF-8 text. The decoder
// refuses such strings, so the encoder must never produce them: anything
// stored has to be readable again.
var ErrInvalidText = errors.New("text is not valid UTF-8")

// Canonical returns the canonical CBOR bytes of v. Text that is not valid
// UTF-8 is refused with [ErrInvalidText] (the CBOR encoder would write it
// and every later read would fail).
func Canonical(v any) ([]byte, error) {
	b, err := canonicalEnc.Marshal(v)
	if err != nil {
		return nil, err
	}
	if rest, ok := checkText(b, 0); !ok || len(rest) != 0 {
		return nil, ErrInvalidText
	}
	return b, nil
}

// checkText walks one well-formed CBOR item (as the encoder writes it:
// definite lengths only) and reports whether every text string in it is
// valid UTF-8, returning the bytes after the item.
func checkText(b []byte, depth int) ([]byte, bool) {
	if len(b) == 0 || depth > 64 {
		return nil, false
	}
	major, info := b[0]>>5, b[0]&0x1f
	b = b[1:]
	var n uint64
	switch {
	case info < 24:
		n = uint64(info)
	case info <= 27:
		size := 1 << (info - 24)
		if len(b) < size {
			return nil, false
		}
		for _, c := range b[:size] {
			n = n<<8 | uint64(c)
		}
		b = b[size:]
	default:
		return nil, false // indefinite lengths are never written
	}
	switch major {
	case 0, 1, 7: // integers, simple values, floats: the head is all
		return b, true
	case 2, 3:
		if n > uint64(len(b)) {
			return nil, false
		}
		if major == 3 && !utf8.Valid(b[:n]) {
			return nil, false
		}
		return b[n:], true
	case 4, 5:
		items := n
		if major == 5 {
			items *= 2
		}
		for i := uint64(0); i < items; i++ {
			var ok bool
			if b, ok = checkText(b, depth+1); !ok {
				return nil, false
			}
		}
		return b, true
	default: // 6: a tag and its item
		return checkText(b, depth+1)
	}
}

// DecodeCanonical decodes CBOR bytes strictly into v.
func DecodeCanonical(data []byte, v any) error { return strictDec.Unmarshal(data, v) }

// Hash is a SHA-256 content hash.
type Hash [32]byte

// HashOf hashes bytes.
func HashOf(b []byte) Hash { return sha256.Sum256(b) }

// String is the lowercase hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }
