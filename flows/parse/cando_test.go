package parse

import (
	"strings"
	"testing"
)

func TestParseCanDo(t *testing.T) {
	tests := []struct {
		in   string
		want CanDo
	}{
		{"できます", Can},
		{"できる", Can},
		{"はい、できます", Can},
		{"対応可能とのことです", Can},
		{"やってくれるそうです", Can},
		{"やってもらえます", Can},
		{"問題なく対応できます", Can},
		{"大丈夫です", Can},
		{"ＯＫです", Can},
		{"できないけど他を紹介してくれる", CannotRefers},
		{"できないけど、他を紹介してくれるそうです", CannotRefers},
		{"紹介してくれるそうです", CannotRefers},
		{"他社を紹介された", CannotRefers},
		{"他社を紹介されました。", CannotRefers},
		{"自社ではできないが協力会社がやってくれる", CannotRefers},
		{"別の業者を紹介してもらえることになりました", CannotRefers},
		{"対応できるのは提携先の業者です", CannotRefers},
		{"対応できないと言われた", Cannot},
		{"無理でした", Cannot},
		{"むりです", Cannot},
		{"できません", Cannot},
		{"対応は難しいそうです", Cannot},
		{"できかねますとのこと", Cannot},
		{"断られました", Cannot},
		{"対応できないし、紹介もしてもらえない", Cannot},
		{"紹介先はないそうです", Cannot},
		{"他社の紹介もできないと言われました", Cannot},
		{"できません、紹介もなし", Cannot},
		{"対応不可、他社紹介無し", Cannot},
		{"うちでは無理だけど別の会社を紹介するそうです", CannotRefers},
		{"対応不可、他社紹介あり", CannotRefers},
		{"できるかわからない", CanUnsure},
		{"たぶん大丈夫", CanUnsure},
		{"多分できると思います", CanUnsure},
		{"できるかも", CanUnsure},
		{"できないかもしれない", CanUnsure},
		{"まだ聞いていません", CanUnsure},
		{"確認中です", CanUnsure},
		{"紹介してくれるかどうかはわかりません", CanUnsure},
		{"できる？", CanUnsure},
		{"いいえ、大丈夫です", CanUnsure},
		{"できなくはない", CanUnsure},
		{"無理ではないそうです", CanUnsure},
		{"いいえ、できるそうです", Can},
		{"いや、対応できます", Can},
		{"引き受けてくれました", Can},
		{"当社で対応しますとのこと", Can},
		{"対応可能とのこと", Can},
		{"はい、でも高いです", Can},
		{"対応できるが半年待ち", Can},
		{"わかりかねます", CanUnsure},
		{"見積もり待ちです", CanUnsure},
		{"検討中と言われました", CanUnsure},
		{"前向きに検討してもらっている", CanUnsure},
		{"できなくはないが高い", CanUnsure},
		{"対応外とのこと", Cannot},
		{"お断りされました", Cannot},
		{"扱っていないそうです", Cannot},
		{"厳しいとのこと", Cannot},
		{"無理そうです", Cannot},
		{"他社でお願いしますと言われた", Cannot},
		{"他を当たってくださいと言われた", Cannot},
		{"よそに頼んでと言われた", Cannot},
		{"別の業者に頼んでほしいそうです", Cannot},
		{"他の業者に頼むように言われた", Cannot},
		{"他の業者を探すように言われました", Cannot},
		{"対応していただけるそうです", Can},
		{"自社で対応", Can},
		{"無理っぽい", Cannot},
		{"うちではやっていないので紹介しますとのこと", CannotRefers},
		{"他社に頼んでくれるそうです", CannotRefers},
		{"対応可、追加費用なし", Can},
		{"自社ではできないので外注で", CannotRefers},
		{"こんにちは", CanUnsure},
		{"", CanUnsure},
		{strings.Repeat("できます", MaxInput), CanUnsure},
	}
	for _, tt := range tests {
		if got := ParseCanDo(tt.in); got != tt.want {
			t.Errorf("ParseCanDo(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCanDoString(t *testing.T) {
	for c, want := range map[CanDo]string{CanUnsure: "CanUnsure", Can: "Can", Cannot: "Cannot",
		CannotRefers: "CannotRefers", 9: "CanUnsure"} {
		if got := c.String(); got != want {
			t.Errorf("CanDo(%d).String() = %q, want %q", int(c), got, want)
		}
	}
}

func TestAboutCanDo(t *testing.T) {
	for _, in := range []string{"補助金の対象になるなら対応するとのこと", "一部のみ対応", "できるはず", "対応済みです",
		"できなくはないが高い", "紹介があるかも"} {
		if !AboutCanDo(in) {
			t.Errorf("AboutCanDo(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"対応できない場合はどうすればいいですか", "補助金はいくら？", "締め切りについて", "こんにちは",
		""} {
		if AboutCanDo(in) {
			t.Errorf("AboutCanDo(%q) = true, want false", in)
		}
	}
}
