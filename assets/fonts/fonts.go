// Package fonts embeds Cordwain's one font, WenQuanYi Micro Hei (文泉驿微米黑),
// so the editor, PNG, PDF and SVG output and the Fyne theme look the same on
// every OS, including Windows without a Chinese system font.
//
// wqy-microhei.ttf is the first face of Debian's fonts-wqy-microhei
// wqy-microhei.ttc (TrueType collection) extracted as a standalone TrueType
// file: the same tables with a fresh table directory and recomputed
// checksums. It is used under the Apache License 2.0; see
// LICENSE-wqy-microhei.txt.
package fonts

import (
	_ "embed"
)

// Family is the font's family name, as used in SVG font-family and as the
// PDF font name.
const Family = "WenQuanYi Micro Hei"

//go:embed wqy-microhei.ttf
var ttf []byte

//go:embed LICENSE-wqy-microhei.txt
var license string

// TTF returns the embedded TrueType font. The slice is shared: callers must
// not modify it.
func TTF() []byte { return ttf }

// License returns the font's copyright and licence text, for an about box.
func License() string { return license }
