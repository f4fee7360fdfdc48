package sigcheck

import (
	"bytes"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// The tables hold their points in affine Niels form (y+x, y−x, 2d·x·y:
// Z is 1), and a verification adds them to a point in extended
// coordinates with the mixed formula: 7 field multiplications per
// addition where edwards25519.Point.Add, which must first bring its
// second point to that form, takes 9. The formulas are the complete ones
// edwards25519 uses (Hisil, Wong, Carter and Dawson 2008, a = −1), so
// every sum is exact, identity and doublings included.

// ext is a point in extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z.
type ext struct{ X, Y, Z, T field.Element }

// niels is an affine point (x, y) as y+x, y−x and 2d·x·y.
type niels struct{ ypx, ymx, t2d field.Element }

// d2 is 2d, twice the curve constant d = −121665/121666.
var d2 = func() field.Element {
	var num, den, d field.Element
	num.Mult32(new(field.Element).One(), 121665)
	num.Negate(&num)
	den.Mult32(new(field.Element).One(), 121666)
	d.Multiply(&num, den.Invert(&den))
	return *d.Add(&d, &d)
}()

func (p *ext) identity() {
	p.X.Zero()
	p.Y.One()
	p.Z.One()
	p.T.Zero()
}

// add sets p to p + q, or p − q when neg.
func (p *ext) add(q *niels, neg bool) {
	ypx, ymx := &q.ypx, &q.ymx
	if neg { // −(x, y) = (−x, y): y+x and y−x trade places, 2dxy turns
		ypx, ymx = ymx, ypx
	}
	var a, b, c, d, e, f, g, h field.Element
	a.Subtract(&p.Y, &p.X)
	a.Multiply(&a, ymx)
	b.Add(&p.Y, &p.X)
	b.Multiply(&b, ypx)
	c.Multiply(&p.T, &q.t2d)
	d.Add(&p.Z, &p.Z)
	e.Subtract(&b, &a)
	h.Add(&b, &a)
	if neg {
		f.Add(&d, &c)
		g.Subtract(&d, &c)
	} else {
		f.Subtract(&d, &c)
		g.Add(&d, &c)
	}
	p.X.Multiply(&e, &f)
	p.Y.Multiply(&g, &h)
	p.T.Multiply(&e, &h)
	p.Z.Multiply(&f, &g)
}

// encodes reports whether p, whose Z has the inverse zinv, has the
// encoding want (as edwards25519.Point.Bytes writes it: y, with the sign
// of x in the top bit).
func (p *ext) encodes(zinv *field.Element, want []byte) bool {
	var x, y field.Element
	x.Multiply(&p.X, zinv)
	y.Multiply(&p.Y, zinv)
	var out [32]byte
	copy(out[:], y.Bytes())
	out[31] |= byte(x.IsNegative() << 7)
	return bytes.Equal(out[:], want)
}

// toNiels converts points to affine Niels form, with one inversion for
// them all.
func toNiels(ps []edwards25519.Point) []niels {
	xs := make([]field.Element, len(ps))
	ys := make([]field.Element, len(ps))
	zs := make([]field.Element, len(ps))
	for i := range ps {
		X, Y, Z, _ := ps[i].ExtendedCoordinates()
		xs[i], ys[i], zs[i] = *X, *Y, *Z
	}
	if !invertAll(zs) {
		panic("sigcheck: a tabulated point has Z = 0") // the formulas are complete
	}
	out := make([]niels, len(ps))
	for i := range out {
		var x, y field.Element
		x.Multiply(&xs[i], &zs[i])
		y.Multiply(&ys[i], &zs[i])
		out[i].ypx.Add(&y, &x)
		out[i].ymx.Subtract(&y, &x)
		out[i].t2d.Multiply(&x, &y)
		out[i].t2d.Multiply(&out[i].t2d, &d2)
	}
	return out
}

// invertAll replaces each element by its inverse, with one field
// inversion and three multiplications per element (Montgomery's trick);
// false, and zs unchanged, if any element is zero.
func invertAll(zs []field.Element) bool {
	if len(zs) == 0 {
		return true
	}
	prefix := make([]field.Element, len(zs)) // prefix[i] = z0·…·z(i−1)
	var acc field.Element
	acc.One()
	for i := range zs {
		prefix[i] = acc
		acc.Multiply(&acc, &zs[i])
	}
	if acc.Equal(new(field.Element).Zero()) == 1 {
		return false
	}
	acc.Invert(&acc) // 1/(z0·…·z(n−1))
	for i := len(zs) - 1; i >= 0; i-- {
		var inv field.Element
		inv.Multiply(&acc, &prefix[i]) // 1/zi
		acc.Multiply(&acc, &zs[i])     // 1/(z0·…·z(i−1))
		zs[i] = inv
	}
	return true
}
