// Package sigcheck verifies Ed25519 signatures exactly as
// crypto/ed25519.Verify does, faster for the keys it sees often.
//
// A studio's history is signed by a handful of keys, and a new member
// pulling it verifies tens of thousands of signatures by those few keys.
// The check is the same equation as the standard library's,
// [S]B − [k]A = R, compared byte for byte with the signature's R; only
// the way the two scalar multiples are computed differs. For a key seen
// often enough, multiples of −A are tabulated once (signed radix 64),
// and the base point's multiples are tabulated once for all (signed radix
// 256), both in affine form, so a verification is 75 mixed point
// additions instead of some 250 doublings and 70 additions; checked in a
// batch ([Verifier.VerifyAll]), the signatures share the inversion that
// encoding each computed point needs. Group arithmetic is exact: the
// point, and so its encoding, is the same however it is computed.
//
// Everything the standard library checks besides the equation is
// checked the same way: the signature's length and top bits, S below the
// group order, k from SHA-512(R ‖ A ‖ message). A key whose encoding is
// not canonical, or not a point, and any key not yet seen often, is
// verified by crypto/ed25519 itself.
package sigcheck

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"sync"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// Verify reports whether sig is pub's signature of msg, with the result
// of ed25519.Verify(pub, msg, sig) (which it also panics like, for a key
// of the wrong length).
func Verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	return shared.Verify(pub, msg, sig)
}

// VerifyAll is [Verifier.VerifyAll] with the package's tables: ok[i] is
// Verify of jobs[i].
func VerifyAll(jobs []Job, ok []bool) {
	shared.VerifyAll(jobs, ok)
}

var shared = NewVerifier(DefaultKeys)

// DefaultKeys is how many keys the package's Verify keeps tables for
// (165 KB each).
const DefaultKeys = 64

// tableAfter is how many verifications by a key go to the standard
// library before its table is made: the table costs about as much as
// nine of them (0.6 ms).
const tableAfter = 8

// Verifier keeps tables for up to a number of keys. It is safe for
// concurrent use.
type Verifier struct {
	mu     sync.Mutex
	keys   map[[32]byte]*keyState
	tables int
	limit  int
}

// keyState is what a Verifier knows of a key (under its mutex).
type keyState struct {
	uses     int
	building bool   // a caller is making the table, or has made it
	ready    bool   // the table is made (or refused: table nil)
	table    *table // nil: the standard library verifies this key
}

// NewVerifier keeps tables for at most limit keys.
func NewVerifier(limit int) *Verifier {
	return &Verifier{keys: map[[32]byte]*keyState{}, limit: limit}
}

// Verify is [Verify] with this verifier's tables.
func (v *Verifier) Verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	jobs := [1]Job{{Pub: pub, Msg: msg, Sig: sig}}
	var ok [1]bool
	v.VerifyAll(jobs[:], ok[:])
	return ok[0]
}

// Job is one signature to check: Sig is Pub's signature of Msg.
type Job struct {
	Pub      ed25519.PublicKey
	Msg, Sig []byte
}

// VerifyAll sets ok[i] to [Verify] of jobs[i], for each job. Checked
// together, the signatures by keys with a table share the one field
// inversion each check ends with (encoding the computed point), so a
// batch costs less than its signatures checked one by one; every answer
// is still the one of its own signature alone.
func (v *Verifier) VerifyAll(jobs []Job, ok []bool) {
	if len(ok) < len(jobs) {
		panic("sigcheck: VerifyAll with fewer results than jobs")
	}
	pts := make([]ext, 0, len(jobs))
	at := make([]int, 0, len(jobs))
	for i, j := range jobs {
		ok[i] = false
		if len(j.Pub) != ed25519.PublicKeySize {
			ok[i] = ed25519.Verify(j.Pub, j.Msg, j.Sig) // panics like it
			continue
		}
		t := v.tableFor(j.Pub)
		if t == nil {
			ok[i] = ed25519.Verify(j.Pub, j.Msg, j.Sig)
			continue
		}
		r, good := t.point(j.Pub, j.Msg, j.Sig)
		if good {
			pts = append(pts, r)
			at = append(at, i)
		}
	}
	if len(pts) == 0 {
		return
	}
	zs := make([]field.Element, len(pts))
	for i := range pts {
		zs[i] = pts[i].Z
	}
	if !invertAll(zs) {
		// A zero Z cannot come out of the complete formulas; should it
		// ever, the standard library decides.
		for _, i := range at {
			ok[i] = ed25519.Verify(jobs[i].Pub, jobs[i].Msg, jobs[i].Sig)
		}
		return
	}
	for n, i := range at {
		ok[i] = pts[n].encodes(&zs[n], jobs[i].Sig[:32])
	}
}

// point is [S]B − [k]A for the signature sig of msg by pub (whose table
// t is): the point whose encoding must be the signature's R. good is
// false when the signature is refused before any point is computed
// (length, top bits, S not below the group order).
func (t *table) point(pub, msg, sig []byte) (r ext, good bool) {
	if len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return r, false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(pub)
	h.Write(msg)
	var digest [sha512.Size]byte
	k, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(digest[:0]))
	if err != nil {
		return r, false // cannot happen: the digest is 64 bytes
	}
	s, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return r, false
	}
	r.identity()
	t.mulAdd(&r, k)           // [k](−A)
	baseTable().mulAdd(&r, s) // + [S]B
	return r, true
}

// tableFor is the table of key pub, made once it has been used often
// enough; nil while the standard library verifies it. The caller that
// reaches the count makes the table; the others use the standard library
// meanwhile.
func (v *Verifier) tableFor(pub []byte) *table {
	var key [32]byte
	copy(key[:], pub)
	v.mu.Lock()
	ks := v.keys[key]
	if ks == nil {
		if len(v.keys) >= 4*v.limit {
			// Many keys used a few times each (a hostile peer's): forget
			// those without a table.
			for k, s := range v.keys {
				if !s.building {
					delete(v.keys, k)
				}
			}
		}
		ks = &keyState{}
		v.keys[key] = ks
	}
	if ks.ready || ks.building {
		t := ks.table
		v.mu.Unlock()
		return t
	}
	ks.uses++
	if ks.uses < tableAfter || v.tables >= v.limit {
		v.mu.Unlock()
		return nil
	}
	ks.building = true
	v.tables++
	v.mu.Unlock()

	t := newKeyTable(pub)
	v.mu.Lock()
	ks.table, ks.ready = t, true
	if t == nil {
		v.tables--
	}
	v.mu.Unlock()
	return t
}

// table holds multiples of a point P for a signed radix 2^w, in affine
// Niels form: row i holds j·2^(w·i)·P for j in [1, 2^(w−1)].
type table struct {
	rows [][]niels
	w    uint
}

// newTable tabulates p for radix 2^w, with rows(w) rows (a scalar below
// 2^253).
func newTable(p *edwards25519.Point, w uint) *table {
	n, half := rows(w), 1<<(w-1)
	all := make([]edwards25519.Point, n*half)
	b := new(edwards25519.Point).Set(p)
	for i := range n {
		row := all[i*half : (i+1)*half]
		row[0].Set(b)
		for j := 1; j < half; j++ {
			row[j].Add(&row[j-1], b)
		}
		b.Add(&row[half-1], &row[half-1]) // 2^(w·(i+1))·P
	}
	aff := toNiels(all)
	t := &table{rows: make([][]niels, n), w: w}
	for i := range t.rows {
		t.rows[i] = aff[i*half : (i+1)*half]
	}
	return t
}

// mulAdd adds [s]P to r.
func (t *table) mulAdd(r *ext, s *edwards25519.Scalar) {
	digits := signedDigits(s.Bytes(), t.w)
	for i, row := range t.rows {
		switch d := digits[i]; {
		case d > 0:
			r.add(&row[d-1], false)
		case d < 0:
			r.add(&row[-d-1], true)
		}
	}
}

// newKeyTable tabulates −A (radix 64, 165 KB) for the key pub; nil when
// pub is not the canonical encoding of a point (the standard library
// decides those).
func newKeyTable(pub []byte) *table {
	a, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil || !bytes.Equal(a.Bytes(), pub) {
		return nil
	}
	return newTable(new(edwards25519.Point).Negate(a), 6)
}

// baseTable is the base point's table (radix 256, 480 KB), made once.
var baseTable = sync.OnceValue(func() *table {
	return newTable(edwards25519.NewGeneratorPoint(), 8)
})

// rows is how many digits of radix 2^w a scalar below 2^253 takes once
// written with signed digits (the carry out of the top bit included).
func rows(w uint) int { return (254 + int(w) - 1) / int(w) }

// signedDigits writes the little-endian 32-byte scalar b (below 2^253)
// in base 2^w (4 ≤ w ≤ 8) with rows(w) digits in [−2^(w−1), 2^(w−1)]:
// the scalar is Σ digit_i·2^(w·i). Only the top digit may be 2^(w−1)
// (for w = 5 bits 250–252 and a carry), still inside the table.
func signedDigits(b []byte, w uint) [64]int {
	var d [64]int
	n := rows(w)
	mask := uint32(1)<<w - 1
	for i := range n {
		bit := i * int(w)
		var x uint32
		for k := range 2 {
			if j := bit/8 + k; j < 32 {
				x |= uint32(b[j]) << (8 * k)
			}
		}
		d[i] = int(x >> (bit % 8) & mask)
	}
	half, full := 1<<(w-1), 1<<w
	for i := range n - 1 {
		if d[i] >= half {
			d[i] -= full
			d[i+1]++
		}
	}
	return d
}
