package parse

import (
	"strconv"
	"strings"
	"testing"
)

func TestParsePrefecture(t *testing.T) {
	tests := []struct {
		want int
		in   []string
	}{
		{13, []string{"東京都", "東京", "とうきょう", "トウキョウ", "ﾄｳｷｮｳ", "とうきょうと", "トウキョウト", "13", "１３",
			"Tokyo", "TOKYO", "tokyo-to", "Tōkyō", "toukyou", "Tokyo Prefecture", " 東京都 ", "東京都です", "東京県",
			"東京都新宿区西新宿2-8-1", "東 京 都"}},
		{1, []string{"北海道", "ほっかいどう", "ホッカイドウ", "hokkaido", "01", "1", "１", "北海道札幌市"}},
		{26, []string{"京都府", "京都", "きょうと", "きょうとふ", "キョウトフ", "kyoto", "京都市", "京都府京都市"}},
		{27, []string{"大阪府", "大阪", "おおさか", "おおさかふ", "osaka", "oosaka", "Osaka-fu", "大阪市北区"}},
		{14, []string{"神奈川県", "神奈川", "かながわ", "かながわけん", "カナガワケン", "kanagawa", "kanagawa-ken", "14"}},
		{44, []string{"大分県", "大分", "おおいた", "oita", "ooita", "Ōita"}},
		{28, []string{"兵庫", "ひょうご", "hyogo", "hyougo"}},
		{39, []string{"高知", "こうち", "kochi", "kouchi"}},
		{10, []string{"群馬", "ぐんま", "gunma", "gumma"}},
		{47, []string{"沖縄県", "沖縄", "おきなわ", "47"}},
		{24, []string{"三重", "みえ", "mie", "津", "津市"}},
		// cities that name no prefecture, and Tokyo's wards
		{13, []string{"都内", "東京23区", "23区内", "東京の港区", "千代田区", "世田谷区", "中野区中央", "大田区蒲田", "江戸川区"}},
		{14, []string{"横浜", "横浜市", "横浜市青葉区", "川崎市", "神奈川県横浜市青葉区"}},
		{1, []string{"札幌市", "札幌市中央区"}},
		{11, []string{"さいたま市"}},
		{23, []string{"名古屋市", "名古屋"}},
		{28, []string{"神戸市"}},
		{33, []string{"岡山市"}},
	}
	for _, tt := range tests {
		for _, in := range tt.in {
			p, ok := ParsePrefecture(in)
			if !ok || p.Code != tt.want {
				t.Errorf("ParsePrefecture(%q) = %+v, %v; want code %d", in, p, ok, tt.want)
			}
		}
	}
	for _, in := range []string{"", "0", "00", "48", "99", "100", "013", "東", "京", "北海", "日本", "県内", "津山市", "とうきょ", "港区", "中央区", "北区", "中野市", "大田市", "世田谷",
		"ニューヨーク", "new york", "-13", "13番", strings.Repeat("東京都", 1000), "\xff"} {
		if p, ok := ParsePrefecture(in); ok {
			t.Errorf("ParsePrefecture(%q) = %+v, want not found", in, p)
		}
	}
}

func TestPrefectureByCode(t *testing.T) {
	for code := 1; code <= 47; code++ {
		p, ok := PrefectureByCode(code)
		if !ok || p.Code != code || p.Name == "" {
			t.Fatalf("PrefectureByCode(%d) = %+v, %v", code, p, ok)
		}
		// Every way of naming it comes back to it.
		info := prefectures[code-1]
		for _, in := range []string{p.Name, strconv.Itoa(code), info.kana, info.roman, strings.ToUpper(info.roman)} {
			if got, ok := ParsePrefecture(in); !ok || got != p {
				t.Errorf("ParsePrefecture(%q) = %+v, %v; want %+v", in, got, ok, p)
			}
		}
	}
	for _, code := range []int{-1, 0, 48, 1 << 40} {
		if p, ok := PrefectureByCode(code); ok {
			t.Errorf("PrefectureByCode(%d) = %+v, want none", code, p)
		}
	}
	for _, c := range []struct {
		code int
		name string
	}{{1, "北海道"}, {13, "東京都"}, {26, "京都府"}, {27, "大阪府"}, {34, "広島県"}, {47, "沖縄県"}} {
		if p, _ := PrefectureByCode(c.code); p.Name != c.name {
			t.Errorf("PrefectureByCode(%d).Name = %q, want %q", c.code, p.Name, c.name)
		}
	}
}

// No two prefectures share a spelling.
func TestPrefectureKeysUnique(t *testing.T) {
	seen := map[string]int{}
	for i, p := range prefectures {
		for _, k := range []string{p.name, p.kana, romanKey(p.roman)} {
			if other, dup := seen[k]; dup && other != i+1 {
				t.Errorf("%q names both %d and %d", k, other, i+1)
			}
			seen[k] = i + 1
		}
	}
}
