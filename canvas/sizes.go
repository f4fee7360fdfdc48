package canvas

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"cordwain/models"
)

// Size units, mm.
const (
	// ParisPoint is the EU size step, 2/3 cm.
	ParisPoint = 20.0 / 3
	// Barleycorn is the UK and US size step, 1/3 inch.
	Barleycorn = 25.4 / 3
	// FittingGirthStep is the ball girth between two Chinese width
	// fittings (一型…五型).
	FittingGirthStep = 7.0
)

// Sizes are stored as the CN size: the foot length in mm (GB/T 43293-2022,
// Mondopoint). The EU, UK and US systems count last lengths, so every
// size has one canonical length, the last length L, and each system's
// number is derived from it (DOMAIN.md):
//
//	CN    foot = size                            (foot length, mm)
//	EU    L    = 6.6667·EU                       (Paris point)
//	UK    L    = 8.4667·(UK + 25)                (barleycorn, adults)
//	US-M  L    = 8.4667·(US + 24)
//	US-W  L    = 8.4667·(US + 22.5)
//
// A design knows its L: the bottom length of its last, graded with the
// foot (see [DesignLastLength]); without a design, L = foot + [ToeRoom].
// The legacy Chinese table CN = 5·(EU + 10) (GB/T 3293.1-1998, withdrawn)
// steps 5 mm of foot per EU size although an EU size is 6.67 mm of last,
// so it drifts from the EU last lengths by 1.7 mm a size; it is kept only
// as [LegacyCNFromEU]. No conversion between systems is exact (ISO/TS
// 19407); keep mm.

// ToeRoom is the last length beyond the foot when no last says otherwise:
// two barleycorns, the trade rule behind UK and US fitting tables.
const ToeRoom = 2 * Barleycorn

// UKToeRoom is [ToeRoom] under its older name.
const UKToeRoom = ToeRoom

// SizeSystems lists the systems Cordwain converts, for pickers.
var SizeSystems = []models.SizeSystem{models.SizeCN, models.SizeEU, models.SizeUK, models.SizeUSMen, models.SizeUSWomen}

func ukOffset(sys models.SizeSystem) (float64, bool) {
	switch sys {
	case models.SizeUK:
		return 25, true
	case models.SizeUSMen:
		return 24, true
	case models.SizeUSWomen:
		return 22.5, true
	}
	return 0, false
}

func checkSize(v float64, what string) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s %g is not a number", what, v)
	}
	return nil
}

// LastLength is the last length L, mm, that an EU, UK or US size stands
// for. A CN size is a foot length: its last length depends on the last
// (see [DesignLastLength]), so CN gives an error here.
func LastLength(sys models.SizeSystem, size float64) (float64, error) {
	if err := checkSize(size, "size"); err != nil {
		return 0, err
	}
	if off, ok := ukOffset(sys); ok {
		return Barleycorn * (size + off), nil
	}
	switch sys {
	case models.SizeEU:
		return ParisPoint * size, nil
	case models.SizeCN:
		return 0, fmt.Errorf("last length: a CN size is a foot length; the last length depends on the last's toe allowance")
	}
	return 0, fmt.Errorf("last length: unknown size system %q", sys)
}

// SizeFromLastExact is the EU, UK or US size of a last length, unrounded.
func SizeFromLastExact(sys models.SizeSystem, lastMM float64) (float64, error) {
	if err := checkSize(lastMM, "last length"); err != nil {
		return 0, err
	}
	if off, ok := ukOffset(sys); ok {
		return lastMM/Barleycorn - off, nil
	}
	if sys == models.SizeEU {
		return lastMM / ParisPoint, nil
	}
	return 0, fmt.Errorf("size from last length: %q sizes are not last lengths", sys)
}

// SizeFromLast is [SizeFromLastExact] rounded to the nearest half size.
func SizeFromLast(sys models.SizeSystem, lastMM float64) (float64, error) {
	v, err := SizeFromLastExact(sys, lastMM)
	if err != nil {
		return 0, err
	}
	if !(lastMM > 0) {
		return 0, fmt.Errorf("last length %g mm: want > 0", lastMM)
	}
	return math.Round(v*2) / 2, nil
}

// LegacyCNFromEU is the withdrawn Chinese table's foot length for an EU
// size, 5·(EU + 10): EU 42 → 260. For reading old documents only.
func LegacyCNFromEU(eu float64) float64 { return 5 * (eu + 10) }

// FootLength converts a size in a system to the canonical CN size, the
// foot length in mm, as L − [ToeRoom] for the systems that count last
// lengths.
func FootLength(sys models.SizeSystem, size float64) (float64, error) {
	if err := checkSize(size, "size"); err != nil {
		return 0, err
	}
	if sys == models.SizeCN {
		return size, nil
	}
	l, err := LastLength(sys, size)
	if err != nil {
		return 0, fmt.Errorf("foot length: %w", err)
	}
	return l - ToeRoom, nil
}

// SizeFromFoot converts a foot length (CN size, mm) to a size in a
// system through L = foot + [ToeRoom], rounded to the nearest half size
// (CN: to 5 mm). With a design at hand, [DesignSize] uses its last.
func SizeFromFoot(sys models.SizeSystem, footMM float64) (float64, error) {
	if err := checkSize(footMM, "foot length"); err != nil {
		return 0, err
	}
	if footMM <= 0 {
		return 0, fmt.Errorf("foot length %g mm: want > 0", footMM)
	}
	if sys == models.SizeCN {
		return math.Round(footMM/5) * 5, nil
	}
	return SizeFromLast(sys, footMM+ToeRoom)
}

// SizeSteps is the number of whole sizes between two foot lengths in a
// system (fractional between them): what grading multiplies its
// increments by. The last grows with the foot mm for mm, so a system's
// step is its own length unit: 6.67 mm EU, 8.47 mm UK and US, 10 mm CN.
func SizeSteps(sys models.SizeSystem, fromFoot, toFoot float64) (float64, error) {
	if err := checkSize(fromFoot, "foot length"); err != nil {
		return 0, err
	}
	if err := checkSize(toFoot, "foot length"); err != nil {
		return 0, err
	}
	d := toFoot - fromFoot
	switch sys {
	case models.SizeCN, "":
		return d / 10, nil
	case models.SizeEU:
		return d / ParisPoint, nil
	}
	if _, ok := ukOffset(sys); ok {
		return d / Barleycorn, nil
	}
	return 0, fmt.Errorf("size steps: unknown size system %q", sys)
}

// SizeFromFootExact is [SizeFromFoot] without rounding.
func SizeFromFootExact(sys models.SizeSystem, footMM float64) (float64, error) {
	if err := checkSize(footMM, "foot length"); err != nil {
		return 0, err
	}
	if sys == models.SizeCN {
		return footMM, nil
	}
	return SizeFromLastExact(sys, footMM+ToeRoom)
}

// DesignLastLength is the canonical length of a size of d: the bottom
// length of d's last graded to that foot length (the last grows with the
// foot, mm for mm, see [GradeLast]).
func DesignLastLength(d *models.Design, footMM float64) float64 {
	base := d.Meta.BaseSize
	if !(base > 0) || !(d.Last.BottomLength > 0) {
		return footMM + ToeRoom
	}
	return d.Last.BottomLength + (footMM - base)
}

// DesignSize is the size of foot length footMM of d in a system, from the
// design's last length at that size ([DesignLastLength]), rounded to the
// nearest half size; CN is the foot length itself.
func DesignSize(d *models.Design, sys models.SizeSystem, footMM float64) (float64, error) {
	if err := checkSize(footMM, "foot length"); err != nil {
		return 0, err
	}
	if sys == models.SizeCN || sys == "" {
		return footMM, nil
	}
	return SizeFromLast(sys, DesignLastLength(d, footMM))
}

// FormatDesignSize labels foot length footMM of d in the design's size
// system: "EU 40½", or the plain foot length for CN.
func FormatDesignSize(d *models.Design, footMM float64) string {
	s, err := DesignSize(d, d.Meta.SizeSystem, footMM)
	if err != nil {
		return strconv.FormatFloat(footMM, 'f', -1, 64)
	}
	return FormatSize(d.Meta.SizeSystem, s)
}

// FormatDesignSizeDecimal is [FormatDesignSize] with half sizes written
// ".5" ("EU 36.5"), as the tech pack prints them and the window shows
// them (its font draws "½" badly).
func FormatDesignSizeDecimal(d *models.Design, footMM float64) string {
	return strings.ReplaceAll(FormatDesignSize(d, footMM), "½", ".5")
}

// FormatSize labels a size in a system: "EU 40", "UK 6½", "US 9",
// "US W 7½", and the plain foot length for CN: "250".
func FormatSize(sys models.SizeSystem, size float64) string {
	num := func(v float64) string {
		whole := math.Floor(v)
		frac := v - whole
		switch {
		case math.Abs(frac) < 1e-9:
			return strconv.FormatFloat(whole, 'f', -1, 64)
		case math.Abs(frac-0.5) < 1e-9:
			if whole == 0 {
				return "½"
			}
			return strconv.FormatFloat(whole, 'f', -1, 64) + "½"
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	switch sys {
	case models.SizeEU:
		return "EU " + num(size)
	case models.SizeUK:
		return "UK " + num(size)
	case models.SizeUSMen:
		return "US " + num(size)
	case models.SizeUSWomen:
		return "US W " + num(size)
	}
	return strconv.FormatFloat(size, 'f', -1, 64)
}

// FittingName is the Chinese name of a width fitting, 一型 … 五型.
func FittingName(fitting int) string {
	names := []string{"", "一型", "二型", "三型", "四型", "五型"}
	if fitting < 1 || fitting >= len(names) {
		return ""
	}
	return names[fitting]
}

// FittingGirth is the ball girth of a last re-fitted from one width
// fitting to another: 7 mm girth per type.
func FittingGirth(ballGirth float64, from, to int) (float64, error) {
	if from < 1 || from > 5 || to < 1 || to > 5 {
		return 0, fmt.Errorf("width fitting %d → %d: want types 1–5", from, to)
	}
	return ballGirth + FittingGirthStep*float64(to-from), nil
}
