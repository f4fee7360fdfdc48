package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"cordwain/assets/fonts"
)

// studioTheme is Fyne's default theme (so light/dark follows the system)
// with the embedded WenQuanYi Micro Hei as the text font: Chinese renders the
// same on every OS, Windows without a Chinese system font too, and the UI
// matches the tech pack.
type studioTheme struct {
	font fyne.Resource
}

var _ fyne.Theme = (*studioTheme)(nil)

func newStudioTheme() *studioTheme {
	return &studioTheme{font: fyne.NewStaticResource("wqy-microhei.ttf", fonts.TTF())}
}

func (t *studioTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		// Cordwain's leather brown, readable on light and dark.
		if v == theme.VariantDark {
			return color.NRGBA{R: 0xd9, G: 0x9a, B: 0x5b, A: 0xff}
		}
		return color.NRGBA{R: 0x9a, G: 0x5b, B: 0x24, A: 0xff}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *studioTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return t.font
}

func (t *studioTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *studioTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
