package models

import (
	"math"
	"reflect"
	"unicode/utf8"
)

// fastDecodeProp decodes one property value into the field fv without the
// general CBOR decoder, for the shapes that make most of a design: text,
// booleans, integers, finite floats, paths, points and lists of text. It
// sets fv only when it understood all of b; anything else (a NaN, a map,
// a field it does not know, trailing bytes) reports false and leaves fv
// alone for propDec, which then decodes it or says what is wrong.
func fastDecodeProp(b []byte, fv reflect.Value) bool {
	if fv.Type() == pathType {
		p, rest, ok := fastPath(b)
		if !ok || len(rest) != 0 {
			return false
		}
		fv.Set(reflect.ValueOf(p))
		return true
	}
	if fv.Type() == pointType {
		p, rest, ok := fastPoint(b)
		if !ok || len(rest) != 0 {
			return false
		}
		fv.Set(reflect.ValueOf(p))
		return true
	}
	switch fv.Kind() {
	case reflect.String:
		s, rest, ok := fastText(b)
		if !ok || len(rest) != 0 {
			return false
		}
		fv.SetString(s)
		return true
	case reflect.Bool:
		if len(b) != 1 || (b[0] != 0xf4 && b[0] != 0xf5) {
			return false
		}
		fv.SetBool(b[0] == 0xf5)
		return true
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, rest, ok := fastInt(b)
		if !ok || len(rest) != 0 || fv.OverflowInt(n) {
			return false
		}
		fv.SetInt(n)
		return true
	case reflect.Float64:
		f, rest, ok := fastFloat(b)
		if !ok || len(rest) != 0 {
			return false
		}
		fv.SetFloat(f)
		return true
	case reflect.Slice:
		if fv.Type().Elem().Kind() != reflect.String {
			return false
		}
		n, rest, ok := ReadCBORHead(b, 4)
		if !ok || n == 0 || n > uint64(len(rest)) {
			return false // an empty list (rare: normalised to null) goes the long way
		}
		s := reflect.MakeSlice(fv.Type(), int(n), int(n))
		for i := range int(n) {
			var t string
			if t, rest, ok = fastText(rest); !ok {
				return false
			}
			s.Index(i).SetString(t)
		}
		if len(rest) != 0 {
			return false
		}
		fv.Set(s)
		return true
	}
	return false
}

var pointType = reflect.TypeFor[Point]()

// ReadCBORHead reads a CBOR head of the given major type (definite lengths
// only): its argument and the bytes after it; false if b does not start
// with one. The reader to [AppendCBORHead]'s writer.
func ReadCBORHead(b []byte, major byte) (uint64, []byte, bool) {
	if len(b) == 0 || b[0]>>5 != major {
		return 0, nil, false
	}
	info := b[0] & 0x1f
	b = b[1:]
	var size int
	switch {
	case info < 24:
		return uint64(info), b, true
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, nil, false
	}
	if len(b) < size {
		return 0, nil, false
	}
	var n uint64
	for _, c := range b[:size] {
		n = n<<8 | uint64(c)
	}
	return n, b[size:], true
}

func fastText(b []byte) (string, []byte, bool) {
	n, rest, ok := ReadCBORHead(b, 3)
	if !ok || n > uint64(len(rest)) || !utf8.Valid(rest[:n]) {
		return "", nil, false
	}
	return string(rest[:n]), rest[n:], true
}

func fastInt(b []byte) (int64, []byte, bool) {
	if len(b) == 0 {
		return 0, nil, false
	}
	major := b[0] >> 5
	if major != 0 && major != 1 {
		return 0, nil, false
	}
	n, rest, ok := ReadCBORHead(b, major)
	if !ok || n > math.MaxInt64 {
		return 0, nil, false
	}
	if major == 1 {
		return -1 - int64(n), rest, true
	}
	return int64(n), rest, true
}

// fastFloat reads a finite CBOR float (half, single or double).
func fastFloat(b []byte) (float64, []byte, bool) {
	if len(b) == 0 {
		return 0, nil, false
	}
	var f float64
	switch b[0] {
	case 0xf9:
		if len(b) < 3 {
			return 0, nil, false
		}
		h := uint16(b[1])<<8 | uint16(b[2])
		exp, frac := int(h>>10)&0x1f, float64(h&0x3ff)
		switch exp {
		case 0:
			f = math.Ldexp(frac, -24)
		case 31:
			return 0, nil, false // Inf and NaN: the long way
		default:
			f = math.Ldexp(frac+1024, exp-25)
		}
		if h&0x8000 != 0 {
			f = -f
		}
		return f, b[3:], true
	case 0xfa:
		if len(b) < 5 {
			return 0, nil, false
		}
		f = float64(math.Float32frombits(uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4])))
		b = b[5:]
	case 0xfb:
		if len(b) < 9 {
			return 0, nil, false
		}
		var u uint64
		for _, c := range b[1:9] {
			u = u<<8 | uint64(c)
		}
		f = math.Float64frombits(u)
		b = b[9:]
	default:
		return 0, nil, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, nil, false
	}
	return f, b, true
}

// fastPoint reads a point: an array of two floats.
func fastPoint(b []byte) (Point, []byte, bool) {
	if len(b) == 0 || b[0] != 0x82 {
		return Point{}, nil, false
	}
	x, rest, ok := fastFloat(b[1:])
	if !ok {
		return Point{}, nil, false
	}
	y, rest, ok := fastFloat(rest)
	if !ok {
		return Point{}, nil, false
	}
	return Point{X: x, Y: y}, rest, true
}

// fastPath reads a path: a map of "p" (null or a non-empty array of
// points) and, if set, "c" (a boolean), each at most once.
func fastPath(b []byte) (Path, []byte, bool) {
	var p Path
	n, rest, ok := ReadCBORHead(b, 5)
	if !ok || n == 0 || n > 2 {
		return p, nil, false
	}
	var seenP, seenC bool
	for range n {
		var key string
		if key, rest, ok = fastText(rest); !ok || len(rest) == 0 {
			return p, nil, false
		}
		switch {
		case key == "p" && !seenP:
			seenP = true
			if rest[0] == 0xf6 {
				rest = rest[1:]
				continue
			}
			var m uint64
			if m, rest, ok = ReadCBORHead(rest, 4); !ok || m == 0 || m > uint64(len(rest))/3 {
				return p, nil, false
			}
			p.Points = make([]Point, m)
			for i := range p.Points {
				if p.Points[i], rest, ok = fastPoint(rest); !ok {
					return Path{}, nil, false
				}
			}
		case key == "c" && !seenC:
			seenC = true
			if rest[0] != 0xf4 && rest[0] != 0xf5 {
				return p, nil, false
			}
			p.Closed = rest[0] == 0xf5
			rest = rest[1:]
		default:
			return p, nil, false
		}
	}
	return p, rest, true
}
