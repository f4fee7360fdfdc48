package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"cordwain/internal/sigcheck"
	"cordwain/models"
)

// MaxVersionSize caps the encoded size of one version (message included).
const MaxVersionSize = 64 << 10

// MergeMessage is the fixed message of merge versions: everything in a
// merge version is determined by its parents, so two peers merging the same
// heads produce the same ID.
const MergeMessage = "merge"

// signedBytes is the canonical CBOR of v without ID and Signature (the
// struct tags of [models.Version] leave those two out): the bytes that are
// hashed into the ID and signed.
func signedBytes(v *models.Version) ([]byte, error) {
	b, err := models.CanonicalVersion(v)
	if err != nil {
		return nil, fmt.Errorf("encoding version: %w", err)
	}
	return b, nil
}

// ComputeID returns the ID v should have: the hex SHA-256 of its canonical
// bytes without the signature. It returns "" only if v cannot be encoded,
// which does not happen for a well-formed Version.
func ComputeID(v *models.Version) models.ID {
	b, err := signedBytes(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return models.ID(hex.EncodeToString(sum[:]))
}

// Sign sets v.PubKey to key's public half, then v.ID and v.Signature over
// the canonical bytes.
func Sign(v *models.Version, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("signing version: %w: private key of %d bytes", ErrInvalid, len(key))
	}
	v.PubKey = slices.Clone(key.Public().(ed25519.PublicKey))
	b, err := signedBytes(v)
	if err != nil {
		return fmt.Errorf("signing version: %w", err)
	}
	sum := sha256.Sum256(b)
	v.ID = models.ID(hex.EncodeToString(sum[:]))
	v.Signature = ed25519.Sign(key, b)
	return nil
}

// IsMerge reports whether v has the shape of a merge version: two or more
// parents and no author.
func IsMerge(v *models.Version) bool {
	return len(v.Parents) >= 2 && v.Author == (models.Author{}) && len(v.PubKey) == 0
}

// IsRoot reports whether v has the shape of an unsigned root version: no
// parents and no author, key or signature. Only the built-in sample roots
// have it (the same bytes, so the same IDs, in every studio); a store
// accepts one only if [Options.Roots] knows its ID.
func IsRoot(v *models.Version) bool {
	return len(v.Parents) == 0 && v.Author == (models.Author{}) && len(v.PubKey) == 0 && len(v.Signature) == 0
}

// Verify checks that v is self-consistent: its ID is the hash of its
// content, its parents are sorted and distinct, and either it is signed by
// PubKey or it is a merge version (two or more parents, no author, key or
// signature, the fixed [MergeMessage]). It does not check that the
// parents exist; the store does that.
func Verify(v *models.Version) error {
	b, signed, err := checkVersion(v)
	if err != nil || !signed {
		return err
	}
	return checkSignature(v, b)
}

// checkVersion is Verify but for the signature itself: b are v's content
// bytes, and signed says they remain to be checked against its signature
// ([checkBody]).
func checkVersion(v *models.Version) (b []byte, signed bool, err error) {
	if v == nil {
		return nil, false, fmt.Errorf("verifying version: %w: nil", ErrInvalid)
	}
	if b, err = signedBytes(v); err != nil {
		return nil, false, fmt.Errorf("verifying version %s: %w: %v", short(v.ID), ErrCorrupt, err)
	}
	signed, err = checkBody(v, b)
	return b, signed, err
}

// verifyBody is Verify once the canonical content bytes b are known.
func verifyBody(v *models.Version, b []byte) error {
	signed, err := checkBody(v, b)
	if err != nil || !signed {
		return err
	}
	return checkSignature(v, b)
}

// checkSignature checks v's signature of its content bytes b.
func checkSignature(v *models.Version, b []byte) error {
	if !sigcheck.Verify(ed25519.PublicKey(v.PubKey), b, v.Signature) {
		return badSignature(v)
	}
	return nil
}

func badSignature(v *models.Version) error {
	return fmt.Errorf("verifying version %s: %w", short(v.ID), ErrBadSignature)
}

// checkBody is verifyBody but for the signature itself: signed reports
// that v is a signed version whose key and signature have their sizes, and
// whose signature of b remains to be checked.
func checkBody(v *models.Version, b []byte) (signed bool, err error) {
	if v.Design == "" {
		return false, fmt.Errorf("verifying version %s: %w: no design", short(v.ID), ErrCorrupt)
	}
	for i, p := range v.Parents {
		if !validVersionID(p) {
			return false, fmt.Errorf("verifying version %s: %w: malformed parent %q", short(v.ID), ErrCorrupt, p)
		}
		if i > 0 && v.Parents[i-1] >= p {
			return false, fmt.Errorf("verifying version %s: %w: parents not sorted and distinct", short(v.ID), ErrCorrupt)
		}
	}
	sum := sha256.Sum256(b)
	if want := models.ID(hex.EncodeToString(sum[:])); v.ID != want {
		return false, fmt.Errorf("verifying version %s: %w (content hashes to %s)", short(v.ID), ErrBadID, short(want))
	}
	if len(v.Parents) >= 2 && v.Author == (models.Author{}) {
		// A merge version: fully determined by its parents.
		if len(v.PubKey) != 0 || len(v.Signature) != 0 {
			return false, fmt.Errorf("verifying merge version %s: %w: carries a key or signature", short(v.ID), ErrBadSignature)
		}
		if v.Message != MergeMessage {
			return false, fmt.Errorf("verifying merge version %s: %w: message %q", short(v.ID), ErrCorrupt, v.Message)
		}
		return false, nil
	}
	if IsRoot(v) {
		// An unsigned root (a built-in sample): its ID is its content;
		// the store decides whether it knows it.
		if v.Message == "" {
			return false, fmt.Errorf("verifying root version %s: %w: no message", short(v.ID), ErrCorrupt)
		}
		return false, nil
	}
	if len(v.PubKey) != ed25519.PublicKeySize {
		return false, fmt.Errorf("verifying version %s: %w: public key of %d bytes", short(v.ID), ErrBadSignature, len(v.PubKey))
	}
	if len(v.Signature) != ed25519.SignatureSize {
		return false, badSignature(v)
	}
	return true, nil
}

// versionWire is a version as stored and sent: its canonical content and
// its signature. The ID is not carried; it is recomputed.
type versionWire struct {
	_   struct{} `cbor:",toarray"`
	V   *models.Version
	Sig []byte
}

// EncodeVersion returns the canonical signed bytes of v (content and
// signature; the ID is implied by the content).
func EncodeVersion(v *models.Version) ([]byte, error) {
	sig := v.Signature
	if len(sig) == 0 {
		sig = nil
	}
	// The canonical encoding of versionWire{v, sig}: a 2-array of the
	// content and the signature (TestEncodeVersionIsCanonical).
	b, err := models.AppendCanonicalVersion(append(make([]byte, 0, 256+len(v.Message)+len(sig)), 0x82), v)
	if err != nil {
		return nil, fmt.Errorf("encoding version %s: %w", short(v.ID), err)
	}
	return models.AppendCanonicalBytes(b, sig), nil
}

// DecodeVersion decodes bytes made by [EncodeVersion], sets the ID from
// the content and verifies the version (see [Verify]). Bytes that are not
// exactly the canonical encoding are refused, so a version has one byte
// form only.
func DecodeVersion(data []byte) (*models.Version, error) {
	return decodeVersion(data, true)
}

// ParseVersion is [DecodeVersion] without the signature check: the bytes
// must be canonical and the ID is computed, but the signature is not yet
// verified. It is for versions handed straight to [Store.Receive], which
// verifies every signature itself (so a sync or bundle does not check each
// one twice).
func ParseVersion(data []byte) (*models.Version, error) {
	return decodeVersion(data, false)
}

func decodeVersion(data []byte, verify bool) (*models.Version, error) {
	if len(data) > MaxVersionSize {
		return nil, fmt.Errorf("decoding version: %w: %d bytes", ErrTooLarge, len(data))
	}
	var w versionWire
	if err := models.DecodeCanonical(data, &w); err != nil {
		return nil, fmt.Errorf("decoding version: %w: %v", ErrCorrupt, err)
	}
	if w.V == nil {
		return nil, fmt.Errorf("decoding version: %w: no content", ErrCorrupt)
	}
	v := w.V
	v.Signature = w.Sig
	// Encode the content once: it must reappear verbatim in data (the
	// canonical check), its hash is the ID and it is what was signed.
	body, err := signedBytes(v)
	if err != nil {
		return nil, fmt.Errorf("decoding version: %w: %v", ErrCorrupt, err)
	}
	sig := models.AppendCanonicalBytes(nil, v.Signature)
	if len(data) != 1+len(body)+len(sig) || data[0] != 0x82 ||
		!bytes.Equal(data[1:1+len(body)], body) || !bytes.Equal(data[1+len(body):], sig) {
		return nil, fmt.Errorf("decoding version: %w: not in canonical form", ErrCorrupt)
	}
	sum := sha256.Sum256(body)
	v.ID = models.ID(hex.EncodeToString(sum[:]))
	if !verify {
		return v, nil
	}
	if err := verifyBody(v, body); err != nil {
		return nil, fmt.Errorf("decoding version: %w", err)
	}
	return v, nil
}

// cloneVersion returns a deep copy, so memdb's objects stay untouched.
func cloneVersion(v *models.Version) *models.Version {
	c := *v
	c.Parents = slices.Clone(v.Parents)
	c.PubKey = slices.Clone(v.PubKey)
	c.Signature = slices.Clone(v.Signature)
	return &c
}

// validVersionID reports whether id looks like a version ID (64 lowercase
// hex characters).
func validVersionID(id models.ID) bool {
	if len(id) != 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Short returns the first 10 characters of a version ID, for display.
func Short(id models.ID) string { return short(id) }

func short(id models.ID) string {
	if len(id) > 10 {
		return string(id[:10])
	}
	return string(id)
}
