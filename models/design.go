// Package models holds Cordwain's domain: the shoe design document, its
// validation and canonical encoding, the version history with its three-way
// merge, and the durable store. It imports neither Fyne nor libp2p nor gg.
//
// All lengths are millimetres. A design is a set of elements; every element
// has a stable random ID and is, for versioning and merging, a flat set of
// named properties (see [Element]). The typed structs below are the view the
// rest of the program works with.
package models

// ID identifies a design or an element. Element IDs are 16 lowercase hex
// characters (64 random bits, see [NewID]); the two singleton elements of a
// design use the fixed IDs [MetaID] and [LastID].
type ID string

// Fixed IDs of the singleton elements.
const (
	MetaID ID = "meta"
	LastID ID = "last"
)

// Kind names the type of an element.
type Kind string

// Element kinds.
const (
	KindMeta      Kind = "meta"
	KindLast      Kind = "last"
	KindStyleLine Kind = "styleline"
	KindPiece     Kind = "piece"
	KindMark      Kind = "mark"
	KindMaterial  Kind = "material"
	KindColourway Kind = "colourway"
	KindDimension Kind = "dimension"
	KindImage     Kind = "image"
	KindUnderlay  Kind = "underlay"
)

// Point is a position in millimetres on the mean form (or on a piece), x
// towards the toe, y up from the bottom (featherline) edge.
type Point struct {
	_ struct{} `cbor:",toarray"`
	X float64  `json:"x"`
	Y float64  `json:"y"`
}

// Pt is shorthand for Point{X: x, Y: y}.
func Pt(x, y float64) Point { return Point{X: x, Y: y} }

// Path is a chain of cubic Bézier segments: Points holds P0, C1, C2, P1, C1,
// C2, P2 … so len(Points) = 1 + 3·segments. A closed path's last point
// equals its first. A path's point list is one property for merging.
type Path struct {
	Points []Point `cbor:"p" json:"points"`
	Closed bool    `cbor:"c,omitempty" json:"closed,omitempty"`
}

// Segments reports the number of cubic segments in p.
func (p Path) Segments() int {
	if len(p.Points) < 4 {
		return 0
	}
	return (len(p.Points) - 1) / 3
}

// Gender of the intended wearer; it selects default allowances.
type Gender string

// Genders.
const (
	Men    Gender = "men"
	Women  Gender = "women"
	Unisex Gender = "unisex"
	Kids   Gender = "kids"
)

// Construction method.
type Construction string

// Construction methods.
const (
	Cemented   Construction = "cemented"
	Stitched   Construction = "stitched" // Goodyear welted, Blake …
	Moulded    Construction = "moulded"
	Vulcanised Construction = "vulcanised"
)

// SizeSystem names a size system for display; sizes are stored in mm.
type SizeSystem string

// Size systems.
const (
	SizeCN      SizeSystem = "CN" // GB/T 43293-2022, Mondopoint foot length in mm
	SizeEU      SizeSystem = "EU"
	SizeUK      SizeSystem = "UK"
	SizeUSMen   SizeSystem = "US-M"
	SizeUSWomen SizeSystem = "US-W"
)

// Meta is the design's header and its workshop settings: one element with
// the fixed ID [MetaID].
type Meta struct {
	Name         string       `cbor:"name" json:"name"`
	NameZH       string       `cbor:"name_zh,omitempty" json:"name_zh,omitempty"`
	StyleNo      string       `cbor:"style_no" json:"style_no"` // 款号
	Season       string       `cbor:"season,omitempty" json:"season,omitempty"`
	Category     string       `cbor:"category,omitempty" json:"category,omitempty"` // derby, pump, sneaker …
	Gender       Gender       `cbor:"gender" json:"gender"`
	Construction Construction `cbor:"construction" json:"construction"`
	Studio       string       `cbor:"studio,omitempty" json:"studio,omitempty"`
	Designer     string       `cbor:"designer,omitempty" json:"designer,omitempty"`
	// BaseSize is the master (grade centre) size: foot length in mm (CN).
	BaseSize float64 `cbor:"base_size" json:"base_size"`
	// SizeRun lists the sizes made, as foot lengths in mm (CN), ascending.
	SizeRun []float64 `cbor:"size_run" json:"size_run"`
	// SizeSystem is how sizes are shown to this design's market.
	SizeSystem SizeSystem `cbor:"size_system" json:"size_system"`
	// PairsPerCarton maps a size (mm, formatted "%g") to pairs per carton (配码).
	PairsPerCarton map[string]int `cbor:"pairs_per_carton,omitempty" json:"pairs_per_carton,omitempty"`
	Notes          string         `cbor:"notes,omitempty" json:"notes,omitempty"`

	// Workshop settings (DOMAIN.md defaults, editable per design).
	LastingAllowance float64 `cbor:"lasting_allowance" json:"lasting_allowance"` // 绷帮量
	LapAllowance     float64 `cbor:"lap_allowance" json:"lap_allowance"`         // 压茬量
	FoldAllowance    float64 `cbor:"fold_allowance" json:"fold_allowance"`       // 折边量
	SeamAllowance    float64 `cbor:"seam_allowance" json:"seam_allowance"`
	StitchMargin     float64 `cbor:"stitch_margin" json:"stitch_margin"`
	DoubleRowGauge   float64 `cbor:"double_row_gauge" json:"double_row_gauge"`
	SPI              float64 `cbor:"spi" json:"spi"` // stitches per inch
	Thread           string  `cbor:"thread,omitempty" json:"thread,omitempty"`
	OutsoleHardness  string  `cbor:"outsole_hardness,omitempty" json:"outsole_hardness,omitempty"` // e.g. "65 Shore A"
	InsoleThickness  float64 `cbor:"insole_thickness,omitempty" json:"insole_thickness,omitempty"`
	Reinforcements   string  `cbor:"reinforcements,omitempty" json:"reinforcements,omitempty"`
	Packaging        string  `cbor:"packaging,omitempty" json:"packaging,omitempty"`

	// Archived hides the design from the library by default; archiving
	// is a versioned change like any other, never a deletion.
	Archived bool `cbor:"archived,omitempty" json:"archived,omitempty"`
}

// ToeShape of a last.
type ToeShape string

// Toe shapes.
const (
	ToeRound   ToeShape = "round"
	ToeAlmond  ToeShape = "almond"
	ToeSquare  ToeShape = "square"
	ToePointed ToeShape = "pointed"
)

// Last holds the measurements of the base-size last (鞋楦), the element with
// the fixed ID [LastID]. canvas generates its geometry from these.
type Last struct {
	Ref          string   `cbor:"ref,omitempty" json:"ref,omitempty"` // factory last number
	BottomLength float64  `cbor:"bottom_length" json:"bottom_length"` // 楦底样长
	StickLength  float64  `cbor:"stick_length" json:"stick_length"`
	BallGirth    float64  `cbor:"ball_girth" json:"ball_girth"`     // 跖围
	BallWidth    float64  `cbor:"ball_width" json:"ball_width"`     // 基本宽度
	WaistGirth   float64  `cbor:"waist_girth" json:"waist_girth"`   // 腰围
	InstepGirth  float64  `cbor:"instep_girth" json:"instep_girth"` // 跗围
	HeelGirth    float64  `cbor:"heel_girth" json:"heel_girth"`     // 兜跟围 (long heel)
	HeelWidth    float64  `cbor:"heel_width" json:"heel_width"`
	HeelHeight   float64  `cbor:"heel_height" json:"heel_height"`
	ToeSpring    float64  `cbor:"toe_spring" json:"toe_spring"` // 翘度
	BackHeight   float64  `cbor:"back_height" json:"back_height"`
	ToeShape     ToeShape `cbor:"toe_shape" json:"toe_shape"`
	// WidthFitting is the legacy Chinese type 一型…五型 (1-5); 0 when unused.
	WidthFitting int `cbor:"width_fitting,omitempty" json:"width_fitting,omitempty"`
}

// LineKind says what a style line is for.
type LineKind string

// Style line kinds.
const (
	LineStyle  LineKind = "style"  // a design line on the upper
	LineStitch LineKind = "stitch" // decorative stitching
	LineFold   LineKind = "fold"
	LineCentre LineKind = "centre" // centre front / back reference
)

// StyleLine is a Bézier path drawn on the mean form.
type StyleLine struct {
	ID   ID       `cbor:"-" json:"id"`
	Name string   `cbor:"name" json:"name"`
	Kind LineKind `cbor:"kind" json:"kind"`
	Path Path     `cbor:"path" json:"path"`
}

// AllowanceKind names how an edge of a piece is finished.
type AllowanceKind string

// Allowance kinds.
const (
	AllowNone    AllowanceKind = "none"    // raw cut edge
	AllowLasting AllowanceKind = "lasting" // pulled under the last, 绷帮量
	AllowLap     AllowanceKind = "lap"     // lies under a neighbour, 压茬量
	AllowFold    AllowanceKind = "fold"    // folded edge, 折边量
	AllowSeam    AllowanceKind = "seam"    // closed seam
)

// Piece is an upper (or bottom) part: a closed outline on the mean form
// (net, without allowances) and how each of its edges is finished.
type Piece struct {
	ID     ID     `cbor:"-" json:"id"`
	Name   string `cbor:"name" json:"name"`
	NameZH string `cbor:"name_zh,omitempty" json:"name_zh,omitempty"`
	// Role is the trade part name: vamp, quarter, toecap, tongue, counter,
	// eyestay, collar, backstay, lining, insole, outsole …
	Role    string `cbor:"role" json:"role"`
	Outline Path   `cbor:"outline" json:"outline"`
	// Edges gives the allowance of each outline segment, in segment order;
	// a shorter list leaves the rest AllowNone.
	Edges      []AllowanceKind `cbor:"edges,omitempty" json:"edges,omitempty"`
	Material   ID              `cbor:"material,omitempty" json:"material,omitempty"`
	Quantity   int             `cbor:"quantity" json:"quantity"`                 // per shoe
	Mirror     bool            `cbor:"mirror,omitempty" json:"mirror,omitempty"` // cut as a left/right pair
	GrainAngle float64         `cbor:"grain_angle" json:"grain_angle"`           // degrees, 0 = along x
	// StitchRows is the number of stitch rows along allowance edges (0, 1, 2).
	StitchRows int `cbor:"stitch_rows,omitempty" json:"stitch_rows,omitempty"`
	// Lines lists the style lines this piece was built from (informational).
	Lines []ID `cbor:"lines,omitempty" json:"lines,omitempty"`
	// Order sorts pieces in the tech pack and draws them bottom to top.
	Order int `cbor:"order" json:"order"`
}

// MarkKind names a mark on a piece.
type MarkKind string

// Mark kinds.
const (
	MarkNotch  MarkKind = "notch"
	MarkPunch  MarkKind = "punch" // punch / drill hole
	MarkEyelet MarkKind = "eyelet"
	MarkText   MarkKind = "text"
)

// Mark is a notch, punch hole, eyelet or text placed on a piece.
type Mark struct {
	ID    ID       `cbor:"-" json:"id"`
	Piece ID       `cbor:"piece" json:"piece"`
	Kind  MarkKind `cbor:"kind" json:"kind"`
	At    Point    `cbor:"at" json:"at"`
	Angle float64  `cbor:"angle,omitempty" json:"angle,omitempty"` // degrees
	// Size is the hole diameter or the notch depth, mm.
	Size float64 `cbor:"size,omitempty" json:"size,omitempty"`
	// Width is the notch width, mm.
	Width float64 `cbor:"width,omitempty" json:"width,omitempty"`
	Text  string  `cbor:"text,omitempty" json:"text,omitempty"`
}

// Material is a BOM line.
type Material struct {
	ID        ID      `cbor:"-" json:"id"`
	Name      string  `cbor:"name" json:"name"`
	NameZH    string  `cbor:"name_zh,omitempty" json:"name_zh,omitempty"`
	Kind      string  `cbor:"kind,omitempty" json:"kind,omitempty"` // leather, textile, synthetic, rubber, thread, component
	Supplier  string  `cbor:"supplier,omitempty" json:"supplier,omitempty"`
	Colour    string  `cbor:"colour,omitempty" json:"colour,omitempty"`
	Pantone   string  `cbor:"pantone,omitempty" json:"pantone,omitempty"`
	Finish    string  `cbor:"finish,omitempty" json:"finish,omitempty"`
	Thickness float64 `cbor:"thickness,omitempty" json:"thickness,omitempty"` // mm
	Unit      string  `cbor:"unit" json:"unit"`                               // dm2, m, pair, pcs, g
	// Consumption per pair in Unit; 0 means derived from piece areas.
	Consumption float64 `cbor:"consumption,omitempty" json:"consumption,omitempty"`
	// SizeSpecific marks lines whose consumption grades with size.
	SizeSpecific bool `cbor:"size_specific,omitempty" json:"size_specific,omitempty"`
	// Waste is the cutting allowance of a derived line as a fraction of
	// the net cut area (0.15 = 15% for hide flaws and nesting); 0 means
	// the default for the material's kind, which the tech pack states.
	Waste float64 `cbor:"waste,omitempty" json:"waste,omitempty"`
	// RollWidth is the usable width of roll goods, mm: a line counted in
	// metres is derived from cut area only when it is known.
	RollWidth float64 `cbor:"roll_width,omitempty" json:"roll_width,omitempty"`
}

// ColourwayPart is the material and colour of one piece in a colourway.
type ColourwayPart struct {
	Material ID     `cbor:"material,omitempty" json:"material,omitempty"`
	Colour   string `cbor:"colour" json:"colour"`
	Hex      string `cbor:"hex" json:"hex"` // "#RRGGBB" for chips and previews
}

// Colourway gives material and colour per piece.
type Colourway struct {
	ID     ID                   `cbor:"-" json:"id"`
	Name   string               `cbor:"name" json:"name"`
	NameZH string               `cbor:"name_zh,omitempty" json:"name_zh,omitempty"`
	Parts  map[ID]ColourwayPart `cbor:"parts" json:"parts"`
}

// Dimension is a measurement kept on the drawing: a straight distance
// between two points of the mean form. It is anchored there like a mark,
// so it re-fits when the last changes; its label is the distance as it is
// now, unless Text names it.
type Dimension struct {
	ID   ID     `cbor:"-" json:"id"`
	A    Point  `cbor:"a" json:"a"`
	B    Point  `cbor:"b" json:"b"`
	Text string `cbor:"text,omitempty" json:"text,omitempty"`
}

// Image formats an [Image] may hold.
const (
	ImagePNG  = "png"
	ImageJPEG = "jpeg"
)

// Image is a picture stored in the design: the encoded file (PNG or JPEG)
// and its size in pixels. An underlay shows it. It is its own element so
// that moving, scaling or fading the underlay does not store the picture
// again: elements are content-addressed, and an unchanged image costs a
// version nothing.
type Image struct {
	ID     ID     `cbor:"-" json:"id"`
	Format string `cbor:"format" json:"format"` // ImagePNG or ImageJPEG
	Width  int    `cbor:"width" json:"width"`   // pixels
	Height int    `cbor:"height" json:"height"` // pixels
	Data   []byte `cbor:"data" json:"data"`     // the encoded file
}

// Underlay places an [Image] under the drawing on the mean form, to
// trace: its top-left corner at Origin, MMPerPx millimetres per pixel
// (set by calibrating two points a known distance apart), shown at
// Opacity (0…1). The tech pack does not draw it.
type Underlay struct {
	ID      ID      `cbor:"-" json:"id"`
	Image   ID      `cbor:"image" json:"image"`
	Origin  Point   `cbor:"origin" json:"origin"`
	MMPerPx float64 `cbor:"mm_per_px" json:"mm_per_px"`
	Opacity float64 `cbor:"opacity" json:"opacity"`
}

// Design is one shoe design: its header, its last and its elements. Element
// slices are kept sorted by ID so equal content has equal encoding.
type Design struct {
	ID         ID          `json:"id"`
	Meta       Meta        `json:"meta"`
	Last       Last        `json:"last"`
	StyleLines []StyleLine `json:"style_lines"`
	Pieces     []Piece     `json:"pieces"`
	Marks      []Mark      `json:"marks"`
	Materials  []Material  `json:"materials"`
	Colourways []Colourway `json:"colourways"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Images     []Image     `json:"images,omitempty"`
	Underlays  []Underlay  `json:"underlays,omitempty"`
}
