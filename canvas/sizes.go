package canvas

import (
	"fmt"
	"math"
	"strconv"

	"cordwain/models"
)

// Size units, mm.
const (
	// ParisPoint is the EU size step, 2/3 cm.
	ParisPoint = 20.0 / 3
	// Barleycorn is the UK and US size step, 1/3 inch.
	Barleycorn = 25.4 / 3
	// UKToeRoom is the difference between a UK/US last length and the
	// foot it fits: two barleycorns, the usual trade rule.
	UKToeRoom = 2 * Barleycorn
	// FittingGirthStep is the ball girth between two Chinese width
	// fittings (一型…五型).
	FittingGirthStep = 7.0
)

// Sizes are stored as the CN size: the foot length in mm (GB/T 43293-2022,
// Mondopoint). Each system converts as follows, and the doc of each
// function says whether a formula gives a foot length or a last length:
//
//	CN    foot  = size                           (foot length, mm)
//	EU    last  = 6.6667·EU                      (last length, Paris point)
//	      foot  = 5·(EU + 10)                    (legacy Chinese table, GB/T 3293.1-1998)
//	UK    last  = 8.4667·(UK + 25)               (last length, barleycorn, adults)
//	US-M  last  = 8.4667·(US + 24)
//	US-W  last  = 8.4667·(US + 22.5)
//	UK/US foot  = last − 2 barleycorns           (trade rule)
//
// No conversion between systems is exact (ISO/TS 19407); keep mm.

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

// LastLength is the last length, mm, that a size in a system stands for
// (the system's own formula; CN goes through the legacy EU table).
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
		return ParisPoint * (size/5 - 10), nil
	}
	return 0, fmt.Errorf("last length: unknown size system %q", sys)
}

// FootLength converts a size in a system to the canonical CN size, the
// foot length in mm.
func FootLength(sys models.SizeSystem, size float64) (float64, error) {
	if err := checkSize(size, "size"); err != nil {
		return 0, err
	}
	if off, ok := ukOffset(sys); ok {
		return Barleycorn*(size+off) - UKToeRoom, nil
	}
	switch sys {
	case models.SizeCN:
		return size, nil
	case models.SizeEU:
		return 5 * (size + 10), nil
	}
	return 0, fmt.Errorf("foot length: unknown size system %q", sys)
}

// SizeFromFoot converts a foot length (CN size, mm) to a size in a
// system, rounded to the nearest half size (CN: to 5 mm).
func SizeFromFoot(sys models.SizeSystem, footMM float64) (float64, error) {
	if err := checkSize(footMM, "foot length"); err != nil {
		return 0, err
	}
	if footMM <= 0 {
		return 0, fmt.Errorf("foot length %g mm: want > 0", footMM)
	}
	half := func(v float64) float64 { return math.Round(v*2) / 2 }
	if off, ok := ukOffset(sys); ok {
		return half((footMM+UKToeRoom)/Barleycorn - off), nil
	}
	switch sys {
	case models.SizeCN:
		return math.Round(footMM/5) * 5, nil
	case models.SizeEU:
		return half(footMM/5 - 10), nil
	}
	return 0, fmt.Errorf("size from foot: unknown size system %q", sys)
}

// SizeSteps is the number of whole sizes between two foot lengths in a
// system (fractional for half sizes): what grading multiplies its
// increments by. CN counts 10 mm a size.
func SizeSteps(sys models.SizeSystem, fromFoot, toFoot float64) (float64, error) {
	if sys == models.SizeCN || sys == "" {
		return (toFoot - fromFoot) / 10, nil
	}
	a, err := SizeFromFootExact(sys, fromFoot)
	if err != nil {
		return 0, err
	}
	b, err := SizeFromFootExact(sys, toFoot)
	if err != nil {
		return 0, err
	}
	return b - a, nil
}

// SizeFromFootExact is [SizeFromFoot] without rounding.
func SizeFromFootExact(sys models.SizeSystem, footMM float64) (float64, error) {
	if err := checkSize(footMM, "foot length"); err != nil {
		return 0, err
	}
	if off, ok := ukOffset(sys); ok {
		return (footMM+UKToeRoom)/Barleycorn - off, nil
	}
	switch sys {
	case models.SizeCN:
		return footMM, nil
	case models.SizeEU:
		return footMM/5 - 10, nil
	}
	return 0, fmt.Errorf("size from foot: unknown size system %q", sys)
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

// FormatFoot labels a foot length (CN size, mm) in a system, rounding to
// the nearest half size.
func FormatFoot(sys models.SizeSystem, footMM float64) string {
	s, err := SizeFromFoot(sys, footMM)
	if err != nil {
		return strconv.FormatFloat(footMM, 'f', -1, 64)
	}
	return FormatSize(sys, s)
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
