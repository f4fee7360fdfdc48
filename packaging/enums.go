package packaging

import "strings"

// Enumerations and the common trade words designers type (material kind,
// construction, gender, finish, unit, colour) in Chinese, so a zh tech
// pack does not leave "Black", "cemented" or "leather" in English. Free
// text (names without a Chinese name, suppliers, notes, threads, anything
// not listed here) is printed as typed, and the cover says so.
var enumZH = map[string]string{
	// material kinds
	"leather": "皮革", "textile": "纺织", "synthetic": "合成材料", "rubber": "橡胶", "thread": "线", "component": "配件",
	// construction
	"cemented": "胶粘", "stitched": "缝制", "moulded": "模压", "vulcanised": "硫化",
	// gender
	"men": "男", "women": "女", "unisex": "男女通用", "kids": "童",
	// category
	"derby": "德比鞋", "pump": "浅口高跟鞋", "sneaker": "运动鞋", "oxford": "牛津鞋", "loafer": "乐福鞋", "boot": "靴",
	// units
	"pair": "双", "pcs": "个", "m": "米", "dm2": "平方分米", "m2": "平方米", "g": "克",
	// finishes
	"patent": "漆面", "suede": "绒面", "burnished": "擦色", "aniline, semi-gloss": "苯胺，半光",
	// colours
	"black": "黑色", "white": "白色", "grey": "灰色", "gray": "灰色", "natural": "本色", "beige": "米色", "nude": "裸色",
	"cognac": "干邑棕", "dark cognac": "深干邑棕", "off-white": "米白", "navy": "藏青", "red": "红色", "brown": "棕色",
	"tan": "棕褐色", "cool grey": "冷灰", "charcoal": "炭灰", "signal red": "信号红", "volt": "荧光黄", "black patent": "黑漆皮",
	"nude suede": "裸色绒面",
}

// enum gives an enumeration or common word in the tech pack's language:
// the Chinese in zh, "中文 English" when bilingual, as typed otherwise or
// when it is not a known word.
func (tp *techPack) enum(v string) string {
	zh, ok := enumZH[strings.ToLower(strings.TrimSpace(v))]
	if !ok || v == "" {
		return v
	}
	switch tp.o.Lang {
	case LangZH:
		return zh
	case LangEN:
		return v
	}
	return zh + " " + v
}
