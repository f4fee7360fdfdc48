package models

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// ErrNewerVersion marks content written by a newer Cordwain than this one:
// an unknown property, element kind or schema number. Check it with
// errors.Is; the message says what was not understood.
var ErrNewerVersion = errors.New("made by a newer Cordwain")

// ErrMalformed marks bytes that are not a well-formed, canonical encoding
// of what they claim to be.
var ErrMalformed = errors.New("malformed")

// propDec decodes one property value into its struct field. Unlike
// strictDec it refuses unknown fields in nested structs (a newer version's
// Path, say) and matches field names case-sensitively, so nothing a newer
// version wrote is silently dropped.
var propDec = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		MaxNestedLevels:   32,
		MaxArrayElements:  1 << 20,
		MaxMapPairs:       1 << 20,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("models: CBOR property decoder options: %v", err)) // static options
	}
	return dm
}()

// propField describes one property of an element struct.
type propField struct {
	name      string // cbor tag name = property name
	index     int    // struct field index
	omitEmpty bool
}

// kindInfo is the reflected property layout of one element kind.
type kindInfo struct {
	typ     reflect.Type
	fields  []propField          // in struct order
	byName  map[string]propField // property name → field
	idField int                  // index of the ID field (type ID), or -1
}

// kinds maps every element kind this version understands to its struct.
var kinds = map[Kind]*kindInfo{
	KindMeta:      reflectKind(reflect.TypeFor[Meta]()),
	KindLast:      reflectKind(reflect.TypeFor[Last]()),
	KindStyleLine: reflectKind(reflect.TypeFor[StyleLine]()),
	KindPiece:     reflectKind(reflect.TypeFor[Piece]()),
	KindMark:      reflectKind(reflect.TypeFor[Mark]()),
	KindMaterial:  reflectKind(reflect.TypeFor[Material]()),
	KindColourway: reflectKind(reflect.TypeFor[Colourway]()),
	KindDimension: reflectKind(reflect.TypeFor[Dimension]()),
	KindImage:     reflectKind(reflect.TypeFor[Image]()),
	KindUnderlay:  reflectKind(reflect.TypeFor[Underlay]()),
}

// KnownKind reports whether this version of Cordwain understands kind.
func KnownKind(k Kind) bool { _, ok := kinds[k]; return ok }

// KnownProps lists the property names of kind k in struct order, or nil
// for an unknown kind. The inspector and the conflict panel use it to name
// properties.
func KnownProps(k Kind) []string {
	ki, ok := kinds[k]
	if !ok {
		return nil
	}
	names := make([]string, len(ki.fields))
	for i, f := range ki.fields {
		names[i] = f.name
	}
	return names
}

func reflectKind(t reflect.Type) *kindInfo {
	ki := &kindInfo{typ: t, byName: map[string]propField{}, idField: -1}
	if f, ok := t.FieldByName("ID"); ok && len(f.Index) == 1 && f.Type == reflect.TypeFor[ID]() {
		ki.idField = f.Index[0]
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("cbor")
		if tag == "-" {
			continue // the element ID lives outside the properties
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := propField{name: name, index: i, omitEmpty: slices.Contains(strings.Split(opts, ","), "omitempty")}
		ki.fields = append(ki.fields, f)
		ki.byName[name] = f
	}
	return ki
}

// isEmpty is CBOR's omitempty rule: false, 0, "", and nil or empty slices
// and maps.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Struct:
		return false
	default:
		return v.IsZero()
	}
}

// normalValue maps values that mean the same to one form so they encode to
// the same bytes: an empty slice or map is nil, a path without points has
// nil points.
func normalValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type()).Interface()
		}
	}
	if p, ok := v.Interface().(Path); ok && len(p.Points) == 0 {
		p.Points = nil
		return p
	}
	return v.Interface()
}

// encodeProps turns a typed element struct into its properties: one
// canonical CBOR value per field, keyed by the field's cbor name. Empty
// omitempty fields are absent.
func encodeProps(ki *kindInfo, v reflect.Value) (Props, error) {
	props := make(Props, len(ki.fields))
	for _, f := range ki.fields {
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		b, err := Canonical(normalValue(fv))
		if err != nil {
			return nil, fmt.Errorf("encoding property %q: %w", f.name, err)
		}
		props[f.name] = b
	}
	return props, nil
}

// decodeProps fills the struct v (addressable, zero) from props. A property
// this version does not know is an error wrapping [ErrNewerVersion].
// Properties are decoded in the map's order (each fills its own field);
// only when one fails is the element decoded again in name order, so the
// error reported is always that of the first failing name.
func decodeProps(ki *kindInfo, props Props, v reflect.Value) error {
	for name, b := range props {
		f, ok := ki.byName[name]
		if !ok || !fastDecodeProp(b, v.Field(f.index)) && propDec.Unmarshal(b, v.Field(f.index).Addr().Interface()) != nil {
			v.SetZero()
			return decodePropsInOrder(ki, props, v)
		}
	}
	return nil
}

// decodePropsInOrder is decodeProps in name order, which says what failed.
func decodePropsInOrder(ki *kindInfo, props Props, v reflect.Value) error {
	for _, name := range sortedProps(props) {
		f, ok := ki.byName[name]
		if !ok {
			return fmt.Errorf("property %q is not known to this version: %w", name, ErrNewerVersion)
		}
		if fastDecodeProp(props[name], v.Field(f.index)) {
			continue
		}
		if err := propDec.Unmarshal(props[name], v.Field(f.index).Addr().Interface()); err != nil {
			if _, unknown := errors.AsType[*cbor.UnknownFieldError](err); unknown {
				return fmt.Errorf("property %q holds a field not known to this version: %w", name, ErrNewerVersion)
			}
			return fmt.Errorf("decoding property %q: %w", name, err)
		}
	}
	return nil
}

func sortedProps(p Props) []string {
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// MetaOf decodes a design's meta element on its own (what a list of
// designs shows), as [DesignFromSnapshot] decodes it within the design.
func MetaOf(e Element) (Meta, error) {
	d := &Design{}
	if err := addElement(d, MetaID, e, plainDecode); err != nil {
		return Meta{}, err
	}
	d.Normalize()
	return d.Meta, nil
}

// element builds the element for one typed struct.
func element(id ID, k Kind, v reflect.Value) (Element, error) {
	props, err := encodeProps(kinds[k], v)
	if err != nil {
		return Element{}, fmt.Errorf("element %s (%s): %w", id, k, err)
	}
	return Element{ID: id, Kind: k, Props: props}, nil
}

// Snapshot turns d into its element form: Meta as element [MetaID], Last as
// [LastID], and one element per style line, piece, mark, material and
// colourway, each property being the canonical CBOR of one struct field.
// Values that mean the same (an empty or nil list) give the same bytes. It
// fails on a missing, malformed or duplicate element ID; d is not modified.
func (d *Design) Snapshot() (Snapshot, error) {
	if d == nil {
		return nil, errors.New("snapshot of a nil design")
	}
	s := make(Snapshot, 2+len(d.StyleLines)+len(d.Pieces)+len(d.Marks)+len(d.Materials)+len(d.Colourways)+
		len(d.Dimensions)+len(d.Images)+len(d.Underlays))
	err := d.eachElement(func(id ID, k Kind, v reflect.Value) error {
		if prev, dup := s[id]; dup {
			return fmt.Errorf("snapshot: ID %s used by both a %s and a %s", id, prev.Kind, k)
		}
		e, err := element(id, k, v)
		if err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		s[id] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// DesignFromSnapshot rebuilds the typed design id from its element form,
// the inverse of [Design.Snapshot]. Element slices come out sorted by ID
// and normalised (see [Design.Normalize]). A missing meta or last element,
// an element whose map key and ID disagree, or a malformed value is an
// error; an element kind or property this version does not know is an
// error wrapping [ErrNewerVersion]. The result is not validated: a merge
// may legitimately leave, say, a mark on a deleted piece, which [Validate]
// reports.
func DesignFromSnapshot(id ID, s Snapshot) (*Design, error) {
	return designFromSnapshot(id, s, plainDecode)
}

// plainDecode decodes e's properties into dst, a zero value of its kind.
func plainDecode(ki *kindInfo, e Element, _ ID, dst reflect.Value) error {
	return decodeProps(ki, e.Props, dst)
}

// decodeFunc decodes element e (stored under eid) into dst, a zero
// value of its kind's type, settable.
type decodeFunc func(ki *kindInfo, e Element, eid ID, dst reflect.Value) error

func designFromSnapshot(id ID, s Snapshot, decode decodeFunc) (*Design, error) {
	d := &Design{ID: id}
	var haveMeta, haveLast bool
	ids := sortedIDs(s)
	// Each kind's slice at its final size.
	var counts [len(sliceKinds)]int
	for _, e := range s {
		if k := slices.Index(sliceKinds[:], e.Kind); k >= 0 {
			counts[k]++
		}
	}
	d.StyleLines = sized[StyleLine](counts[0])
	d.Pieces = sized[Piece](counts[1])
	d.Marks = sized[Mark](counts[2])
	d.Materials = sized[Material](counts[3])
	d.Colourways = sized[Colourway](counts[4])
	d.Dimensions = sized[Dimension](counts[5])
	d.Images = sized[Image](counts[6])
	d.Underlays = sized[Underlay](counts[7])
	for _, eid := range ids {
		e := s[eid]
		if err := addElement(d, eid, e, decode); err != nil {
			return nil, err
		}
		haveMeta = haveMeta || e.Kind == KindMeta
		haveLast = haveLast || e.Kind == KindLast
	}
	if !haveMeta {
		return nil, fmt.Errorf("design %s: no meta element: %w", id, ErrMalformed)
	}
	if !haveLast {
		return nil, fmt.Errorf("design %s: no last element: %w", id, ErrMalformed)
	}
	d.Normalize()
	return d, nil
}

// addElement checks e, stored in d's snapshot under eid, on its own (its
// ID, its kind known and where it may be, its properties decoded) and
// decodes it in place in d.
func addElement(d *Design, eid ID, e Element, decode decodeFunc) error {
	id := d.ID
	if e.ID != eid {
		return fmt.Errorf("design %s: element stored under %q has ID %q: %w", id, eid, e.ID, ErrMalformed)
	}
	ki, ok := kinds[e.Kind]
	if !ok {
		return fmt.Errorf("design %s: element %s has kind %q, not known to this version: %w", id, eid, e.Kind, ErrNewerVersion)
	}
	switch {
	case e.Kind == KindMeta && eid != MetaID, e.Kind == KindLast && eid != LastID,
		e.Kind != KindMeta && eid == MetaID, e.Kind != KindLast && eid == LastID:
		return fmt.Errorf("design %s: element %s has kind %s: %w", id, eid, e.Kind, ErrMalformed)
	case e.Kind != KindMeta && e.Kind != KindLast && !ValidID(eid):
		return fmt.Errorf("design %s: element ID %q is not valid: %w", id, eid, ErrMalformed)
	}
	v, ok := placeElement(d, e.Kind)
	if !ok || v.Type() != ki.typ {
		return fmt.Errorf("design %s: element %s has kind %s, which a design does not hold: %w", id, eid, e.Kind, ErrMalformed)
	}
	if err := decode(ki, e, eid, v); err != nil {
		return fmt.Errorf("design %s: element %s (%s): %w", id, eid, e.Kind, err)
	}
	if ki.idField >= 0 {
		v.Field(ki.idField).SetString(string(eid))
	}
	return nil
}

// placeElement is where an element of kind k goes in d: the meta or the
// last, or a new zero entry appended to its kind's slice; settable. It is
// false for a kind a design does not hold.
func placeElement(d *Design, k Kind) (reflect.Value, bool) {
	switch k {
	case KindMeta:
		return reflect.ValueOf(&d.Meta).Elem(), true
	case KindLast:
		return reflect.ValueOf(&d.Last).Elem(), true
	case KindStyleLine:
		return appendZero(&d.StyleLines), true
	case KindPiece:
		return appendZero(&d.Pieces), true
	case KindMark:
		return appendZero(&d.Marks), true
	case KindMaterial:
		return appendZero(&d.Materials), true
	case KindColourway:
		return appendZero(&d.Colourways), true
	case KindDimension:
		return appendZero(&d.Dimensions), true
	case KindImage:
		return appendZero(&d.Images), true
	case KindUnderlay:
		return appendZero(&d.Underlays), true
	}
	return reflect.Value{}, false
}

// appendZero appends a zero element to *s and returns it, settable.
func appendZero[T any](s *[]T) reflect.Value {
	var zero T
	*s = append(*s, zero)
	return reflect.ValueOf(&(*s)[len(*s)-1]).Elem()
}

// sized is an empty slice with room for n, or nil for none.
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// sliceKinds are the kinds a Design holds in slices, in the order
// designFromSnapshot counts them.
var sliceKinds = [...]Kind{KindStyleLine, KindPiece, KindMark, KindMaterial, KindColourway, KindDimension, KindImage, KindUnderlay}

func sortedIDs(s Snapshot) []ID {
	ids := make([]ID, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Normalize puts d in its one canonical shape without changing what it
// means: element slices sorted by ID, and empty lists and maps nil.
func (d *Design) Normalize() {
	if d == nil {
		return
	}
	nilIfEmpty(&d.Meta.SizeRun)
	if len(d.Meta.PairsPerCarton) == 0 {
		d.Meta.PairsPerCarton = nil
	}
	for i := range d.StyleLines {
		nilIfEmpty(&d.StyleLines[i].Path.Points)
	}
	for i := range d.Pieces {
		p := &d.Pieces[i]
		nilIfEmpty(&p.Outline.Points)
		nilIfEmpty(&p.Edges)
		nilIfEmpty(&p.Lines)
	}
	for i := range d.Colourways {
		if len(d.Colourways[i].Parts) == 0 {
			d.Colourways[i].Parts = nil
		}
	}
	for i := range d.Images {
		nilIfEmpty(&d.Images[i].Data)
	}
	sortByID(&d.StyleLines, func(x StyleLine) ID { return x.ID })
	sortByID(&d.Pieces, func(x Piece) ID { return x.ID })
	sortByID(&d.Marks, func(x Mark) ID { return x.ID })
	sortByID(&d.Materials, func(x Material) ID { return x.ID })
	sortByID(&d.Colourways, func(x Colourway) ID { return x.ID })
	sortByID(&d.Dimensions, func(x Dimension) ID { return x.ID })
	sortByID(&d.Images, func(x Image) ID { return x.ID })
	sortByID(&d.Underlays, func(x Underlay) ID { return x.ID })
}

func nilIfEmpty[T any](s *[]T) {
	if len(*s) == 0 {
		*s = nil
	}
}

func sortByID[T any](s *[]T, id func(T) ID) {
	if len(*s) == 0 {
		*s = nil
		return
	}
	slices.SortStableFunc(*s, func(a, b T) int { return strings.Compare(string(id(a)), string(id(b))) })
}

// Hash is the content hash of d: the hash of its snapshot (see
// [Snapshot.Hash]). Equal content gives equal hashes whatever the order of
// the element slices; the design ID is not part of it.
func (d *Design) Hash() (Hash, error) {
	s, err := d.Snapshot()
	if err != nil {
		return Hash{}, fmt.Errorf("hashing design: %w", err)
	}
	return s.Hash(), nil
}

// elementWire is the CBOR shape of an element: [id, kind, {prop: bytes}].
// appendElement writes the same bytes by hand; a test holds the two equal.
type elementWire struct {
	_     struct{}          `cbor:",toarray"`
	ID    string            `cbor:"id"`
	Kind  string            `cbor:"kind"`
	Props map[string][]byte `cbor:"props"`
}

// EncodeElement returns the canonical CBOR bytes of e: the array [ID, kind,
// {property: value as a byte string}]. The store keeps elements in this
// form, addressed by [ElementHash].
func EncodeElement(e Element) ([]byte, error) {
	if !utf8.ValidString(string(e.ID)) || !utf8.ValidString(string(e.Kind)) {
		return nil, fmt.Errorf("encoding element %q: ID or kind is not UTF-8: %w", e.ID, ErrMalformed)
	}
	for k := range e.Props {
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("encoding element %s: property name %q is not UTF-8: %w", e.ID, k, ErrMalformed)
		}
	}
	return appendElement(nil, e), nil
}

// DecodeElement decodes bytes made by [EncodeElement]. Anything but the
// canonical encoding of an element with a valid ID, a kind and well-formed
// canonical property values is an error wrapping [ErrMalformed], so equal
// elements always have equal bytes and hashes. Kinds and properties this
// version does not know are accepted here (the store carries them for
// newer peers); [DesignFromSnapshot] refuses them.
func DecodeElement(b []byte) (Element, error) {
	if e, ok := decodeElementFast(b); ok {
		return e, nil
	}
	return decodeElementStrict(b)
}

// decodeElementFast is DecodeElement for input that is already the
// canonical encoding of an element (what peers and the store send): it
// reads the one layout appendElement writes by hand and checks what the
// strict decoder checks of it (UTF-8 text, a valid ID, a kind, canonical
// property values) and what makes the bytes exactly appendElement's:
// every head in its shortest form, property names in strictly increasing
// canonical order (so none twice), nothing after the map. It reports
// false for anything else, which decodeElementStrict then refuses with
// the reason (or, if it is some other encoding the strict decoder reads,
// refuses as not canonical). FuzzDecodeElementFast checks that the two
// agree. The values share one copy of b, each capped to its length.
func decodeElementFast(b []byte) (Element, bool) {
	if len(b) == 0 || b[0] != 0x83 {
		return Element{}, false
	}
	rest := bytes.Clone(b)[1:]
	head := func(major byte) (uint64, bool) {
		n, r, ok := ReadCBORHead(rest, major)
		if !ok || len(rest)-len(r) != CBORHeadSize(n) {
			return 0, false
		}
		rest = r
		return n, true
	}
	text := func() (string, bool) {
		n, ok := head(3)
		if !ok || uint64(len(rest)) < n {
			return "", false
		}
		t := string(rest[:n])
		rest = rest[n:]
		return t, utf8.ValidString(t)
	}
	id, ok := text()
	if !ok || !ValidElementID(ID(id)) {
		return Element{}, false
	}
	kind, ok := text()
	if !ok || kind == "" {
		return Element{}, false
	}
	n, ok := head(5)
	if !ok || n > uint64(len(rest)) || n > 1<<20 {
		return Element{}, false
	}
	e := Element{ID: ID(id), Kind: Kind(kind), Props: make(Props, n)}
	prev := ""
	for i := range n {
		name, ok := text()
		if !ok || name == "" || i > 0 && canonicalKeyOrder(prev, name) >= 0 {
			return Element{}, false
		}
		vn, ok := head(2)
		if !ok || uint64(len(rest)) < vn {
			return Element{}, false
		}
		v := rest[:vn:vn]
		rest = rest[vn:]
		if !canonicalValueMemo(v) {
			return Element{}, false
		}
		e.Props[name] = v
		prev = name
	}
	if len(rest) != 0 {
		return Element{}, false
	}
	return e, true
}

// CBORHeadSize is the size of the shortest CBOR head for argument n, the
// one canonical CBOR uses and appendHead writes.
func CBORHeadSize(n uint64) int {
	switch {
	case n < 24:
		return 1
	case n <= 0xff:
		return 2
	case n <= 0xffff:
		return 3
	case n <= 0xffffffff:
		return 5
	}
	return 9
}

// canonicalValueMemo is isCanonicalValue through a memo of the values
// that passed: the versions of a design repeat most property values (an
// element whose outline changed keeps its name and material).
func canonicalValueMemo(v []byte) bool {
	if len(v) > maxMemoValue {
		return isCanonicalValue(v)
	}
	canonMemo.Lock()
	_, ok := canonMemo.m[string(v)]
	canonMemo.Unlock()
	if ok {
		return true
	}
	if !isCanonicalValue(v) {
		return false
	}
	canonMemo.Lock()
	if canonMemo.bytes+len(v) > maxMemoBytes {
		clear(canonMemo.m)
		canonMemo.bytes = 0
	}
	canonMemo.m[string(v)] = struct{}{}
	canonMemo.bytes += len(v)
	canonMemo.Unlock()
	return true
}

const (
	maxMemoValue = 4 << 10
	maxMemoBytes = 8 << 20
)

var canonMemo = struct {
	sync.Mutex
	m     map[string]struct{}
	bytes int
}{m: map[string]struct{}{}}

// decodeElementStrict is DecodeElement through the strict CBOR decoder.
func decodeElementStrict(b []byte) (Element, error) {
	var w elementWire
	if err := strictDec.Unmarshal(b, &w); err != nil {
		return Element{}, fmt.Errorf("decoding element: %w: %w", ErrMalformed, err)
	}
	e := Element{ID: ID(w.ID), Kind: Kind(w.Kind), Props: make(Props, len(w.Props))}
	if !ValidElementID(e.ID) {
		return Element{}, fmt.Errorf("decoding element: invalid ID %q: %w", w.ID, ErrMalformed)
	}
	if e.Kind == "" {
		return Element{}, fmt.Errorf("decoding element %s: no kind: %w", e.ID, ErrMalformed)
	}
	for k, v := range w.Props {
		if k == "" {
			return Element{}, fmt.Errorf("decoding element %s: empty property name: %w", e.ID, ErrMalformed)
		}
		if !isCanonicalValue(v) {
			return Element{}, fmt.Errorf("decoding element %s: property %q is not canonical CBOR: %w", e.ID, k, ErrMalformed)
		}
		e.Props[k] = v
	}
	if !bytes.Equal(appendElement(nil, e), b) {
		return Element{}, fmt.Errorf("decoding element %s: not in canonical form: %w", e.ID, ErrMalformed)
	}
	return e, nil
}

// isCanonicalValue reports whether v is one well-formed CBOR data item in
// canonical form, by decoding it generically and encoding it again.
func isCanonicalValue(v []byte) bool {
	if len(v) == 0 || strictDec.Wellformed(v) != nil {
		return false
	}
	var x any
	if err := strictDec.Unmarshal(v, &x); err != nil {
		return false
	}
	again, err := canonicalEnc.Marshal(x)
	return err == nil && bytes.Equal(again, v)
}

// ElementHash is the SHA-256 of [EncodeElement]'s bytes for e.
func ElementHash(e Element) Hash { return HashOf(appendElement(nil, e)) }

// Manifest maps every element of s to its [ElementHash]: what a version
// stores in place of the whole snapshot.
func (s Snapshot) Manifest() map[ID]Hash {
	m := make(map[ID]Hash, len(s))
	for id, e := range s {
		m[id] = ElementHash(e)
	}
	return m
}

// ManifestHash is the SHA-256 of the canonical CBOR map {element ID: element
// hash as a byte string}. [Version].Root holds it.
func ManifestHash(m map[ID]Hash) Hash {
	keys := make([]string, 0, len(m))
	for id := range m {
		keys = append(keys, string(id))
	}
	slices.SortFunc(keys, canonicalKeyOrder)
	b := appendHead(nil, 5, uint64(len(keys)))
	for _, k := range keys {
		h := m[ID(k)]
		b = appendHead(b, 3, uint64(len(k)))
		b = append(b, k...)
		b = appendHead(b, 2, uint64(len(h)))
		b = append(b, h[:]...)
	}
	return HashOf(b)
}

// Hash is the content hash of the snapshot: [ManifestHash] of its
// [Snapshot.Manifest]. Equal content gives equal hashes.
func (s Snapshot) Hash() Hash { return ManifestHash(s.Manifest()) }

// canonicalKeyOrder orders text map keys as RFC 8949 §4.2.1 orders their
// encodings: shorter first, then bytewise.
func canonicalKeyOrder(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// appendElement writes the canonical CBOR of e without reflection; it cannot
// fail, which lets [ElementHash] return a plain Hash.
func appendElement(b []byte, e Element) []byte {
	b = append(b, 0x83) // array of 3
	b = appendHead(b, 3, uint64(len(e.ID)))
	b = append(b, e.ID...)
	b = appendHead(b, 3, uint64(len(e.Kind)))
	b = append(b, e.Kind...)
	var buf [32]string
	keys := buf[:0]
	for k := range e.Props {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, canonicalKeyOrder)
	b = appendHead(b, 5, uint64(len(keys)))
	for _, k := range keys {
		v := e.Props[k]
		b = appendHead(b, 3, uint64(len(k)))
		b = append(b, k...)
		b = appendHead(b, 2, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// AppendCBORHead writes a CBOR head of the given major type with its
// argument in the shortest form, as canonical encoding wants (the store
// builds manifests by hand with it).
func AppendCBORHead(b []byte, major byte, n uint64) []byte { return appendHead(b, major, n) }

// appendHead writes a CBOR head of the given major type with its argument
// in the shortest form.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}
