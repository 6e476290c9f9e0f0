package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Prefecture is one of the 47 都道府県.
type Prefecture struct {
	Code int    // JIS X 0401 code, 1 (北海道) … 47 (沖縄県)
	Name string // full name: 東京都, 北海道, 大阪府, 神奈川県
}

// prefectures[code-1]: the full name, the reading of the name without its suffix, and the
// Hepburn romanisation.
var prefectures = [47]struct{ name, kana, roman string }{
	{"北海道", "ほっかいどう", "hokkaido"}, {"青森県", "あおもり", "aomori"}, {"岩手県", "いわて", "iwate"},
	{"宮城県", "みやぎ", "miyagi"}, {"秋田県", "あきた", "akita"}, {"山形県", "やまがた", "yamagata"},
	{"福島県", "ふくしま", "fukushima"}, {"茨城県", "いばらき", "ibaraki"}, {"栃木県", "とちぎ", "tochigi"},
	{"群馬県", "ぐんま", "gunma"}, {"埼玉県", "さいたま", "saitama"}, {"千葉県", "ちば", "chiba"},
	{"東京都", "とうきょう", "tokyo"}, {"神奈川県", "かながわ", "kanagawa"}, {"新潟県", "にいがた", "niigata"},
	{"富山県", "とやま", "toyama"}, {"石川県", "いしかわ", "ishikawa"}, {"福井県", "ふくい", "fukui"},
	{"山梨県", "やまなし", "yamanashi"}, {"長野県", "ながの", "nagano"}, {"岐阜県", "ぎふ", "gifu"},
	{"静岡県", "しずおか", "shizuoka"}, {"愛知県", "あいち", "aichi"}, {"三重県", "みえ", "mie"},
	{"滋賀県", "しが", "shiga"}, {"京都府", "きょうと", "kyoto"}, {"大阪府", "おおさか", "osaka"},
	{"兵庫県", "ひょうご", "hyogo"}, {"奈良県", "なら", "nara"}, {"和歌山県", "わかやま", "wakayama"},
	{"鳥取県", "とっとり", "tottori"}, {"島根県", "しまね", "shimane"}, {"岡山県", "おかやま", "okayama"},
	{"広島県", "ひろしま", "hiroshima"}, {"山口県", "やまぐち", "yamaguchi"}, {"徳島県", "とくしま", "tokushima"},
	{"香川県", "かがわ", "kagawa"}, {"愛媛県", "えひめ", "ehime"}, {"高知県", "こうち", "kochi"},
	{"福岡県", "ふくおか", "fukuoka"}, {"佐賀県", "さが", "saga"}, {"長崎県", "ながさき", "nagasaki"},
	{"熊本県", "くまもと", "kumamoto"}, {"大分県", "おおいた", "oita"}, {"宮崎県", "みやざき", "miyazaki"},
	{"鹿児島県", "かごしま", "kagoshima"}, {"沖縄県", "おきなわ", "okinawa"},
}

// prefectureKeys maps every accepted spelling to a code.
var prefectureKeys = map[string]int{}

func init() {
	kanaSuffix := map[string]string{"都": "と", "府": "ふ", "県": "けん"}
	for i, p := range prefectures {
		code := i + 1
		short := shortName(code)
		for _, k := range []string{p.name, short, p.kana, p.kana + kanaSuffix[strings.TrimPrefix(p.name, short)], romanKey(p.roman)} {
			prefectureKeys[k] = code
		}
	}
	prefectureKeys["gumma"] = 10
}

// shortName is the name without its 都, 府 or 県: 東京, 京都, 神奈川; 北海道 stays 北海道.
func shortName(code int) string {
	name := prefectures[code-1].name
	if code == 1 {
		return name
	}
	_, size := utf8.DecodeLastRuneInString(name)
	return name[:len(name)-size]
}

// PrefectureByCode returns the prefecture with JIS X 0401 code 1…47.
func PrefectureByCode(code int) (Prefecture, bool) {
	if code < 1 || code > 47 {
		return Prefecture{}, false
	}
	return Prefecture{Code: code, Name: prefectures[code-1].name}, true
}

// ParsePrefecture reads a prefecture written in full (東京都, 北海道) or without 都/府/県 (東京,
// 大阪), in hiragana or katakana with or without the suffix (とうきょう, トウキョウ, とうきょうと,
// おおさかふ, ほっかいどう), in romaji (Tokyo, Tōkyō, Osaka-fu), or as its JIS X 0401 code
// ("13", "１３", "01", "1"). An address that begins with a full prefecture name (「東京都新宿区…」),
// with its name and の (「東京の港区」), or with a city named after it (「大阪市北区」) gives that
// prefecture; so does a designated city or prefectural capital that is not named after its
// prefecture (「横浜市」「札幌」「さいたま市」「津」), 「都内」「23区」 and a ward only Tokyo has
// (「世田谷区」; not 「港区」, which Nagoya and Osaka have too) for Tokyo.
func ParsePrefecture(s string) (Prefecture, bool) {
	t, ok := prepare(s)
	if !ok {
		return Prefecture{}, false
	}
	t = strings.ToLower(toHiragana(t))
	t = strings.TrimRight(t, "。.!、, ")
	t = strings.TrimSuffix(t, "です")
	if t == "" {
		return Prefecture{}, false
	}
	if len(t) <= 2 && strings.Trim(t, "0123456789") == "" {
		code, _ := strconv.Atoi(t)
		return PrefectureByCode(code)
	}
	compact := strings.ReplaceAll(t, " ", "")
	if code, ok := prefectureKeys[compact]; ok {
		return PrefectureByCode(code)
	}
	if code, ok := prefectureKeys[romanKey(t)]; ok {
		return PrefectureByCode(code)
	}
	// A wrong suffix (東京県) still names the prefecture.
	for _, suf := range []string{"都", "道", "府", "県"} {
		if short, ok := strings.CutSuffix(compact, suf); ok && short != "北海" {
			if code, ok := prefectureKeys[short]; ok {
				return PrefectureByCode(code)
			}
		}
	}
	// An address: 東京都新宿区…, 東京の港区…, or a city named after its prefecture: 大阪市…
	for i, p := range prefectures {
		if strings.HasPrefix(compact, p.name) {
			return PrefectureByCode(i + 1)
		}
		if i > 0 && (strings.HasPrefix(compact, shortName(i+1)+"市") || strings.HasPrefix(compact, shortName(i+1)+"の")) {
			return PrefectureByCode(i + 1)
		}
	}
	// A city that names no prefecture: 横浜, 札幌市中央区, 都内, 23区.
	for city, code := range cities {
		if compact == city || strings.HasPrefix(compact, city+"市") || strings.HasPrefix(compact, city+"区") {
			return PrefectureByCode(code)
		}
	}
	for _, ward := range tokyoWards {
		if strings.HasPrefix(compact, ward+"区") {
			return PrefectureByCode(13)
		}
	}
	return Prefecture{}, false
}

// cities are the places an address may begin with that are not named after their
// prefecture: the designated cities and prefectural capitals, 都内 and 23区 (Tokyo). Each is
// read alone or before 市 or 区, so that 津 is not 津山.
var cities = map[string]int{
	"札幌": 1, "盛岡": 3, "仙台": 4, "水戸": 8, "宇都宮": 9, "前橋": 10, "さいたま": 11, "都内": 13, "東京23": 13,
	"23": 13, "横浜": 14, "川崎": 14, "相模原": 14, "金沢": 17, "甲府": 19, "浜松": 22, "名古屋": 23, "津": 24,
	"大津": 25, "堺": 27, "神戸": 28, "松江": 32, "高松": 37, "松山": 38, "北九州": 40, "那覇": 47,
}

// tokyoWards are Tokyo's special wards whose name no ward elsewhere has, read only before 区
// (「世田谷区」「中野区中央」): 中野市 is in 長野, 大田市 in 島根. 中央区, 港区 and 北区 are wards
// of other cities too, and name no prefecture.
var tokyoWards = []string{"千代田", "新宿", "文京", "台東", "墨田", "江東", "品川", "目黒", "大田", "世田谷",
	"渋谷", "中野", "杉並", "豊島", "荒川", "板橋", "練馬", "足立", "葛飾", "江戸川"}

// romanKey folds a romanised name so that spellings compare equal: Tōkyō, toukyou, tokyo-to,
// Tokyo Prefecture and TOKYO are all "tokyo"; Ōita and ooita are "oita".
func romanKey(s string) string {
	s = strings.ToLower(s)
	for _, suf := range []string{" prefecture", " pref.", " pref", "-ken", "-to", "-fu", " ken", " to", " fu"} {
		s = strings.TrimSuffix(s, suf)
	}
	s = strings.NewReplacer("ō", "o", "ū", "u", "ô", "o", "û", "u", "ou", "o", "oo", "o", "uu", "u", " ", "", "-", "").Replace(s)
	return s
}
