package faq

import "testing"

// The chatbot consults the FAQ for the text a clinic types at the menu, and for the text
// typed inside a flow that the step could not parse: there a short answer to the step's
// question must not be taken for a question, or the clinic gets an answer it did not ask
// for instead of its step. Each group is what the flows ask for (flows/kb/flows/*.yaml).
var shortAnswers = []struct {
	kind  string
	texts []string
}{
	{"yes and no", []string{"はい", "ええ", "うん", "いいえ", "OK", "できます", "できません", "無理です",
		"大丈夫です", "わかりません", "未定", "なし", "特にない", "あります", "ありません", "不明", "まだ"}},
	{"amounts", []string{"42万円", "約50万", "¥429,000", "月額1万5千円", "65万円", "年12万", "42万9千円", "0円"}},
	{"dates and periods", []string{"3か月", "3ヶ月くらい", "2023/3/31", "令和5年3月末", "来年2月", "半年後",
		"2023年6月", "来月", "年内"}},
	{"facilities, names, places, codes", []string{"診療所", "病院", "クリニック", "有床診療所", "さくら内科",
		"〇〇メディカル", "株式会社ABCシステム", "東京都", "大阪", "横浜市青葉区", "山田太郎",
		"1310110049", "3410712362", "03-1234-5678", "a@b.jp"}},
	{"choice labels", []string{"対応できる", "対応できない", "別の業者を紹介された", "推奨はない",
		"まだわからない", "機種はわからない", "同意する", "同意しない", "送信する", "2台"}},
	{"greetings and thanks", []string{"ありがとう", "ありがとうございます", "よろしくお願いします",
		"こんにちは", "わかりました", "了解です", "承知しました", "お世話になります", "すみません"}},
}

func TestShortAnswersRefused(t *testing.T) {
	k := loadEmbedded(t)
	n := 0
	for _, g := range shortAnswers {
		for _, q := range g.texts {
			n++
			if id, conf, d := k.idx.match(k.norm, q); id != "" {
				t.Errorf("%s: %q matched %s (score %.3f, %d of %d words, normalised %q); want no topic",
					g.kind, q, id, conf, d.matched, d.words, string(k.norm.normalize(q)))
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d short answers", n)
	}
}

// Questions about the clinic's other business share words with the topics (期限, おすすめ,
// 請求, 職員) but are not theirs. Development material like faq-dev.jsonl: the held-out set
// has its own.
func TestOffTopicRefused(t *testing.T) {
	k := loadEmbedded(t)
	for _, q := range []string{
		"電子カルテのおすすめ",
		"保険証の有効期限",
		"請求書の書き方",
		"おすすめのレセコンはどれ",
		"返戻の再請求の方法",
		"職員の有給休暇の管理",
		"駐車場の場所",
		"診療時間を教えて",
		"インフルエンザの予防接種の予約",
		"無料の駐輪場はありますか",
		"レセプトの返戻はいつまでに直せばいい",
		"院内のパソコンの選び方",
	} {
		if id, conf, d := k.idx.match(k.norm, q); id != "" {
			t.Errorf("%q matched %s (score %.3f, %d of %d words, normalised %q); want no topic",
				q, id, conf, d.matched, d.words, string(k.norm.normalize(q)))
		}
	}
}

// Short questions stay answered: a subject and what is asked about it, or a single subject
// asked about (相談窓口はどこ).
func TestShortQuestionsAnswered(t *testing.T) {
	k := loadEmbedded(t)
	for _, tt := range []struct{ q, id string }{
		{"義務化はいつから", "mandate"},
		{"オン資って何", "what-is-oqc"},
		{"紙レセでも対象？", "paper-exemption"},
		{"見積はどこに頼む", "quote-whom"},
		{"見積の確認事項", "quote-checklist"},
		{"業者に断られた", "vendor-cannot"},
		{"リーダーは何台無料", "reader-free"},
		{"メーカーの違い", "reader-models"},
		{"機種の選び方", "reader-choice"},
		{"カードリーダーの締切", "reader-deadline"},
		{"締切を過ぎたら", "after-deadline"},
		{"カードリーダーの申込方法", "reader-apply"},
		{"ポータルのアカウントがない", "portal-account"},
		{"補助金の期限は", "subsidy-schedule"},
		{"補助金はいくら", "subsidy-amount"},
		{"締切が早いのはなぜ", "why-early"},
		{"保守料が高い", "obstacle-report"},
		{"報告したらどうなる", "report-use"},
		{"説明会の動画", "briefing-video"},
		{"相談窓口はどこ", "consult-desk"},
		{"問い合わせ先を知りたい", "consult-desk"},
		// No reader word, but nothing else either: the anchors guard against other subjects.
		{"締め切りはいつですか？", "reader-deadline"},
		{"締切はいつまで", "reader-deadline"},
		{"保険証の期限はいつまで", ""},
		{"補助金？", ""}, // one word, not asked about: the amount? the deadlines?
		// an interrogative alone asks about nothing
		{"誰？", ""},
		{"いくら？", ""},
		{"なぜですか", ""},
		{"いつまで？", ""},
	} {
		if id, conf, d := k.idx.match(k.norm, tt.q); id != tt.id {
			t.Errorf("%q matched %q (score %.3f, pick %s with %d of %d words, normalised %q); want %s",
				tt.q, id, conf, topicName(k.idx, d.pick), d.matched, d.words, string(k.norm.normalize(tt.q)), tt.id)
		}
	}
}
