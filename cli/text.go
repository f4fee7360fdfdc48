package cli

import (
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"
)

// fromGBK decodes s as GBK; ok is false when s is not clean GBK.
func fromGBK(s string) (string, bool) {
	out, err := simplifiedchinese.GBK.NewDecoder().String(s)
	if err != nil || strings.ContainsRune(out, '\uFFFD') {
		return "", false
	}
	return out, true
}

// displayWidth is how many terminal columns s takes: East Asian wide and
// full-width characters (Chinese) take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// clip cuts s to at most max columns at a character boundary, ending in
// "…" when something was cut. It never splits a character.
func clip(s string, max int) string {
	if displayWidth(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := runeWidth(r)
		if n+w > max-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// table writes rows as columns padded by display width (text/tabwriter
// counts a Chinese character as one column and misaligns them).
func table(rows [][]string) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
