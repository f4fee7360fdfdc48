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
		{"EU 42 foot (legacy CN)", FootLength, models.SizeEU, 42, 260},
		{"EU 40 foot (legacy CN)", FootLength, models.SizeEU, 40, 250},
		{"CN 250 foot", FootLength, models.SizeCN, 250, 250},
		{"UK 8 foot", FootLength, models.SizeUK, 8, 279.4 - 2*Barleycorn},
		{"CN 260 last via EU 42", LastLength, models.SizeCN, 260, 280},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f(tc.sys, tc.size)
			if err != nil || math.Abs(got-tc.want) > 0.05 {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	t.Run("unknown system", func(t *testing.T) {
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
	if got := FormatFoot(models.SizeEU, 255); got != "EU 41" {
		t.Fatalf("FormatFoot(EU, 255) = %q", got)
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
