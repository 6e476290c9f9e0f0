package parse

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"deskbot/japan"
)

// Errors of ParseWhen.
var (
	ErrNotDate     = errors.New("parse: not a date or a duration")
	ErrInvalidDate = errors.New("parse: no such date")
	ErrPast        = errors.New("parse: date in the past")
	ErrTooFar      = errors.New("parse: date more than 10 years ahead")
)

// JST is Japan time (japan.Zone), in which dates are read.
var JST = japan.Zone

// When is a day as ParseWhen read it.
type When struct {
	Date         time.Time // midnight JST of the civil date
	FromDuration bool      // computed as now + a duration (「3か月」「半年後」「すぐ」), not named
	// Approx: the answer named no particular day — a month (「3月」), a part of one (「上旬」),
	// a season (「来春」), an office period (「年度内」「GW明け」), a duration (「3か月」), or a
	// hedge (「4月頃」「約半年」) — so Date is the later end the words allow, and the caller shows
	// its month with 頃 (2023年5月頃), not the day.
	Approx bool
}

// ParseWhen reads the day something will happen — the bot asks when operation will start —
// relative to now, in Japan time. It understands:
//
//   - dates: 「2023/3/31」「2023-03-31」「20230331」「2023年3月31日(金)」「令和5年3月31日」「R5.3.31」
//     「R5/3/31」「令和元年」; 平成 and 昭和 years too (always past); 「5年3月」「23年3月」, the
//     era left out, are read as whichever of 令和 or 20xx is within the next ten years;
//   - a month, meaning its last day: 「2023年3月」「令和5年3月末」「3月」「3月末」「来年2月」, or
//     its 上旬 (the 10th), 中旬 (the 20th), 下旬 (the last day); without a year, a month is this
//     year's if it has not ended, else next year's — so 「3月末」 asked in December is next
//     March, and 「11月10日」 asked on 15 November is ErrPast rather than a year away;
//   - periods, meaning their last day: 「来月」「再来月」「今月中」「年内」「来年」「年明け」
//     (next January)「年度内」「2023年度末」 (the fiscal year ends on 31 March);
//   - durations from today: 「3か月」「3ヶ月」「3カ月」「三か月」「半年後」「1年半」「2週間」「10日」
//     (a number of days, not the 10th)「1年」; and 「すぐ」「本日」 (today), 「明日」, 「来週」;
//   - weekdays: 「水曜日」「今度の金曜」 (the next one after today), 「今週金曜」「来週の水曜」
//     「再来週の月曜」 (of that Monday-to-Sunday week);
//   - weeks, Monday to Sunday, as their Sunday: 「今週中」「来週末」「再来週中」; 「週明け」 is
//     the coming Monday;
//   - seasons, as their last day: 春 March–May, 夏 June–August, 秋 September–November,
//     冬 December–February (「冬」 asked in January is the winter under way); 「春」「春ごろ」 is
//     the next spring not yet over, 「来春」「来年の春」 next year's, 「今年の秋」 this year's;
//     their start as their first month: 「春先」「秋口」「初夏」「早春」 (「初春」, also the New Year
//     of greetings, is not read);
//   - the start of a year, fiscal year or month, as its first month (or the month's 10th):
//     「来年度から」「来年度初め」「年度明け」「新年度」 (April), 「来年から」「来年早々」 (January),
//     「来月早々」「月明け」 (next month's 10th);
//   - office words: 「GW明け」 (20 May), 「GW前」, 「お盆明け」 (20 August), 「お盆前」 (an
//     office's 夏休み is its お盆), 「正月明け」「年末年始明け」 (20 January), 「年末年始前」
//     (28 December; an office's 冬休み is its New Year), the next one not yet past;
//     「上旬」「中旬」「下旬」 alone, of this month or, once past, the next;
//   - a period once begun, as its start: 「3月に入ってから」「来年になったら」「年が明けたら」
//     「年度が替わったら」;
//   - hedges around any of these: 「約3か月」「3月末までに」「4月頃の予定です」「年内ギリギリ」,
//     what the wait is for (「導入まで半年」「納期3ヶ月」「3ヶ月待ち」), の before a month's
//     part (「3月の中旬」), a note in brackets (「3月末（予定）」「年度内（3月末）」), who said it
//     and the courtesies of a message (「お世話になっております。業者からは3月末と聞いています」),
//     and ranges, read as their later end: 「2〜3か月」「3月から4月」.
//
// Approx is set for everything but a named day (「3月31日」「3月末」「明日」).
//
// Words that place no day are not guessed: 「連休明け」 (which holidays?), 「上期中」 (whose
// fiscal year?), 「数か月」 are ErrNotDate, and LooksLikeDate is true for them, so the caller
// asks again rather than send them to the FAQ.
//
// Errors: ErrNotDate (not understood, or 「未定」), ErrInvalidDate (「2月30日」「13月」), ErrPast
// (before today, or 「稼働済み」), ErrTooFar (more than 10 years ahead).
func ParseWhen(s string, now time.Time) (When, error) {
	t, ok := prepare(s)
	if !ok {
		return When{}, ErrNotDate
	}
	n := now.In(JST)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, JST)

	w, err := readWhen(t, today)
	if err != nil {
		return When{}, err
	}
	switch {
	case w.Date.Before(today):
		return When{}, ErrPast
	case w.Date.After(today.AddDate(10, 0, 0)):
		return When{}, ErrTooFar
	}
	return w, nil
}

var (
	reWeekday  = regexp.MustCompile(`\((?:月|火|水|木|金|土|日)(?:曜日?)?\)|\((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)`)
	reNumRange = regexp.MustCompile(`^\d{1,3}(?:[,、〜~-]|から)(\d{1,3}(?:年|か月|ヶ月|ヵ月|カ月|ケ月|箇月|週|日).*)$`)

	era  = `(令和|平成|昭和|r|h|s)`
	part = `の?(末日|末|中|上旬|初旬|初め|はじめ|頭|早々|中旬|半ば|なかば|中頃|下旬|終わり|おわり|いっぱい)?`

	reYMD   = regexp.MustCompile(`^(?:` + era + `(\d{1,2})[年./-]|(\d{4})[年./-]|(\d{1,2})[年./-])(\d{1,2})[月./-](\d{1,2})日?$`)
	reYMD8  = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	reYM    = regexp.MustCompile(`^(?:` + era + `(\d{1,2})[年./-]|(\d{4})[年./-]|(\d{1,2})年)(\d{1,2})月?` + part + `$`)
	reY     = regexp.MustCompile(`^(?:` + era + `(\d{1,2})年?|(\d{4})年?)(末|中|内)?$`)
	reFY    = regexp.MustCompile(`^(?:` + era + `(\d{1,2})|(\d{4})|(今|本|当|来|再来)?)年度(末|中|内)?$`)
	reMD    = regexp.MustCompile(`^(今年|来年|再来年)?の?(\d{1,2})[月/](\d{1,2})日?$`)
	reM     = regexp.MustCompile(`^(今年|来年|再来年)?の?(\d{1,2})月` + part + `$`)
	reRelM  = regexp.MustCompile(`^(今月|来月|翌月|再来月|翌々月)(?:(\d{1,2})日|` + part + `)$`)
	reRelY  = regexp.MustCompile(`^(今年|来年|翌年|再来年)(末|中|内)?$`)
	reDur   = regexp.MustCompile(`^(\d{1,5}(?:\.\d)?)(年|か月|ヶ月|ヵ月|カ月|ケ月|箇月|かげつ|週|日)(半)?(間)?$`)
	reDurYM = regexp.MustCompile(`^(\d{1,3})年(\d{1,2})(?:か月|ヶ月|ヵ月|カ月|ケ月|箇月)(間)?$`)

	whenPrefixes = []string{"約", "およそ", "おおよそ", "大体", "だいたい", "たぶん", "多分", "おそらく", "恐らく",
		"ギリギリ", "ぎりぎり", "導入まで", "工事まで", "稼働まで", "開始まで", "運用開始まで", "納品まで", "納期は", "納期",
		"予定では", "早ければ", "最短で", "最短", "早くて", "遅くとも", "遅くても", "遅くて", "今から", "これから",
		"ここから", "あと", "後", "ほぼ", "運用開始は", "稼働開始は", "稼働は", "開始は", "導入は", "予定は", "見込みは"}
	whenSuffixes = []string{"を予定しています", "を予定しております", "予定しています", "を予定",
		"くらいかかると言われました", "かかると言われました", "と言われました", "と言われた",
		"とのことです", "とのこと", "と聞いています", "の見込みです", "見込みです", "の見込み", "見込み", "見込",
		"と言われています", "と言っていました", "との回答でした", "との回答", "の予定です", "予定です", "の予定", "予定", "を目途に", "を目処に", "目途", "目処", "めど", "を目標に",
		"目標", "を目指して", "目指して", "までには", "までに", "まで", "頃に", "ごろに", "頃", "ごろ", "ころ",
		"くらいで", "ぐらいで", "くらい", "ぐらい", "位", "程度", "ほど", "前後", "以内に", "以内", "以上",
		"ギリギリ", "ぎりぎり", "いっぱい", "待ち", "ちょっと", "ちょい", "に間に合うように", "に間に合わせる", "に間に合う", "の期限", "期限",
		"かかります", "かかる", "掛かります", "掛かる", "になりそうです", "になりそう", "になります", "になる",
		"です", "でした", "には", "後に", "後", "先", "運用開始", "稼働開始", "開始", "稼働", "導入", "完了",
		"から", "より", "弱", "強", "の", "に", "で", "!", ".", "。", "?", "、", ",",
	}
)

// immediate words are days from today.
var immediate = map[string]int{
	"すぐ": 0, "すぐに": 0, "今すぐ": 0, "直ちに": 0, "ただちに": 0, "即": 0, "即日": 0, "即時": 0,
	"今日": 0, "本日": 0, "きょう": 0, "今": 0, "いま": 0, "now": 0, "today": 0, "asap": 0, "至急": 0,
	"早急": 0, "明日": 1, "あした": 1, "あす": 1, "tomorrow": 1, "明後日": 2, "あさって": 2,
	"来週": 7, "翌週": 7, "再来週": 14, "半月": 15,
}

func readWhen(t string, today time.Time) (When, error) {
	t = strings.ToLower(t)
	t = strings.NewReplacer(" ", "", "元年", "1年", "ひと月", "1か月", "ふた月", "2か月", "〜", "~").Replace(t)
	t = kanjiToDigits(t)
	t = reWeekday.ReplaceAllString(t, "")
	// 「お世話になっております。業者からは3月末と聞いています。」: the courtesies of a
	// message and who said it are not the date.
	t = courtesies.Replace(t)
	t = strings.Trim(t, "。、.,!")
	t = trimAny(t, reporters, nil)

	for _, w := range []string{"済", "稼働中", "運用中", "既に", "すでに"} {
		if strings.Contains(t, w) {
			return When{}, ErrPast // 「導入済みです」: already running
		}
	}
	// A range counts as its later end: 「2〜3か月」「3月から4月」.
	before := t
	t = reNumRange.ReplaceAllString(t, "$1")
	if i := strings.LastIndex(t, "~"); i >= 0 {
		if r := t[i+1:]; r != "" {
			t = r
		} else {
			t = t[:i]
		}
	}
	if l, r, ok := strings.Cut(t, "から"); ok && l != "" && trimAny(r, whenPrefixes, whenSuffixes) != "" {
		t = r // 「3月から4月」, but not 「4月からの予定です」
		if l == "今" || l == "いま" || l == "これ" || l == "ここ" {
			before = t // 「今から3か月」 counts from today: not a range
		}
	}
	ranged := t != before
	// 「来年度から」「来年から」「来年度の初め」 start then: read as the first month, not the
	// period's end.
	// (「今年度から」 has begun already: it stays the period, as before.)
	t = reFromStart.ReplaceAllString(t, "${1}初め")
	// 「3月に入ってから」「来年になったら」「年が明けたら」: when that period has begun.
	t = reOnceBegun.ReplaceAllString(t, "${1}初め")
	t = periodBegun.Replace(t)

	w, err := matchWhen(t, today)
	if err == errNoMatch {
		w, err = matchWhen(trimAny(t, whenPrefixes, whenSuffixes), today)
	}
	if a, b, ok := parenthetical(t); ok && err == errNoMatch {
		// 「3月末(予定)」「年度内(3月末)」: the words before the brackets, else those in them.
		if w, err = readWhen(a, today); err == ErrNotDate {
			w, err = readWhen(b, today)
		}
		if err == ErrNotDate {
			err = errNoMatch
		}
	}
	if err == errNoMatch {
		return When{}, ErrNotDate
	}
	w.Approx = w.Approx || ranged || containsAny(t, whenHedges)
	return w, err
}

// parenthetical splits 「A(B)」 into A and B.
func parenthetical(t string) (a, b string, ok bool) {
	i := strings.IndexByte(t, '(')
	if i <= 0 || !strings.HasSuffix(t, ")") {
		return "", "", false
	}
	return t[:i], t[i+1 : len(t)-1], true
}

var (
	// courtesies are the set phrases that open or close an office's message.
	courtesies = strings.NewReplacer("お世話になっております", "", "お世話になります", "", "お疲れ様です", "",
		"よろしくお願いいたします", "", "よろしくお願い致します", "", "よろしくお願いします", "", "宜しくお願いします", "",
		"宜しくお願い致します", "", "ありがとうございます", "")
	// reporters say who gave the date: 「業者からは」「先方によると」.
	reporters = []string{"業者さんからは", "業者さんから", "業者からは", "業者から", "業者によると", "業者の話では",
		"業者さんは", "業者は", "先方からは", "先方によると", "先方は", "ベンダーからは", "メーカーからは"}
)

// whenHedges mark a date said as approximate.
var whenHedges = []string{"頃", "ごろ", "ころ", "くらい", "ぐらい", "位", "程度", "ほど", "前後", "約", "およそ",
	"ちょっと", "ちょい",
	"大体", "だいたい", "たぶん", "多分", "おそらく", "恐らく", "弱", "強", "目途", "目処", "めど", "早ければ",
	"最短", "遅くとも", "遅くても"}

// errNoMatch is matchWhen's "no form matched": the caller tries again or gives ErrNotDate.
var errNoMatch = errors.New("no match")

// matchWhen tries every form on the whole of t.
func matchWhen(t string, today time.Time) (When, error) {
	if t == "" {
		return When{}, errNoMatch
	}
	y, mo := today.Year(), today.Month()
	monthOf := func(y, m int, part string) (When, error) {
		if m < 1 || m > 12 {
			return When{}, ErrInvalidDate
		}
		return When{Date: time.Date(y, time.Month(m), partDay(y, m, part), 0, 0, 0, 0, JST), Approx: part != "末" && part != "末日"}, nil
	}
	// nextYear is the year of month m seen from today: this year's unless it has ended.
	nextYear := func(rel string, m int) int {
		switch rel {
		case "今年":
			return y
		case "来年":
			return y + 1
		case "再来年":
			return y + 2
		}
		if m < int(mo) {
			return y + 1
		}
		return y
	}

	if d, ok := immediate[t]; ok {
		return When{Date: today.AddDate(0, 0, d), FromDuration: true, Approx: d >= 7}, nil
	}
	switch t {
	case "月末", "今月末":
		return monthOf(y, int(mo), "末")
	case "今月中", "今月内", "月内":
		return monthOf(y, int(mo), "")
	case "年内", "年末", "今年中", "今年内", "今年末", "年内中":
		return approx(civil(y, 12, 31))
	case "年明け", "年明け早々", "年明けすぐ":
		return approx(civil(y+1, 1, 31))
	case "月明け", "月明けすぐ", "月明け早々":
		next := time.Date(y, mo+1, 1, 0, 0, 0, 0, JST)
		return monthOf(next.Year(), int(next.Month()), "初め")
	case "今週中", "今週末", "今週いっぱい", "来週中", "来週末", "来週いっぱい", "再来週中", "再来週末":
		// To the week's Sunday: offices count weeks from Monday.
		weeks := 0
		switch {
		case strings.HasPrefix(t, "来"):
			weeks = 1
		case strings.HasPrefix(t, "再来"):
			weeks = 2
		}
		sunday := today.AddDate(0, 0, (7-int(today.Weekday()))%7+7*weeks)
		return When{Date: sunday, Approx: true}, nil
	case "週明け":
		// The coming Monday; said on a Monday, the next one.
		days := (8 - int(today.Weekday())) % 7
		if days == 0 {
			days = 7
		}
		return When{Date: today.AddDate(0, 0, days), Approx: true}, nil
	case "半年":
		return When{Date: addMonths(today, 6), FromDuration: true, Approx: true}, nil
	case "上旬", "初旬", "中旬", "下旬":
		w, _ := monthOf(y, int(mo), t)
		if w.Date.Before(today) {
			next := time.Date(y, mo+1, 1, 0, 0, 0, 0, JST)
			return monthOf(next.Year(), int(next.Month()), t)
		}
		return w, nil
	}
	if m := reWeekdayOf.FindStringSubmatch(t); m != nil {
		return weekdayOf(m[1], m[2], today), nil
	}
	if m := reFYStart.FindStringSubmatch(t); m != nil && strings.HasPrefix(t, "新") {
		// 新年度: the fiscal year that begins next, or the one begun this April.
		if mo > time.April {
			y++
		}
		return monthOf(y, 4, "")
	} else if m != nil {
		fy, err := fiscalYear(m, y, mo)
		if err != nil {
			return When{}, err
		}
		if m[4] == "" && m[2] == "" && m[3] == "" && m[5] == "明け" {
			fy++ // 年度明け: when the next one begins
		}
		return monthOf(fy, 4, "")
	}
	if m := reYearStart.FindStringSubmatch(t); m != nil {
		return monthOf(y+map[string]int{"来年": 1, "翌年": 1, "再来年": 2}[m[1]], 1, "")
	}
	if m := reSeason.FindStringSubmatch(t); m != nil && !(m[2] == "初" && m[3] == "春") {
		// 初春 is also the New Year, in greetings: not read.
		part := m[4]
		if m[2] == "初" || m[2] == "早" {
			part = "先"
		}
		return season(m[1], m[3], part, today)
	}
	if m := reHoliday.FindStringSubmatch(t); m != nil {
		return holiday(m[1], m[2], m[3], today)
	}
	if m := reYMD.FindStringSubmatch(t); m != nil {
		year, err := yearOf(m[1], m[2], m[3], m[4], y)
		if err != nil {
			return When{}, err
		}
		return civil(year, atoi(m[5]), atoi(m[6]))
	}
	if m := reYMD8.FindStringSubmatch(t); m != nil {
		return civil(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := reYM.FindStringSubmatch(t); m != nil {
		year, err := yearOf(m[1], m[2], m[3], m[4], y)
		if err != nil {
			return When{}, err
		}
		return monthOf(year, atoi(m[5]), m[6])
	}
	if m := reY.FindStringSubmatch(t); m != nil {
		year, err := yearOf(m[1], m[2], m[3], "", y)
		if err != nil {
			return When{}, err
		}
		return approx(civil(year, 12, 31))
	}
	if m := reFY.FindStringSubmatch(t); m != nil {
		fy, err := fiscalYear(m, y, mo)
		if err != nil {
			return When{}, err
		}
		return approx(civil(fy+1, 3, 31))
	}
	if m := reMD.FindStringSubmatch(t); m != nil {
		month := atoi(m[2])
		return civil(nextYear(m[1], month), month, atoi(m[3]))
	}
	if m := reM.FindStringSubmatch(t); m != nil {
		month := atoi(m[2])
		return monthOf(nextYear(m[1], month), month, m[3])
	}
	if m := reRelM.FindStringSubmatch(t); m != nil {
		first := time.Date(y, mo, 1, 0, 0, 0, 0, JST)
		switch m[1] {
		case "来月", "翌月":
			first = first.AddDate(0, 1, 0)
		case "再来月", "翌々月":
			first = first.AddDate(0, 2, 0)
		}
		if m[2] != "" {
			return civil(first.Year(), int(first.Month()), atoi(m[2]))
		}
		return monthOf(first.Year(), int(first.Month()), m[3])
	}
	if m := reRelY.FindStringSubmatch(t); m != nil {
		switch m[1] {
		case "来年", "翌年":
			return approx(civil(y+1, 12, 31))
		case "再来年":
			return approx(civil(y+2, 12, 31))
		}
		return approx(civil(y, 12, 31))
	}
	if m := reDurYM.FindStringSubmatch(t); m != nil {
		return When{Date: addMonths(today, atoi(m[1])*12+atoi(m[2])), FromDuration: true, Approx: true}, nil
	}
	if m := reDur.FindStringSubmatch(t); m != nil {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return When{}, ErrNotDate
		}
		half := m[3] != ""
		var d time.Time
		switch m[2] {
		case "年":
			months := int(math.Round(v * 12))
			if half {
				months += 6
			}
			d = addMonths(today, months)
		case "週":
			if half {
				return When{}, ErrNotDate
			}
			d = today.AddDate(0, 0, int(math.Round(v*7)))
		case "日":
			if half {
				return When{}, ErrNotDate
			}
			d = today.AddDate(0, 0, int(math.Round(v)))
		default: // months
			whole := int(v)
			days := int(math.Round((v - float64(whole)) * 30))
			if half {
				days += 15
			}
			d = addMonths(today, whole).AddDate(0, 0, days)
		}
		return When{Date: d, FromDuration: true, Approx: true}, nil
	}
	return When{}, errNoMatch
}

// weekdayOf is the day a weekday names (「水曜」「来週の水曜日」「今度の金曜」): of this week
// (Monday to Sunday, 今週), next week (来週) or the one after (再来週), or, alone or with 今度
// or 次, the next such day after today.
func weekdayOf(week, name string, today time.Time) When {
	wd := time.Weekday(strings.Index("日月火水木金土", name) / len("日"))
	if week == "" || week == "今度" || week == "次" {
		days := (int(wd) - int(today.Weekday()) + 7) % 7
		if days == 0 {
			days = 7
		}
		return When{Date: today.AddDate(0, 0, days)}
	}
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	weeks := map[string]int{"今週": 0, "来週": 1, "再来週": 2}[week]
	return When{Date: monday.AddDate(0, 0, 7*weeks+(int(wd)+6)%7)}
}

// fiscalYear is the 年度 (April to March) a match of reFY or reFYStart names: an era or
// Western year (m[1]–m[3]), or one relative to the one under way at y/mo (m[4]: 来, 翌,
// 再来; 今, 本, 当 or nothing for the current one).
func fiscalYear(m []string, y int, mo time.Month) (int, error) {
	if m[2] != "" || m[3] != "" {
		return yearOf(m[1], m[2], m[3], "", y)
	}
	fy := y
	if mo < time.April {
		fy--
	}
	switch m[4] {
	case "来", "翌":
		fy++
	case "再来":
		fy += 2
	}
	return fy, nil
}

// approx marks a day read from a period as approximate.
func approx(w When, err error) (When, error) {
	w.Approx = err == nil
	return w, err
}

var (
	reOnceBegun = regexp.MustCompile(`^(.*(?:月|年))(?:に入って(?:から)?|に入ったら|になって(?:から)?|になったら)$`)
	periodBegun = strings.NewReplacer("年が明けたら", "年明け", "年が明けてから", "年明け", "年度が替わったら", "年度明け",
		"年度が変わったら", "年度明け", "年度が替わってから", "年度明け", "年度が変わってから", "年度明け")
	reWeekdayOf = regexp.MustCompile(`^(今週|来週|再来週|今度|次)?の?([月火水木金土日])曜日?$`)
	reFromStart = regexp.MustCompile(`((?:来|翌|再来|新|\d)年度|来年|翌年|再来年)の?(?:から|はじめ|初め|始め|頭|当初|早々)`)
	reFYStart   = regexp.MustCompile(`^(?:` + era + `(\d{1,2})|(\d{4})|(来|翌|再来))?年度(初め|明け)$|^新年度(初め)?$`)
	reYearStart = regexp.MustCompile(`^(今年|来年|翌年|再来年)初め$`)
	reSeason    = regexp.MustCompile(`^(今年|来年|翌年|再来年|今|本|来|翌|再来)?の?(初|早|晩)?(春|夏|秋|冬)(先|口|頃|ごろ|中|の終わり|終わり|末|いっぱい)?$`)
	reHoliday   = regexp.MustCompile(`^(今年|来年|再来年)?の?(gw|ゴールデンウィーク|ゴールデンウイーク|大型連休|お盆休み|お盆|盆休み|盆|夏休み|夏季休暇|夏期休暇|` +
		`お正月休み|お正月|正月休み|正月|年末年始休み|年末年始|年始|冬休み|冬季休暇|冬期休暇|松の内)((?:明け|あけ)(?:すぐ|早々)?|後|過ぎ|すぎ|前|中)?$`)
)

// season is the last day of a season (the first month's for 「春先」「秋口」「初夏」, part 先
// or 口): of the year rel
// names, or, without one, the next season of that name not yet over. 冬 belongs to the year
// of its December and ends in February of the next.
func season(rel, name, part string, today time.Time) (When, error) {
	first := map[string]int{"春": 3, "夏": 6, "秋": 9, "冬": 12}[name]
	last := first + 2
	if part == "先" || part == "口" {
		last = first
	}
	end := func(y int) time.Time {
		e := time.Date(y, time.Month(last)+1, 1, 0, 0, 0, 0, JST) // the day after, in any year
		return e.AddDate(0, 0, -1)
	}
	y := today.Year()
	switch rel {
	case "今年", "今", "本":
	case "来年", "翌年", "来", "翌":
		y++
	case "再来年", "再来":
		y += 2
	default:
		y-- // the winter under way in January
		for end(y).Before(today) {
			y++
		}
	}
	return When{Date: end(y), Approx: true}, nil
}

// The office holidays, by the days that 前, 中, the bare name and 明け stand for.
const (
	goldenWeek = iota
	obon
	newYear
)

var holidayDays = [3][4]struct {
	m time.Month
	d int
}{
	goldenWeek: {{time.April, 28}, {time.May, 3}, {time.May, 6}, {time.May, 20}},
	obon:       {{time.August, 12}, {time.August, 15}, {time.August, 16}, {time.August, 20}},
	newYear:    {{time.December, 28}, {time.January, 3}, {time.January, 3}, {time.January, 20}},
}

// holidayOf names the holiday an office word is about: an office's summer holiday (夏休み,
// 夏季休暇) is its お盆, its winter one (冬休み, 正月休み, 年末年始) the New Year.
func holidayOf(name string) int {
	switch {
	case strings.Contains(name, "盆") || strings.Contains(name, "夏"):
		return obon
	case strings.Contains(name, "正月") || strings.Contains(name, "年") || strings.Contains(name, "冬") ||
		name == "松の内":
		return newYear
	}
	return goldenWeek
}

// holiday is the day an office word about Golden Week, お盆 or the New Year stands for:
// before it, during it, its end, or the days after it (GW明け 20 May, お盆明け 20 August,
// 正月明け 20 January), this year's unless past, or of the year rel names.
func holiday(rel, name, part string, today time.Time) (When, error) {
	k := 2
	switch strings.TrimSuffix(strings.TrimSuffix(part, "すぐ"), "早々") {
	case "前":
		k = 0
	case "中":
		k = 1
	case "明け", "あけ", "後", "過ぎ", "すぎ":
		k = 3
	}
	h := holidayDays[holidayOf(name)][k]
	y := today.Year()
	switch rel {
	case "来年":
		y++
	case "再来年":
		y += 2
	case "":
		if time.Date(y, h.m, h.d, 0, 0, 0, 0, JST).Before(today) {
			y++
		}
	}
	return When{Date: time.Date(y, h.m, h.d, 0, 0, 0, 0, JST), Approx: true}, nil
}

// yearOf reads a year given with an era (令和5, R5), in full (2023) or as two digits without
// an era (「5年3月」「23年3月」): 20xx or 令和xx, whichever falls in the next ten years.
func yearOf(eraName, eraYear, full, short string, thisYear int) (int, error) {
	switch {
	case eraName != "":
		e := atoi(eraYear)
		switch eraName {
		case "令和", "r":
			if e < 1 {
				return 0, ErrInvalidDate
			}
			return 2018 + e, nil
		case "平成", "h":
			if e < 1 || e > 31 {
				return 0, ErrInvalidDate
			}
			return 1988 + e, nil
		default: // 昭和
			if e < 1 || e > 64 {
				return 0, ErrInvalidDate
			}
			return 1925 + e, nil
		}
	case full != "":
		return atoi(full), nil
	}
	n := atoi(short)
	western, reiwa := 2000+n, 2018+n
	inRange := func(y int) bool { return y >= thisYear && y <= thisYear+10 }
	if !inRange(western) && inRange(reiwa) && n >= 1 {
		return reiwa, nil
	}
	return western, nil
}

// partDay is the day a part of a month stands for: 上旬 the 10th, 中旬 the 20th, otherwise
// (末, 下旬, 中, nothing) the last day.
func partDay(y, m int, part string) int {
	switch part {
	case "上旬", "初旬", "初め", "はじめ", "頭", "早々":
		return 10
	case "中旬", "半ば", "なかば", "中頃":
		return 20
	}
	return daysIn(y, time.Month(m))
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, JST).Day()
}

// civil is the date y-m-d, or ErrInvalidDate if there is no such day.
func civil(y, m, d int) (When, error) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return When{}, ErrInvalidDate
	}
	return When{Date: time.Date(y, time.Month(m), d, 0, 0, 0, 0, JST)}, nil
}

// addMonths adds k months to t, keeping the day but clamping it to the month's end
// (30 November + 3 months is 28 February, not 2 March).
func addMonths(t time.Time, k int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, JST).AddDate(0, k, 0)
	d := min(t.Day(), daysIn(first.Year(), first.Month()))
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, JST)
}

// atoi reads a short run of ASCII digits (the regexps bound their length).
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// kanjiToDigits rewrites kanji numerals as ASCII digits: 三か月 → 3か月, 十二月 → 12月,
// 二〇二三年 → 2023年, 三十一日 → 31日. A run that is not a well-formed number is kept.
func kanjiToDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return isKanjiDigit(r) || smallUnit(r) > 0 }) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isKanjiDigit(rs[i]) && smallUnit(rs[i]) == 0 {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && (isKanjiDigit(rs[j]) || smallUnit(rs[j]) > 0) {
			j++
		}
		if v, ok := kanjiNumber(rs[i:j]); ok {
			b.WriteString(strconv.Itoa(v))
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

// kanjiNumber reads kanji digits and 十百千 (below 10,000), positional or not.
func kanjiNumber(rs []rune) (int, bool) {
	if len(rs) > 8 {
		return 0, false
	}
	section, num, hasNum, last := 0, 0, false, 1<<30
	for _, r := range rs {
		if d := digitValue(r); d >= 0 {
			num, hasNum = num*10+d, true
			continue
		}
		u := int(smallUnit(r))
		if u >= last {
			return 0, false
		}
		last = u
		if !hasNum {
			num = 1
		}
		section += num * u
		num, hasNum = 0, false
	}
	return section + num, true
}

// LooksLikeDate reports whether s reads as an answer about when — a date, a month, a season,
// an office period or a duration — even one ParseWhen refuses (past, no such day, too far)
// or cannot place (「4月か5月」「来年の春以降」), so that the caller re-prompts for a date rather
// than send it to the FAQ. A question (「締め切りはいつ？」「3月末までに申し込めばいい？」) is not
// an answer: it is false unless ParseWhen reads the whole text as a date.
func LooksLikeDate(s string) bool {
	t, ok := prepare(s)
	if !ok {
		return false
	}
	// Any "now" will do: what is past or too far from it still looks like a date.
	if _, err := ParseWhen(t, time.Date(2000, 1, 1, 0, 0, 0, 0, JST)); !errors.Is(err, ErrNotDate) {
		return true
	}
	if IsQuestion(t) || utf8.RuneCountInString(t) > 30 {
		return false
	}
	t = kanjiToDigits(strings.ToLower(t))
	return reDateish.MatchString(t) || containsAny(t, dateWords)
}

var (
	reDateish = regexp.MustCompile(`(?:\d|数|何)\s*(?:年|月|日|か月|ヶ月|カ月|ヵ月|週|/\d)|(?:令和|平成|r)\s*\d`)
	// dateWords make an answer about when, even one that names no day the bot can place
	// (「連休明け」: which holidays?, 「下期中」: whose fiscal year?).
	dateWords = []string{"春", "夏", "秋", "冬", "上旬", "中旬", "下旬", "初旬", "年度", "年明け", "年末", "年内",
		"来年", "今年", "再来年", "来月", "今月", "再来月", "月末", "半年", "gw", "ゴールデンウィーク", "お盆",
		"すぐ", "未定", "連休", "正月", "年始", "梅雨", "週明け", "今週", "来週", "今期", "来期", "上期", "下期",
		"上半期", "下半期", "期中", "期限", "間に合"}
)
