package models

import "unicode/utf8"

// CanonicalVersion returns [Canonical](v) for a version, byte for byte,
// written directly instead of through the reflecting encoder: a pull
// encodes every received version twice (the bytes its ID and signature
// cover, and the bytes the store keeps). FuzzCanonicalVersion holds it to
// Canonical.
func CanonicalVersion(v *Version) ([]byte, error) {
	n := 128 + len(v.Design) + len(v.Author.PeerID) + len(v.Author.Name) + len(v.Message) + len(v.PubKey)
	for _, p := range v.Parents {
		n += 3 + len(p)
	}
	return AppendCanonicalVersion(make([]byte, 0, n), v)
}

// AppendCanonicalVersion appends CanonicalVersion(v) to b.
func AppendCanonicalVersion(b []byte, v *Version) ([]byte, error) {
	// Core deterministic order of the keys: by their encoded bytes, so
	// shorter first, then bytewise.
	b = append(b, 0xa7)
	b = appendText(b, "root")
	b = appendHead(b, 2, uint64(len(v.Root)))
	b = append(b, v.Root[:]...)
	b = appendText(b, "time")
	b = append(b, 0x82)
	b = appendInt(b, v.Time.Wall)
	b = appendHead(b, 0, uint64(v.Time.Logical))
	b = appendText(b, "author")
	b = append(b, 0xa2)
	b = appendText(b, "name")
	b = appendText(b, v.Author.Name)
	b = appendText(b, "peer")
	b = appendText(b, v.Author.PeerID)
	b = appendText(b, "design")
	b = appendText(b, string(v.Design))
	b = appendText(b, "pubkey")
	b = AppendCanonicalBytes(b, v.PubKey)
	b = appendText(b, "message")
	b = appendText(b, v.Message)
	b = appendText(b, "parents")
	if v.Parents == nil {
		b = append(b, 0xf6)
	} else {
		b = appendHead(b, 4, uint64(len(v.Parents)))
		for _, p := range v.Parents {
			b = appendText(b, string(p))
		}
	}
	if !utf8.ValidString(v.Author.Name) || !utf8.ValidString(v.Author.PeerID) || !utf8.ValidString(string(v.Design)) ||
		!utf8.ValidString(v.Message) || !validTexts(v.Parents) {
		return nil, ErrInvalidText
	}
	return b, nil
}

// AppendCanonicalBytes appends the canonical CBOR of a byte slice: null
// for nil, as Canonical writes it.
func AppendCanonicalBytes(b, p []byte) []byte {
	if p == nil {
		return append(b, 0xf6)
	}
	return append(appendHead(b, 2, uint64(len(p))), p...)
}

func validTexts(ids []ID) bool {
	for _, id := range ids {
		if !utf8.ValidString(string(id)) {
			return false
		}
	}
	return true
}

func appendText(b []byte, s string) []byte {
	return append(appendHead(b, 3, uint64(len(s))), s...)
}

func appendInt(b []byte, i int64) []byte {
	if i < 0 {
		return appendHead(b, 1, uint64(-(i + 1)))
	}
	return appendHead(b, 0, uint64(i))
}
