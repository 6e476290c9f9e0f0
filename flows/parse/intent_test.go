package parse

import (
	"strings"
	"testing"
)

func TestClassifyIntent(t *testing.T) {
	tests := []struct {
		in   string
		want Intent
	}{
		{"オンライン資格確認の導入で困っています", IntentTrouble},
		{"オンライン資格確認の導入で困っています。", IntentTrouble},
		{"導入についてちょっと困ったことがあって", IntentTrouble},
		{"業者が見つからず悩んでいます", IntentTrouble},
		{"カードリーダーの設置がうまくいかない", IntentTrouble},
		{"業者が見つからないです", IntentTrouble},
		{"見積もりを断られました", IntentTrouble},
		{"導入が進まないので相談したい", IntentTrouble},
		{"トラブルがあります", IntentTrouble},
		{"間に合いそうにありません", IntentTrouble},
		{"3月末には間に合わなそうです", IntentTrouble},
		{"業者探しが進みません", IntentTrouble},
		{"業者が見つからなくて", IntentTrouble},
		{"報告したいです", IntentTrouble},
		{"障害について報告させてください", IntentTrouble},
		{"業者さんに断られてしまいました", IntentTrouble},
		{"承知いたしました。ありがとうございます", IntentThanks},
		{"お世話になっております", IntentNone},
		{"よろしくお願いいたします", IntentNone},
		{"報告した内容はどう使われますか", IntentNone}, // a question: the FAQ's
		{"ありがとう", IntentThanks},
		{"ありがとうございます！", IntentThanks},
		{"助かりました", IntentThanks},
		{"解決しました", IntentThanks},
		{"おかげさまで解決できました！", IntentThanks},
		{"解決しましたか？", IntentNone},
		{"ご丁寧にありがとうございました。助かります", IntentThanks},
		{"Hello", IntentEnglish},
		{"Do you speak English?", IntentEnglish},
		{"I want to know about the subsidy", IntentEnglish},
		{"Thank you", IntentEnglish}, // answered in English first: the bot speaks Japanese
		{"ＨＥＬＬＯ", IntentEnglish},
		{"ok", IntentNone},
		{"yes", IntentNone},
		{"not sure", IntentNone},
		{"ABC医療システム", IntentNone},
		{"締め切りはいつ？", IntentNone},
		{"オンライン資格確認は義務ですか", IntentNone},
		{"締め切りに間に合わない場合はどうなりますか", IntentNone}, // a question: the FAQ's
		{"ありがとう、ところで締め切りはいつですか", IntentNone},
		{"こんにちは", IntentNone},
		{"人と話したい", IntentPerson},
		{"電話したい", IntentPerson},
		{"電話で相談したいです", IntentPerson},
		{"担当の方お願いします", IntentPerson},
		{"担当者をお願いいたします", IntentPerson},
		{"オペレーター", IntentPerson},
		{"ｵﾍﾟﾚｰﾀｰにつないでください", IntentPerson},
		{"人間に代わってください", IntentPerson},
		{"直接話したいのですが", IntentPerson},
		{"スタッフの方と話したい", IntentPerson},
		{"担当者と話せますか", IntentPerson},
		{"有人対応", IntentPerson},
		{"業者の担当者にお願いしました", IntentNone}, // the vendor's staff
		{"担当者から電話がありません", IntentNone},
		{"電話は不要です", IntentNone},
		{"電話番号は03-1234-5678です", IntentNone},
		{"担当 山田 03-1234-5678 お願いします", IntentNone}, // a contact: the clinic's own person
		{"担当者に折り返しお願いします ０３－１２３４－５６７８", IntentNone},
		{"担当の山田までお願いします", IntentNone},
		{"業者が見つからないので電話で相談したいです。地域は山間部で、光回線もまだ来ていません", IntentTrouble}, // a story
		{"", IntentNone},
		{strings.Repeat("困っています", MaxInput), IntentNone},
	}
	for _, tt := range tests {
		if got := ClassifyIntent(tt.in); got != tt.want {
			t.Errorf("ClassifyIntent(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for i, want := range map[Intent]string{IntentNone: "IntentNone", IntentTrouble: "IntentTrouble",
		IntentThanks: "IntentThanks", IntentEnglish: "IntentEnglish", IntentPerson: "IntentPerson", 9: "IntentNone"} {
		if got := i.String(); got != want {
			t.Errorf("Intent(%d).String() = %q, want %q", int(i), got, want)
		}
	}
}

func TestLooksLikeName(t *testing.T) {
	for _, in := range []string{"DEF医療システム", "山田クリニック", "ABC医療システムさん", "ＡＢＣ医療システム",
		"株式会社さくらメディカルです", "さくら内科", "クリニックさくら", "医療法人社団 さくら会 さくら内科・小児科クリニック",
		"第2山田医院", "(株)ケンドウ", "NTT東日本", "富士通Japan"} {
		if !LooksLikeName(in) {
			t.Errorf("LooksLikeName(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"締め切りはいつ？", "補助金について", "カードリーダーはどれがいいですか",
		"オンライン資格確認の導入で困っています", "まだ決まっていません", "わからない", "はい", "いいえ", "来年の春",
		"業者を教えてください", "見積もりをお願いしたい", "", "。", strings.Repeat("山田", MaxNameRunes),
		"What is this"} {
		if LooksLikeName(in) {
			t.Errorf("LooksLikeName(%q) = true, want false", in)
		}
	}
}

func TestNameKey(t *testing.T) {
	for _, group := range [][]string{
		{"ABCメディカル", "ＡＢＣメディカル", "abc メディカル", "株式会社ABCメディカル", "ABCメディカル株式会社",
			"(株)ABCメディカル", "（株）ABCメディカル", "㈱ABCメディカル", "ABCメディカル（株）", "ABCメディカルさん",
			"株式会社ABCメディカルさんです", "ABCメディカル様", "ABCメディカル御中"},
		{"さくら会さくら内科", "医療法人社団さくら会 さくら内科", "(医)さくら会さくら内科", "医療法人さくら会さくら内科",
			"医)さくら会 さくら内科", "(医社)さくら会さくら内科"},
	} {
		want := NameKey(group[0])
		for _, in := range group[1:] {
			if got := NameKey(in); got != want {
				t.Errorf("NameKey(%q) = %q, want %q as for %q", in, got, want, group[0])
			}
		}
	}
	for _, pair := range [][2]string{{"ABCメディカル", "ABCシステム"}, {"さくら内科", "さくら歯科"}, {"株式会社", "有限会社"}} {
		if NameKey(pair[0]) == NameKey(pair[1]) {
			t.Errorf("NameKey(%q) == NameKey(%q): two names, one key", pair[0], pair[1])
		}
	}
}

func TestIsQuestion(t *testing.T) {
	for _, in := range []string{"締め切りはいつ？", "締め切りはいつ?", "補助金は出ますか", "どうすればいいでしょうか",
		"機種を教えて", "What is this", "義務なのか"} {
		if !IsQuestion(in) {
			t.Errorf("IsQuestion(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"DEF医療システム", "(株)ケンドウ", "ぶどう皮膚科", "はい", "3月末", "", "Tokyo"} {
		if IsQuestion(in) {
			t.Errorf("IsQuestion(%q) = true, want false", in)
		}
	}
}
