package canvas

import (
	"math"
	"testing"
	"testing/quick"

	"cordwain/models"
)

func TestSizeCheckValues(t *testing.T) {
	tests := []struct {
		name string
		f    func(models.SizeSystem, float64) (float64, error)
		sys  models.SizeSystem
		size float64
		want float64
	}{
		{"EU 42 last", LastLength, models.SizeEU, 42, 280.0},
		{"UK 8 last", LastLength, models.SizeUK, 8, 279.4},
		{"US men 9 last", LastLength, models.SizeUSMen, 9, 279.4},
		{"US women 10.5 last", LastLength, models.SizeUSWomen, 10.5, 279.4},
		{"EU 42 foot", FootLength, models.SizeEU, 42, 280 - ToeRoom},
		{"CN 250 foot", FootLength, models.SizeCN, 250, 250},
		{"UK 8 foot", FootLength, models.SizeUK, 8, 279.4 - 2*Barleycorn},
		{"UK of a 279.4 mm last", SizeFromLast, models.SizeUK, 279.4, 8},
		{"US men of a 279.4 mm last", SizeFromLast, models.SizeUSMen, 279.4, 9},
		{"EU of a 280 mm last", SizeFromLast, models.SizeEU, 280, 42},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f(tc.sys, tc.size)
			if err != nil || math.Abs(got-tc.want) > 0.05 {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if got := LegacyCNFromEU(42); got != 260 {
		t.Errorf("legacy CN of EU 42 = %v, want 260", got)
	}
	t.Run("unknown system", func(t *testing.T) {
		if _, err := LastLength(models.SizeCN, 260); err == nil {
			t.Fatal("a CN size has no last length of its own: want an error")
		}
		if _, err := LastLength("XX", 1); err == nil {
			t.Fatal("want an error")
		}
		if _, err := FootLength(models.SizeEU, math.NaN()); err == nil {
			t.Fatal("want an error for NaN")
		}
	})
}

func TestSizeRoundTrip(t *testing.T) {
	for _, sys := range SizeSystems {
		sys := sys
		t.Run(string(sys), func(t *testing.T) {
			f := func(n uint8) bool {
				size := float64(n%40)/2 + 3 // half sizes 3 … 22.5
				if sys == models.SizeEU {
					size += 30
				}
				if sys == models.SizeCN {
					size = 200 + 5*float64(n%30)
				}
				foot, err := FootLength(sys, size)
				if err != nil {
					return false
				}
				back, err := SizeFromFoot(sys, foot)
				return err == nil && math.Abs(back-size) < 1e-9
			}
			if err := quick.Check(f, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		sys  models.SizeSystem
		size float64
		want string
	}{
		{models.SizeEU, 40, "EU 40"},
		{models.SizeUK, 6.5, "UK 6½"},
		{models.SizeUSMen, 9, "US 9"},
		{models.SizeUSWomen, 7.5, "US W 7½"},
		{models.SizeCN, 250, "250"},
		{models.SizeCN, 252.5, "252.5"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := FormatSize(tc.sys, tc.size); got != tc.want {
				t.Fatalf("got %q", got)
			}
		})
	}
	// A design's sizes come from its own graded last: the pump's 235 mm
	// foot is on a 247 mm last, EU 247/6.667 = 37.05 → 37; 240 on 252,
	// 37.8 → 38; 245 on 257, 38.55 → 38.5.
	d := &models.Design{Meta: models.Meta{SizeSystem: models.SizeEU, BaseSize: 235}, Last: models.Last{BottomLength: 247}}
	for foot, want := range map[float64]string{235: "EU 37", 240: "EU 38", 245: "EU 38.5"} {
		if got := FormatDesignSizeDecimal(d, foot); got != want {
			t.Errorf("FormatDesignSizeDecimal(pump, %g) = %q, want %q", foot, got, want)
		}
	}
}

func TestFittings(t *testing.T) {
	if FittingName(3) != "三型" || FittingName(0) != "" || FittingName(9) != "" {
		t.Fatal("fitting names")
	}
	g, err := FittingGirth(240, 3, 5)
	if err != nil || g != 254 {
		t.Fatalf("FittingGirth = %v, %v", g, err)
	}
	if _, err := FittingGirth(240, 0, 5); err == nil {
		t.Fatal("want an error")
	}
}

// Every system's number for a size comes from the same last length, so
// the columns agree with each other and with DOMAIN.md's check values:
// EU 42 (280.0 mm) sits with UK 8 and US men 9 (279.4 mm), at every size
// (fault 5 of issue 10: EU 42 was paired with UK 7½ / US 8½, and the gap
// grew with the size).
func TestDesignSizeColumnsAgree(t *testing.T) {
	d := &models.Design{Meta: models.Meta{BaseSize: 255, SizeSystem: models.SizeEU}, Last: models.Last{BottomLength: 270}}
	// 280 mm last: foot 265.
	for sys, want := range map[models.SizeSystem]float64{models.SizeEU: 42, models.SizeUK: 8, models.SizeUSMen: 9} {
		if got, err := DesignSize(d, sys, 265); err != nil || got != want {
			t.Errorf("%s of a 280 mm last = %v, %v; want %v", sys, got, err, want)
		}
	}
	for foot := 200.0; foot <= 320; foot += 2.5 {
		l := DesignLastLength(d, foot)
		eu, _ := DesignSize(d, models.SizeEU, foot)
		uk, _ := DesignSize(d, models.SizeUK, foot)
		us, _ := DesignSize(d, models.SizeUSMen, foot)
		// Each number is its system's nearest half size to the same L.
		if math.Abs(ParisPoint*eu-l) > ParisPoint/4+1e-9 {
			t.Errorf("foot %v: EU %v is %v mm of last, L = %v", foot, eu, ParisPoint*eu, l)
		}
		if math.Abs(Barleycorn*(uk+25)-l) > Barleycorn/4+1e-9 || math.Abs(Barleycorn*(us+24)-l) > Barleycorn/4+1e-9 {
			t.Errorf("foot %v: UK %v / US %v do not fit L = %v", foot, uk, us, l)
		}
		if us-uk != 1 {
			t.Errorf("foot %v: US men %v is not UK %v + 1", foot, us, uk)
		}
	}
}
