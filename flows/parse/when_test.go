package parse

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, JST) }

func TestParseWhen(t *testing.T) {
	nov15 := time.Date(2022, 11, 15, 10, 0, 0, 0, JST)
	dec20 := time.Date(2022, 12, 20, 18, 30, 0, 0, JST)
	mar10 := time.Date(2023, 3, 10, 9, 0, 0, 0, JST)
	nov30 := time.Date(2023, 11, 30, 12, 0, 0, 0, JST)
	leap := time.Date(2024, 2, 29, 12, 0, 0, 0, JST)
	// 23:30 UTC on 15 November is already the 16th in Japan.
	lateUTC := time.Date(2022, 11, 15, 23, 30, 0, 0, time.UTC)

	tests := []struct {
		in   string
		now  time.Time
		want time.Time
	}{
		{"2023/3/31", nov15, day(2023, 3, 31)},
		{"2023/03/31", nov15, day(2023, 3, 31)},
		{"2023-03-31", nov15, day(2023, 3, 31)},
		{"2023.3.31", nov15, day(2023, 3, 31)},
		{"２０２３／３／３１", nov15, day(2023, 3, 31)},
		{"20230331", nov15, day(2023, 3, 31)},
		{"2023年3月31日", nov15, day(2023, 3, 31)},
		{"2023年 3月 31日", nov15, day(2023, 3, 31)},
		{"2023年3月31日(金)", nov15, day(2023, 3, 31)},
		{"2023/3/31（金）", nov15, day(2023, 3, 31)},
		{"二〇二三年三月三十一日", nov15, day(2023, 3, 31)},
		{"令和5年3月31日", nov15, day(2023, 3, 31)},
		{"令和５年３月末", nov15, day(2023, 3, 31)},
		{"令和5年3月末", nov15, day(2023, 3, 31)},
		{"令和5年3月", nov15, day(2023, 3, 31)},
		{"令和5年3月上旬", nov15, day(2023, 3, 10)},
		{"令和5年3月中旬", nov15, day(2023, 3, 20)},
		{"令和5年3月下旬", nov15, day(2023, 3, 31)},
		{"㋿5年3月末", nov15, day(2023, 3, 31)},
		{"R5.3.31", nov15, day(2023, 3, 31)},
		{"R5/3/31", nov15, day(2023, 3, 31)},
		{"r5.3.31", nov15, day(2023, 3, 31)},
		{"Ｒ５．３．３１", nov15, day(2023, 3, 31)},
		{"R5.3", nov15, day(2023, 3, 31)},
		{"R5", nov15, day(2023, 12, 31)},
		{"令和5年", nov15, day(2023, 12, 31)},
		{"令和5年中", nov15, day(2023, 12, 31)},
		{"5年3月末", nov15, day(2023, 3, 31)}, // 令和, the era left out
		{"23年3月", nov15, day(2023, 3, 31)}, // 2023
		{"2023年3月", nov15, day(2023, 3, 31)},
		{"2023/3", nov15, day(2023, 3, 31)},
		{"2023年2月", nov15, day(2023, 2, 28)},
		{"2024年2月", nov15, day(2024, 2, 29)},
		{"2023年", nov15, day(2023, 12, 31)},
		{"3月末", nov15, day(2023, 3, 31)},
		{"3月", nov15, day(2023, 3, 31)},
		{"三月末", nov15, day(2023, 3, 31)},
		{"3月31日", nov15, day(2023, 3, 31)},
		{"3/31", nov15, day(2023, 3, 31)},
		{"12月", nov15, day(2022, 12, 31)},
		{"11月", nov15, day(2022, 11, 30)},
		{"11月末", nov15, day(2022, 11, 30)},
		{"11月20日", nov15, day(2022, 11, 20)},
		{"12月上旬", nov15, day(2022, 12, 10)},
		{"来年2月", nov15, day(2023, 2, 28)},
		{"来年の2月", nov15, day(2023, 2, 28)},
		{"来年3月末", nov15, day(2023, 3, 31)},
		{"再来年3月", nov15, day(2024, 3, 31)},
		{"来年", nov15, day(2023, 12, 31)},
		{"来月", nov15, day(2022, 12, 31)},
		{"来月末", nov15, day(2022, 12, 31)},
		{"来月中", nov15, day(2022, 12, 31)},
		{"来月上旬", nov15, day(2022, 12, 10)},
		{"来月10日", nov15, day(2022, 12, 10)},
		{"再来月", nov15, day(2023, 1, 31)},
		{"今月中", nov15, day(2022, 11, 30)},
		{"今月末", nov15, day(2022, 11, 30)},
		{"月末", nov15, day(2022, 11, 30)},
		{"年内", nov15, day(2022, 12, 31)},
		{"年内には", nov15, day(2022, 12, 31)},
		{"年末", nov15, day(2022, 12, 31)},
		{"年明け", nov15, day(2023, 1, 31)},
		{"今年中", nov15, day(2022, 12, 31)},
		{"年度内", nov15, day(2023, 3, 31)},
		{"今年度中", nov15, day(2023, 3, 31)},
		{"年度末", nov15, day(2023, 3, 31)},
		{"来年度", nov15, day(2024, 3, 31)},
		{"2023年度末", nov15, day(2024, 3, 31)},
		{"令和4年度末", nov15, day(2023, 3, 31)},
		{"年度内", mar10, day(2023, 3, 31)},
		{"3か月", nov15, day(2023, 2, 15)},
		{"3ヶ月", nov15, day(2023, 2, 15)},
		{"3ヵ月", nov15, day(2023, 2, 15)},
		{"3カ月", nov15, day(2023, 2, 15)},
		{"3ｹ月", nov15, day(2023, 2, 15)},
		{"3箇月", nov15, day(2023, 2, 15)},
		{"三か月", nov15, day(2023, 2, 15)},
		{"３か月", nov15, day(2023, 2, 15)},
		{"3か月後", nov15, day(2023, 2, 15)},
		{"3か月以内", nov15, day(2023, 2, 15)},
		{"約3か月", nov15, day(2023, 2, 15)},
		{"あと3か月くらい", nov15, day(2023, 2, 15)},
		{"3か月ほどかかると言われました", nov15, day(2023, 2, 15)},
		{"2〜3か月", nov15, day(2023, 2, 15)},
		{"2～3ヶ月", nov15, day(2023, 2, 15)},
		{"2、3か月", nov15, day(2023, 2, 15)},
		{"2-3か月", nov15, day(2023, 2, 15)},
		{"2か月から3か月", nov15, day(2023, 2, 15)},
		{"3か月半", nov15, day(2023, 3, 2)},
		{"1.5か月", nov15, day(2022, 12, 30)},
		{"ひと月", nov15, day(2022, 12, 15)},
		{"半年", nov15, day(2023, 5, 15)},
		{"半年後", nov15, day(2023, 5, 15)},
		{"半年くらい", nov15, day(2023, 5, 15)},
		{"1年", nov15, day(2023, 11, 15)},
		{"一年", nov15, day(2023, 11, 15)},
		{"1年後", nov15, day(2023, 11, 15)},
		{"1年半", nov15, day(2024, 5, 15)},
		{"1年3か月", nov15, day(2024, 2, 15)},
		{"2週間", nov15, day(2022, 11, 29)},
		{"二週間", nov15, day(2022, 11, 29)},
		{"1週間後", nov15, day(2022, 11, 22)},
		{"10日", nov15, day(2022, 11, 25)},
		{"十日", nov15, day(2022, 11, 25)},
		{"10日後", nov15, day(2022, 11, 25)},
		{"10日間", nov15, day(2022, 11, 25)},
		{"すぐ", nov15, day(2022, 11, 15)},
		{"すぐに", nov15, day(2022, 11, 15)},
		{"今すぐ", nov15, day(2022, 11, 15)},
		{"本日", nov15, day(2022, 11, 15)},
		{"明日", nov15, day(2022, 11, 16)},
		{"来週", nov15, day(2022, 11, 22)},
		{"すぐ", lateUTC, day(2022, 11, 16)},
		{"11月16日", lateUTC, day(2022, 11, 16)},
		{"3月末までに", nov15, day(2023, 3, 31)},
		{"3月末までには稼働予定です", nov15, day(2023, 3, 31)},
		{"4月頃の予定です", nov15, day(2023, 4, 30)},
		{"4月から", nov15, day(2023, 4, 30)},
		{"3月から4月", nov15, day(2023, 4, 30)},
		{"3月〜4月", nov15, day(2023, 4, 30)},
		{"遅くとも令和5年3月末", nov15, day(2023, 3, 31)},
		// Month rollover: asked in December, 3月末 is next March; 12月 is this month.
		{"3月末", dec20, day(2023, 3, 31)},
		{"3月", dec20, day(2023, 3, 31)},
		{"12月", dec20, day(2022, 12, 31)},
		{"来月", dec20, day(2023, 1, 31)},
		{"再来月", dec20, day(2023, 2, 28)},
		{"年内", dec20, day(2022, 12, 31)},
		{"3か月", dec20, day(2023, 3, 20)},
		{"2週間", dec20, day(2023, 1, 3)},
		{"3月", mar10, day(2023, 3, 31)},
		{"3月末", mar10, day(2023, 3, 31)},
		{"2月", mar10, day(2024, 2, 29)},
		// Leap years and month ends.
		{"3か月", nov30, day(2024, 2, 29)},
		{"1か月", time.Date(2023, 1, 31, 9, 0, 0, 0, JST), day(2023, 2, 28)},
		{"2月29日", nov30, day(2024, 2, 29)},
		{"2024/2/29", nov15, day(2024, 2, 29)},
		{"令和6年2月29日", nov15, day(2024, 2, 29)},
		{"1年", leap, day(2025, 2, 28)},
		{"今月末", leap, day(2024, 2, 29)},
		{"すぐ", leap, day(2024, 2, 29)},
		// 令和元年 and the last 平成 days.
		{"令和元年12月", time.Date(2019, 6, 1, 0, 0, 0, 0, JST), day(2019, 12, 31)},
		{"令和元年", time.Date(2019, 6, 1, 0, 0, 0, 0, JST), day(2019, 12, 31)},
		{"平成31年4月30日", time.Date(2019, 4, 1, 0, 0, 0, 0, JST), day(2019, 4, 30)},
		{"H31.4.30", time.Date(2019, 4, 1, 0, 0, 0, 0, JST), day(2019, 4, 30)},
		// The last day within ten years.
		{"2032/11/15", nov15, day(2032, 11, 15)},
		{"10年", nov15, day(2032, 11, 15)},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, tt.now)
		if err != nil || !got.Date.Equal(tt.want) {
			t.Errorf("ParseWhen(%q, %s) = %s, %v; want %s", tt.in, tt.now.Format(time.RFC3339),
				got.Date.Format("2006-01-02"), err, tt.want.Format("2006-01-02"))
			continue
		}
		if got.Date.Location() != JST || got.Date.Hour() != 0 || got.Date.Minute() != 0 || got.Date.Nanosecond() != 0 {
			t.Errorf("ParseWhen(%q).Date = %s, want midnight JST", tt.in, got.Date)
		}
	}
}

func TestParseWhenErrors(t *testing.T) {
	nov15 := time.Date(2022, 11, 15, 10, 0, 0, 0, JST)
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNotDate},
		{"未定", ErrNotDate},
		{"わからない", ErrNotDate},
		{"まだ決まっていません", ErrNotDate},
		{"そのうち", ErrNotDate},
		{"数か月", ErrNotDate},
		// no day the bot can place: asked again, never guessed
		{"連休明け", ErrNotDate}, // which holidays?
		{"上期中", ErrNotDate},  // whose fiscal year?
		{"今期中", ErrNotDate},
		{"初春", ErrNotDate}, // early spring, or the New Year of greetings
		{"梅雨明け", ErrNotDate},
		{"4月以降", ErrNotDate},
		{"3月か4月", ErrNotDate},
		{"今週の月曜", ErrPast},
		{"回答待ち", ErrNotDate},
		{"まだ分からない", ErrNotDate},
		{"3", ErrNotDate},
		{"1週間半", ErrNotDate},
		{"14:00", ErrNotDate},
		{"3月31日14時", ErrNotDate},
		{strings.Repeat("3月", MaxInput), ErrNotDate},
		{"2月30日", ErrInvalidDate},
		{"2023/2/29", ErrInvalidDate},
		{"2月29日", ErrInvalidDate}, // asked in 2022: next February has no 29th
		{"13月", ErrInvalidDate},
		{"0月", ErrInvalidDate},
		{"2023/13/1", ErrInvalidDate},
		{"2023/4/31", ErrInvalidDate},
		{"2023/3/32", ErrInvalidDate},
		{"2023/3/0", ErrInvalidDate},
		{"令和0年3月", ErrInvalidDate},
		{"平成32年3月", ErrInvalidDate},
		{"20231301", ErrInvalidDate},
		{"2022/11/14", ErrPast},
		{"2022年3月", ErrPast},
		{"今年3月", ErrPast},
		{"11月10日", ErrPast},
		{"令和元年", ErrPast},
		{"平成31年4月30日", ErrPast},
		{"H30.4.1", ErrPast},
		{"昭和60年", ErrPast},
		{"導入済みです", ErrPast},
		{"もう稼働中です", ErrPast},
		{"2032/11/16", ErrTooFar},
		{"2040年", ErrTooFar},
		{"11年", ErrTooFar},
		{"100年後", ErrTooFar},
		{"99999日", ErrTooFar},
		{"令和20年", ErrTooFar},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, nov15)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseWhen(%q) = %s, %v; want %v", tt.in, got.Date.Format("2006-01-02"), err, tt.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from time.Time
		k    int
		want time.Time
	}{
		{day(2022, 11, 30), 3, day(2023, 2, 28)},
		{day(2023, 11, 30), 3, day(2024, 2, 29)},
		{day(2023, 1, 31), 1, day(2023, 2, 28)},
		{day(2022, 12, 15), 1, day(2023, 1, 15)},
		{day(2022, 5, 31), 6, day(2022, 11, 30)},
	}
	for _, tt := range tests {
		if got := addMonths(tt.from, tt.k); !got.Equal(tt.want) {
			t.Errorf("addMonths(%s, %d) = %s, want %s", tt.from.Format("2006-01-02"), tt.k, got.Format("2006-01-02"), tt.want.Format("2006-01-02"))
		}
	}
}

func TestKanjiToDigits(t *testing.T) {
	tests := map[string]string{
		"三か月":    "3か月",
		"十二月":    "12月",
		"三十一日":   "31日",
		"二〇二三年":  "2023年",
		"二千二十三年": "2023年",
		"十日":     "10日",
		"百十":     "110",
		"十十":     "十十",
		"すぐ":     "すぐ",
	}
	for in, want := range tests {
		if got := kanjiToDigits(in); got != want {
			t.Errorf("kanjiToDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseWhenApprox checks seasons, office words and durations: the day each stands for,
// seen from different days of the year (the fiscal year turns in April, winter crosses the
// new year), and that they, not named days, are Approx.
func TestParseWhenApprox(t *testing.T) {
	nov15 := time.Date(2022, 11, 15, 10, 0, 0, 0, JST)
	dec20 := time.Date(2022, 12, 20, 10, 0, 0, 0, JST)
	jan10 := time.Date(2023, 1, 10, 10, 0, 0, 0, JST)
	apr1 := time.Date(2023, 4, 1, 10, 0, 0, 0, JST)
	may25 := time.Date(2023, 5, 25, 10, 0, 0, 0, JST)
	tests := []struct {
		in     string
		now    time.Time
		want   time.Time
		approx bool
	}{
		{"来年の春", nov15, day(2023, 5, 31), true},
		{"来年の春ごろ", nov15, day(2023, 5, 31), true},
		{"来春", nov15, day(2023, 5, 31), true},
		{"春ごろ", nov15, day(2023, 5, 31), true},
		{"春頃を予定しています", nov15, day(2023, 5, 31), true},
		{"春先", nov15, day(2023, 3, 31), true},
		{"夏頃", nov15, day(2023, 8, 31), true},
		{"秋", nov15, day(2022, 11, 30), true}, // the autumn under way
		{"今年の秋", nov15, day(2022, 11, 30), true},
		{"来年の秋", nov15, day(2023, 11, 30), true},
		{"冬", nov15, day(2023, 2, 28), true},
		{"年末", nov15, day(2022, 12, 31), true},
		{"年明け", nov15, day(2023, 1, 31), true},
		{"年明け", dec20, day(2023, 1, 31), true},
		{"GW明け", nov15, day(2023, 5, 20), true},
		{"ＧＷ明け", nov15, day(2023, 5, 20), true},
		{"ゴールデンウィーク明けごろ", nov15, day(2023, 5, 20), true},
		{"GW前", nov15, day(2023, 4, 28), true},
		{"お盆明け", nov15, day(2023, 8, 20), true},
		{"夏休み明け", nov15, day(2023, 8, 20), true},
		{"夏季休暇明けごろ", nov15, day(2023, 8, 20), true},
		{"お盆休み前", nov15, day(2023, 8, 12), true},
		{"お盆前", nov15, day(2023, 8, 12), true},
		{"年度内", nov15, day(2023, 3, 31), true},
		{"今年度中", nov15, day(2023, 3, 31), true},
		{"来年度", nov15, day(2024, 3, 31), true},
		{"上旬", nov15, day(2022, 12, 10), true}, // this month's is past
		{"中旬", nov15, day(2022, 11, 20), true},
		{"下旬", nov15, day(2022, 11, 30), true},
		{"3月上旬", nov15, day(2023, 3, 10), true},
		{"3月中旬", nov15, day(2023, 3, 20), true},
		{"3月下旬", nov15, day(2023, 3, 31), true},
		{"3月", nov15, day(2023, 3, 31), true},
		{"3月末", nov15, day(2023, 3, 31), false},
		{"再来月", nov15, day(2023, 1, 31), true},
		{"3か月", nov15, day(2023, 2, 15), true},
		{"３ヶ月くらい", nov15, day(2023, 2, 15), true},
		{"半年くらい", nov15, day(2023, 5, 15), true},
		{"1年弱", nov15, day(2023, 11, 15), true},
		{"2〜3か月", nov15, day(2023, 2, 15), true},
		{"3月31日頃", nov15, day(2023, 3, 31), true},
		{"2023/3/31", nov15, day(2023, 3, 31), false},
		{"令和5年3月31日", nov15, day(2023, 3, 31), false},
		{"明日", nov15, day(2022, 11, 16), false},
		{"すぐ", nov15, day(2022, 11, 15), false},
		// a start: the first month, not the period's end
		{"来年度から", nov15, day(2023, 4, 30), true},
		{"来年度からの予定です", nov15, day(2023, 4, 30), true},
		{"来年度初め", nov15, day(2023, 4, 30), true},
		{"来年度の初め", nov15, day(2023, 4, 30), true},
		{"来年度の始めごろ", nov15, day(2023, 4, 30), true},
		{"来年のはじめ", nov15, day(2023, 1, 31), true},
		{"来年の頭には", nov15, day(2023, 1, 31), true},
		{"年度明け", nov15, day(2023, 4, 30), true},
		{"令和5年度から", nov15, day(2023, 4, 30), true},
		{"来年から", nov15, day(2023, 1, 31), true},
		{"来年早々", nov15, day(2023, 1, 31), true},
		{"4月からの予定です", nov15, day(2023, 4, 30), true},
		{"今から3か月", nov15, day(2023, 2, 15), true},
		{"今からすぐ", nov15, day(2022, 11, 15), false},
		{"3月末の期限に間に合うように", nov15, day(2023, 3, 31), false},
		// a weekday: of this, next or the week after, or the next one
		{"来週の水曜", nov15, day(2022, 11, 23), false},
		{"来週水曜日", nov15, day(2022, 11, 23), false},
		{"今週金曜", nov15, day(2022, 11, 18), false},
		{"再来週の月曜", nov15, day(2022, 11, 28), false},
		{"水曜日", nov15, day(2022, 11, 16), false},
		{"今度の金曜", nov15, day(2022, 11, 18), false},
		{"火曜日", nov15, day(2022, 11, 22), false}, // said on a Tuesday: the next one
		{"今週の日曜", nov15, day(2022, 11, 20), false},
		// the year written short with slashes; a note in brackets
		{"23/1/10", nov15, day(2023, 1, 10), false},
		{"3月末(予定)", nov15, day(2023, 3, 31), false},
		{"3月末（予定）", nov15, day(2023, 3, 31), false},
		{"年度内（3月末）", nov15, day(2023, 3, 31), true},
		{"1月10日（火曜日）", nov15, day(2023, 1, 10), false},
		// suffixes stripped longest first: 「までに」 whole
		{"3月末までに完了予定", nov15, day(2023, 3, 31), false},
		{"3月末までに完了", nov15, day(2023, 3, 31), false},
		{"2ヶ月ちょっと", nov15, day(2023, 1, 15), true},
		// a date in a message: courtesies and who said it set aside
		{"3月末の予定です。よろしくお願いいたします。", nov15, day(2023, 3, 31), false},
		{"お世話になっております。3月末の予定です", nov15, day(2023, 3, 31), false},
		{"業者からは3月末と聞いています", nov15, day(2023, 3, 31), false},
		{"3月末と言われています", nov15, day(2023, 3, 31), false},
		{"先方によると半年後とのことです", nov15, day(2023, 5, 15), true},
		{"年度末の期限までに", nov15, day(2023, 3, 31), true},
		{"来年度から", apr1, day(2024, 4, 30), true},
		{"年度明け", jan10, day(2023, 4, 30), true},
		// winter and spring across the new year; the fiscal year across April
		{"冬", jan10, day(2023, 2, 28), true}, // the winter under way
		{"今年の冬", jan10, day(2024, 2, 29), true},
		{"春", jan10, day(2023, 5, 31), true},
		{"来春", jan10, day(2024, 5, 31), true},
		{"年度内", jan10, day(2023, 3, 31), true},
		{"来年度", jan10, day(2024, 3, 31), true},
		{"年度内", apr1, day(2024, 3, 31), true},
		{"今年度中", apr1, day(2024, 3, 31), true},
		{"来年度", apr1, day(2025, 3, 31), true},
		{"GW明け", apr1, day(2023, 5, 20), true},
		{"GW明け", may25, day(2024, 5, 20), true},
		{"来年のGW明け", apr1, day(2024, 5, 20), true},
		{"お盆前", may25, day(2023, 8, 12), true},
		{"夏", may25, day(2023, 8, 31), true},
		// the New Year holidays, as an office's other holidays: 明け is the 20th
		{"正月明け", nov15, day(2023, 1, 20), true},
		{"お正月明け", nov15, day(2023, 1, 20), true},
		{"お正月明けくらい", nov15, day(2023, 1, 20), true},
		{"正月休み明け", nov15, day(2023, 1, 20), true},
		{"年末年始明け", nov15, day(2023, 1, 20), true},
		{"年末年始明けの予定です", nov15, day(2023, 1, 20), true},
		{"冬休み明け", nov15, day(2023, 1, 20), true},
		{"冬季休暇明け", nov15, day(2023, 1, 20), true},
		{"松の内明け", nov15, day(2023, 1, 20), true},
		{"年末年始前", nov15, day(2022, 12, 28), true},
		{"正月前", nov15, day(2022, 12, 28), true},
		{"年始", nov15, day(2023, 1, 3), true},
		{"来年の正月明け", nov15, day(2023, 1, 20), true},
		{"正月明け", jan10, day(2023, 1, 20), true},
		{"正月明け", time.Date(2023, 1, 25, 10, 0, 0, 0, JST), day(2024, 1, 20), true},
		{"年末年始前", jan10, day(2023, 12, 28), true},
		{"年明け早々", nov15, day(2023, 1, 31), true},
		// the start of a season, or its end
		{"秋口", nov15, day(2023, 9, 30), true},
		{"秋口くらい", nov15, day(2023, 9, 30), true},
		{"初夏", nov15, day(2023, 6, 30), true},
		{"来年の初夏", nov15, day(2023, 6, 30), true},
		{"初秋", nov15, day(2023, 9, 30), true},
		{"早春", nov15, day(2023, 3, 31), true},
		{"晩夏", nov15, day(2023, 8, 31), true},
		{"晩秋", nov15, day(2022, 11, 30), true},
		// the new fiscal year: the April that comes, or the one under way
		{"新年度", nov15, day(2023, 4, 30), true},
		{"新年度から", nov15, day(2023, 4, 30), true},
		{"新年度早々", nov15, day(2023, 4, 30), true},
		{"新年度", jan10, day(2023, 4, 30), true},
		{"新年度", apr1, day(2023, 4, 30), true},
		{"新年度", may25, day(2024, 4, 30), true},
		// weeks run Monday to Sunday; 15 November 2022 is a Tuesday
		{"今週中", nov15, day(2022, 11, 20), true},
		{"今週末", nov15, day(2022, 11, 20), true},
		{"来週中", nov15, day(2022, 11, 27), true},
		{"来週末", nov15, day(2022, 11, 27), true},
		{"再来週中", nov15, day(2022, 12, 4), true},
		{"週明け", nov15, day(2022, 11, 21), true},
		{"週明け", time.Date(2022, 11, 21, 10, 0, 0, 0, JST), day(2022, 11, 28), true},
		{"今週中", time.Date(2022, 11, 20, 10, 0, 0, 0, JST), day(2022, 11, 20), true},
		// the start of a month
		{"月明け", nov15, day(2022, 12, 10), true},
		{"来月早々", nov15, day(2022, 12, 10), true},
		{"来月頭", nov15, day(2022, 12, 10), true},
		{"3月早々", nov15, day(2023, 3, 10), true},
		{"月明け", dec20, day(2023, 1, 10), true},
		// 年内中 says 年内 twice
		{"年内中", nov15, day(2022, 12, 31), true},
		{"年内中に", nov15, day(2022, 12, 31), true},
		// の between a month and its part; 末日 is the last day
		{"3月の頭", nov15, day(2023, 3, 10), true},
		{"3月の中旬", nov15, day(2023, 3, 20), true},
		{"3月の終わり", nov15, day(2023, 3, 31), true},
		{"3月の末", nov15, day(2023, 3, 31), false},
		{"3月末日", nov15, day(2023, 3, 31), false},
		{"再来月の初め", nov15, day(2023, 1, 10), true},
		{"来年3月の予定", nov15, day(2023, 3, 31), true},
		{"月内", nov15, day(2022, 11, 30), true},
		// once a period has begun: its start
		{"3月に入ってから", nov15, day(2023, 3, 10), true},
		{"4月に入ったら", nov15, day(2023, 4, 10), true},
		{"4月になったら", nov15, day(2023, 4, 10), true},
		{"来月になってから", nov15, day(2022, 12, 10), true},
		{"来年になってから", nov15, day(2023, 1, 31), true},
		{"年が明けたら", nov15, day(2023, 1, 31), true},
		{"年度が替わったら", nov15, day(2023, 4, 30), true},
		{"年度が変わってから", nov15, day(2023, 4, 30), true},
		// what the wait is for, said before it; the edge of a period
		{"工事まで2ヶ月", nov15, day(2023, 1, 15), true},
		{"導入まで半年", nov15, day(2023, 5, 15), true},
		{"納期3ヶ月", nov15, day(2023, 2, 15), true},
		{"3ヶ月待ち", nov15, day(2023, 2, 15), true},
		{"半年待ち", nov15, day(2023, 5, 15), true},
		{"年内いっぱい", nov15, day(2022, 12, 31), true},
		{"年内ギリギリ", nov15, day(2022, 12, 31), true},
		{"3月ぎりぎり", nov15, day(2023, 3, 31), true},
		{"GW明けすぐ", nov15, day(2023, 5, 20), true},
		{"お盆明け早々", nov15, day(2023, 8, 20), true},
		// right already
		{"来年の3月までには", nov15, day(2023, 3, 31), true},
		{"令和5年度中", nov15, day(2024, 3, 31), true},
		{"R5年度内", nov15, day(2024, 3, 31), true},
		{"3/31まで", nov15, day(2023, 3, 31), false},
		{"今月いっぱい", nov15, day(2022, 11, 30), true},
		{"来月中旬", nov15, day(2022, 12, 20), true},
		{"半年から1年", nov15, day(2023, 11, 15), true},
		{"早くて3月", nov15, day(2023, 3, 31), true},
		{"3〜4月", nov15, day(2023, 4, 30), true},
		{"契約から3ヶ月", nov15, day(2023, 2, 15), true},
		{"3か月後くらいになるとのこと", nov15, day(2023, 2, 15), true},
		{"来月末", nov15, day(2022, 12, 31), false},
		{"月末まで", nov15, day(2022, 11, 30), false},
		{"半年後", nov15, day(2023, 5, 15), true},
		{"2〜3ヶ月後", nov15, day(2023, 2, 15), true},
		{"年度末まで", nov15, day(2023, 3, 31), true},
		{"3月いっぱい", nov15, day(2023, 3, 31), true},
		{"1年以内", nov15, day(2023, 11, 15), true},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, tt.now)
		if err != nil || !got.Date.Equal(tt.want) || got.Approx != tt.approx {
			t.Errorf("ParseWhen(%q, %s) = %s approx=%v, %v; want %s approx=%v", tt.in, tt.now.Format("2006-01-02"),
				got.Date.Format("2006-01-02"), got.Approx, err, tt.want.Format("2006-01-02"), tt.approx)
		}
	}
	for _, in := range []string{"今年の春", "今春"} {
		if got, err := ParseWhen(in, nov15); !errors.Is(err, ErrPast) {
			t.Errorf("ParseWhen(%q) = %+v, %v; want ErrPast", in, got, err)
		}
	}
}

func TestLooksLikeDate(t *testing.T) {
	for _, in := range []string{"来年の春", "来春", "GW明け", "年度内", "3か月くらい", "2020年3月", "2月30日",
		"来年の春以降", "4月か5月", "令和4年", "30年後", "３月末", "秋以降", "今年度中に",
		// places no day: re-prompted, not sent to the FAQ
		"連休明け", "連休明けすぐ", "数ヶ月", "数週間", "梅雨明け", "上期中", "下期", "今期中", "初春",
		"4月以降", "補助金の期限までには", "期限内に"} {
		if !LooksLikeDate(in) {
			t.Errorf("LooksLikeDate(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"締め切りはいつ？", "3月末までに申し込めばいいですか", "いつまでに申し込めばいい",
		"DEF医療システム", "はい", "補助金の上限は？", "こんにちは", "", "カードリーダーの機種は何がありますか",
		strings.Repeat("3月", MaxInput)} {
		if LooksLikeDate(in) {
			t.Errorf("LooksLikeDate(%q) = true, want false", in)
		}
	}
}
