package parse

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors of ParseYen.
var (
	ErrNotAmount = errors.New("parse: not an amount of yen")
	ErrNegative  = errors.New("parse: negative amount")
	ErrZero      = errors.New("parse: zero amount")
	ErrTooLarge  = errors.New("parse: amount over 10億円")
)

// MaxYen is the largest amount ParseYen accepts: 10億円, far above any quote for this work.
const MaxYen = 1_000_000_000

// Period says how often an amount is paid.
type Period int

const (
	Once    Period = iota // a one-off amount (the default when nothing says otherwise)
	Monthly               // 月額, 月々, 毎月, 月1万, 1万円/月
	Yearly                // 年額, 年間, 毎年, 年12万, 12万/年
)

// String returns the constant's name.
func (p Period) String() string {
	switch p {
	case Monthly:
		return "Monthly"
	case Yearly:
		return "Yearly"
	}
	return "Once"
}

// Amount is an amount of yen as ParseYen or ParseAmount read it, or as DecodeAmount read it
// back from its String form. It is comparable; the zero value is 0円, said as nothing more.
type Amount struct {
	// Yen is the amount, or the upper end of a range — the safe side to judge against a cap:
	// 1 ≤ Yen ≤ MaxYen from ParseYen, 0 ≤ Yen ≤ MaxYen from ParseAmount.
	Yen int64
	// Low is the lower end of a range (「50万〜60万」 keeps 500000 here and 600000 in Yen); 0
	// when the amount is not a range (or the range starts at 0).
	Low int64
	// Period is how often the amount is paid; Once when nothing says otherwise.
	Period Period
	// PeriodSaid reports that the text named the period: 月額 or 年額 (always, for Monthly
	// and Yearly) or a one-off (一括, 初期費用, 買い切り…). A step that needs 月額 or 年額 asks
	// when it is false.
	PeriodSaid bool
	// Approx: said to be approximate (約, くらい, 程度, 前後, ほど…) or given as a range.
	Approx bool
	// Tax is whether consumption tax is included, as the text said: 税込, 税別, or not said.
	Tax Tax
	// Bare: the number came without 円, ¥ or a unit (「5」「429000」); with Small, a sign that
	// the clinic may have meant 万.
	Bare bool
}

// Tax is the consumption-tax basis an amount was given with.
type Tax int

const (
	TaxUnstated Tax = iota // nothing said: 不明
	TaxIncluded            // 税込, 内税, 消費税込み
	TaxExcluded            // 税別, 税抜, 外税, +税, 消費税別
)

// String returns the constant's name.
func (t Tax) String() string {
	switch t {
	case TaxIncluded:
		return "TaxIncluded"
	case TaxExcluded:
		return "TaxExcluded"
	}
	return "TaxUnstated"
}

// TaxRate is the consumption tax, in percent, that WithTax adds to a 税別 amount.
const TaxRate = 10

// SmallYen is the amount below which Small reports an amount as doubtful.
const SmallYen = 1000

// PerYear is the amount paid in a year: Monthly ×12; Yearly and Once as they are.
func (a Amount) PerYear() int64 {
	if a.Period == Monthly {
		return a.Yen * 12
	}
	return a.Yen
}

// WithTax is the amount to judge against a cap that includes tax: a 税別 amount with
// TaxRate percent added (both ends of a range, rounded down to the yen, as invoices do),
// marked TaxIncluded; any other amount as it is. A caller saying that tax was added should
// check a.Tax == TaxExcluded.
func (a Amount) WithTax() Amount {
	if a.Tax != TaxExcluded {
		return a
	}
	a.Yen = a.Yen * (100 + TaxRate) / 100
	a.Low = a.Low * (100 + TaxRate) / 100
	a.Tax = TaxIncluded
	return a
}

// TaxMatters reports whether the unstated tax basis decides how the amount compares with
// limit: a.Yen is within limit, but with tax it would not be. The caller then asks 税込 or 税別.
func (a Amount) TaxMatters(limit int64) bool {
	return a.Tax == TaxUnstated && a.Yen <= limit && a.Yen*(100+TaxRate)/100 > limit
}

// Small reports an amount far below any quote for this work (0 < Yen < SmallYen): 「5」,
// 「500円」. The caller confirms it («5円でよろしいですか») rather than take it as said.
func (a Amount) Small() bool { return a.Yen > 0 && a.Yen < SmallYen }

// IsRange reports whether the amount was given as a range with a lower end above 0.
func (a Amount) IsRange() bool { return a.Low > 0 }

// ParseYen reads an amount of yen: 「65万円」「42万9千円」「４２９，０００円」「¥429,000」
// 「1.5万」「0.5百万」「二十万円」 (kanji numerals, positional or with 十百千万億), with a period
// (「月額1万5千円」「月1.5万」「年12万」「12万/年」「1年あたり12万円」), a tax basis (「42万円+税」
// 「429,000円（税別）」「税抜42万」「本体価格42万」「税込46.2万」「込み込みで50万」「42万（消費税別）」
// 「46.2万円（うち消費税4.2万円）」) and hedges (「約50万」「50万くらい」「100万円程度」
// 「42万ちょっと」). A range (「50〜60万円」「50万から60万」, and 「42万円台」, which is 42万 to
// 429,999円) gives its upper end in Yen and its lower end in Low, Approx: the bot compares
// amounts against a cap, and the upper end is the safe side. An amount paid at another
// interval (「半年ごとに6万」「四半期ごと」「週1万」) is ErrNotAmount, not 年額 or a one-off, and so
// is a price per reader (「42万円/台」「1台あたり42万」, 「単価」).
//
// Words around the amount are allowed when the amount says it is money (円, ¥, 万…):
// 「保守料は月額1万円です」. A bare number (「429000」) must stand alone (Bare is then set), and a
// number glued to Latin letters is part of a word, not an amount (「1Gbps」; so 「¥1.5M」 is not
// read). Two amounts that are not a range (「初期50万、月1万」), vague ones (「数十万」) and other
// currencies give ErrNotAmount; 「-5万」「マイナス5万」「▲5万」 give ErrNegative; 「0円」「無料」
// 「タダ」「かからない」 give ErrZero — use ParseAmount where zero is an answer; more than MaxYen
// gives ErrTooLarge. Fractions of a yen are rounded.
func ParseYen(s string) (Amount, error) {
	a, err := ParseAmount(s)
	if err == nil && a.Yen == 0 {
		return Amount{}, ErrZero
	}
	return a, err
}

// ParseAmount is ParseYen for a step where zero is a meaningful answer (maintenance, a
// line's monthly fee): 「無料」「0円」「タダ」「かかりません」「保守料は不要です」「保守料なし」, or
// 「なし」 as the whole answer, give Yen 0 and no error (「見積もりなし」 is not a price), with the period if one was said (「月額0円」); 「無料ではない」 is ErrNotAmount.
func ParseAmount(s string) (Amount, error) {
	t, ok := prepare(s)
	if !ok {
		return Amount{}, ErrNotAmount
	}
	t = strings.ToLower(t)
	if strings.Contains(t, "税") {
		t = reTaxRate.ReplaceAllString(t, "") // 「＋消費税10%」: the rate is not a second amount
	}
	t = reTaxPart.ReplaceAllString(t, "税込") // 「46.2万円（うち消費税4.2万円）」: the tax is part of it
	t = reOneMonth.ReplaceAllString(t, "月$1")
	t = reOneYear.ReplaceAllString(t, "年$1")
	rs := []rune(t)

	var (
		exprs []yenExpr
		rest  []string // rest[k] is the text before exprs[k]; the last one follows the last expr
		from  int
	)
	for i := 0; i < len(rs); {
		if !canStartAmount(rs, i) {
			i++
			continue
		}
		e, end, err := scanAmount(rs, i)
		if err != nil {
			return Amount{}, err
		}
		if end == i {
			i++
			continue
		}
		if !e.money && !e.digits || end < len(rs) && isASCIILetter(rs[end]) {
			// A kanji numeral that is not an amount (一括, 千葉, 三社, 十分), or a number
			// that is part of a word (1Gbps, 5G, ¥1.5M). Leave it as text.
			i = end
			continue
		}
		rest = append(rest, string(rs[from:i]))
		exprs = append(exprs, e)
		from, i = end, end
	}
	rest = append(rest, string(rs[from:]))
	text := strings.Join(rest, "|")

	if strings.Contains(text, "マイナス") || strings.ContainsAny(text, "▲△") {
		return Amount{}, ErrNegative
	}
	if len(exprs) == 0 {
		return zeroAmount(text)
	}
	before := strings.TrimRightFunc(rest[0], unicode.IsSpace)
	if r, _ := utf8.DecodeLastRuneInString(before); isDash(r) {
		return Amount{}, ErrNegative
	}
	if strings.HasSuffix(before, "数") || strings.HasSuffix(before, "何") {
		return Amount{}, ErrNotAmount // 数十万, 何万
	}
	if containsAny(text, foreignCurrencies) || containsAny(text, perUnit) {
		return Amount{}, ErrNotAmount
	}

	var a Amount
	e := exprs[0]
	switch len(exprs) {
	case 1:
		if !e.money && strings.TrimSpace(fillers.Replace(text)) != "" {
			return Amount{}, ErrNotAmount // 「3台」: a number, but of what?
		}
		if strings.HasPrefix(strings.TrimSpace(rest[1]), "台") {
			// 「42万円台」 is 42万 up to just under 43万, 「40万円台」 up to just under 50万.
			step := bracket(e.micro)
			a.Low, a.Approx = (e.micro+micro/2)/micro, true
			e.micro = satAdd(e.micro, step-micro)
		}
	case 2:
		if !isRangeSeparator(strings.TrimSpace(rest[1])) {
			return Amount{}, ErrNotAmount
		}
		lo, hi := e, exprs[1]
		if !hi.money && strings.TrimSpace(fillers.Replace(text)) != "" {
			return Amount{}, ErrNotAmount
		}
		if !lo.units && hi.lastBig > 1 {
			lo.micro = satMul(lo.micro, hi.lastBig) // 「50〜60万」: the 万 is for both
		}
		if lo.micro > hi.micro {
			return Amount{}, ErrNotAmount
		}
		a.Low = (lo.micro + micro/2) / micro
		e = hi
		a.Approx = true
		a.Low = (lo.micro + micro/2) / micro
	default:
		return Amount{}, ErrNotAmount
	}

	period, err := amountPeriod(text)
	if err != nil {
		return Amount{}, err
	}
	a.Period, a.PeriodSaid = period, period != Once || containsAny(text, onceWords)
	a.Approx = a.Approx || containsAny(text, approxWords)
	a.Tax = amountTax(text)
	a.Bare = !e.money
	if e.micro >= microCap {
		return Amount{}, ErrTooLarge
	}
	a.Yen = (e.micro + micro/2) / micro
	switch {
	case a.Yen == 0:
		return zero(text), nil
	case a.Yen > MaxYen:
		return Amount{}, ErrTooLarge
	}
	return a, nil
}

// bracket is the span of the amounts 「v台」 stands for, in micro-yen: the largest power of
// ten, from 1 yen, that divides v (42万 gives 1万, 40万 10万, 100万 100万).
func bracket(v int64) int64 {
	step := int64(micro)
	for v > 0 && v%(step*10) == 0 {
		step *= 10
	}
	return step
}

// LooksLikeAmount reports whether s reads as an answer about an amount, even one ParseAmount
// refuses (「-5万」, over MaxYen) or cannot place (「補助金の上限くらい」「保守は導入費用に
// 含まれています」「初期50万、月1万」), so that the caller re-prompts for an amount rather than
// send it to the FAQ. A question (「補助金の上限はいくら？」「上限額を知りたい」) and a long text
// are not such an answer.
func LooksLikeAmount(s string) bool {
	t, ok := prepare(s)
	if !ok || IsQuestion(t) || utf8.RuneCountInString(t) > 40 {
		return false
	}
	if _, err := ParseAmount(t); err == nil || errors.Is(err, ErrNegative) || errors.Is(err, ErrTooLarge) {
		return true
	}
	return containsAny(t, amountWords)
}

// amountWords are found in answers about what something costs.
var amountWords = []string{"円", "万", "費用", "料金", "料", "代金", "価格", "金額", "見積", "上限", "無料", "無償",
	"込み", "込", "税", "月額", "年額", "一式", "範囲内"}

// zeroAmount reads text in which no number was found: a word for "free", or not an amount.
func zeroAmount(text string) (Amount, error) {
	if !containsAny(text, zeroWords) && !reNoCharge.MatchString(text) {
		return Amount{}, ErrNotAmount
	}
	if containsAny(text, negations) {
		return Amount{}, ErrNotAmount // 「無料ではない」
	}
	return zero(text), nil
}

// zero is 0円, with the period the text names if it names one (「月額無料」).
func zero(text string) Amount {
	p, err := amountPeriod(text)
	if err != nil {
		p = Once
	}
	return Amount{Period: p, PeriodSaid: p != Once}
}

// amountTax is the tax basis the text around an amount names; both or none is unstated.
func amountTax(text string) Tax {
	ex, in := containsAny(text, taxExcludedWords), containsAny(text, taxIncludedWords) || reTaxListed.MatchString(text)
	switch {
	case ex && !in:
		return TaxExcluded
	case in && !ex:
		return TaxIncluded
	}
	return TaxUnstated
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

var (
	// 「1ヶ月あたり」「ひと月」「1年間」 name a period, not an amount: fold the number away.
	reOneMonth = regexp.MustCompile(`(?:1|一|ひと)\s*(?:か|ヶ|ヵ|カ|ケ|箇)月(あたり|当たり|につき|ごと|毎|で)?|ひと月(あたり|当たり|につき|ごと|毎|で)?`)
	reOneYear  = regexp.MustCompile(`(?:1|一)\s*年(間|あたり|当たり|につき|ごと|毎|で)`)
	// tax listed with other things included: 「税・工事費込み」「消費税、送料込」.
	reTaxListed = regexp.MustCompile(`税(?:[・、,/と][^・、,/()]{1,8})+込`)
	// the tax part of a 税込 amount, said beside it: 「(うち消費税4.2万円)」「内税 38,182円」.
	reTaxPart = regexp.MustCompile(`\(?\s*(?:うち|内)\s*(?:消費税|税)額?\s*:?\s*[¥\\]?\s*[0-9.,〇一二三四五六七八九十百千万]+\s*円?\s*\)?`)
	// 「なし」 for a cost: a charge that is none (「保守料なし」「初期費用は無し」), or the whole
	// answer. 「見積もりなし」 is not a price, and stays not an amount.
	reNoCharge = regexp.MustCompile(`(?:料|費|費用|代|代金|料金|保守)[はも]?\s*(?:なし|無し)|^\s*(?:なし|無し)(?:です)?[。.!]?\s*$`)
	// a tax rate, dropped when the text speaks of tax: 「＋消費税10%」「(10%税込)」「税込10%」.
	reTaxRate = regexp.MustCompile(`\(?\s*(?:10|8)\s*%\s*\)?`)
	// a kanji numeral left as text right before a unit of time: 「五年で60万」 is not 年額.
	reKanjiTime = regexp.MustCompile(`[〇一二三四五六七八九十百千]\s*(?:年|月|か月|ヶ月|ヵ月|カ月|ケ月|週|日)`)
)

var (
	zeroWords = []string{"無料", "無償", "タダ", "ゼロ", "ただで", "かからない", "かかりません", "掛からない",
		"掛かりません", "不要", "free"}
	negations        = []string{"ではない", "じゃない", "ではありません", "じゃありません", "ではなく", "じゃなく"}
	onceWords        = []string{"一括", "初期", "買い切り", "買切", "一回", "一度", "導入時", "一時金", "都度"}
	taxExcludedWords = []string{"税別", "税抜", "外税", "+税", "+消費税", "税は別", "税金別", "税率別", "プラス税",
		"プラス消費税", "消費税別", "別途消費税", "消費税は別", "税なし", "税無し", "本体価格", "tax excluded", "excl",
		"+tax", "plus tax"}
	// 込み込み and コミコミ are everything included, tax too; a bare 込み is not (「保守料込み」).
	taxIncludedWords = []string{"税込", "内税", "消費税込", "税金込", "込み込み", "込込", "コミコミ", "こみこみ",
		"全部込み", "全て込み", "すべて込み", "(込)", "(込み)", "【込】", "tax included", "incl"}
	foreignCurrencies = []string{"ドル", "$", "usd", "ユーロ", "€", "ウォン", "ポンド", "£"}
	approxWords       = []string{"約", "凡そ", "およそ", "大体", "だいたい", "概算", "概ね", "おおむね", "ほど", "程",
		"くらい", "ぐらい", "位", "前後", "強", "弱", "ざっと", "目安", "見込", "予定", "〜", "~", "以上", "以下",
		"未満", "以内", "超", "まで", "上限", "最大", "最低", "?", "とか", "ぐらい", "ざっくり", "ちょっと", "ちょい",
		"余り", "足らず", "approx", "about", "around"}
	// otherPeriods are paid neither monthly nor yearly nor once: 「半年ごとに6万」 is not 年額6万.
	otherPeriods = []string{"半年", "半期", "四半期", "隔月", "隔年", "週", "日額", "毎日", "日あたり", "日当たり"}
	// perUnit words make an amount a price per reader or device, not what the work costs:
	// 「42万円/台」 is three times that for a hospital taking three readers.
	perUnit = []string{"/台", "台あたり", "台当たり", "台につき", "台ごと", "台毎", "単価"}
	// fillers are what may surround a bare number: 「約429000です」 is an amount, 「3台」 is not.
	fillers = strings.NewReplacer(
		"月額", "", "年額", "", "毎月", "", "毎年", "", "月々", "", "年間", "", "月", "", "年", "",
		"約", "", "およそ", "", "大体", "", "だいたい", "", "概算", "", "ほど", "", "程度", "", "くらい", "",
		"ぐらい", "", "位", "", "前後", "", "以上", "", "以下", "", "未満", "", "以内", "", "まで", "",
		"税込み", "", "税込", "", "税抜き", "", "税抜", "", "税別", "", "込み", "", "です", "", "でした", "",
		"消費税", "", "外税", "", "内税", "", "税率", "", "税", "", "別途", "", "別", "", "+", "", "一括", "",
		"あたり", "", "当たり", "", "につき", "", "ごと", "", "毎", "", "払い", "",
		"〜", "", "~", "", "/", "", "|", "", "(", "", ")", "", "。", "", "、", "", ",", "", ".", "", "!", "",
		"?", "", ":", "", "は", "", "で", "", "の", "", "に", "", "ね", "", "よ", "", "-", "",
	)
	timeWords = strings.NewReplacer("今月", "", "来月", "", "先月", "", "月末", "", "月初", "",
		"年内", "", "年末", "", "今年", "", "来年", "", "去年", "", "昨年", "", "年度末", "")
)

// amountPeriod finds the period in the text around the amount.
func amountPeriod(text string) (Period, error) {
	if reKanjiTime.MatchString(text) || containsAny(text, otherPeriods) {
		return Once, ErrNotAmount
	}
	t := timeWords.Replace(text)
	monthly := strings.Contains(t, "月") || strings.Contains(t, "month") || strings.Contains(t, "/mo")
	yearly := strings.Contains(t, "年") || strings.Contains(t, "year") || strings.Contains(t, "annual") ||
		strings.Contains(t, "/yr")
	switch {
	case monthly && yearly:
		return Once, ErrNotAmount
	case monthly:
		return Monthly, nil
	case yearly:
		return Yearly, nil
	}
	return Once, nil
}

func isRangeSeparator(s string) bool {
	switch s {
	case "〜", "~", "から", "〜から", "ないし", "or":
		return true
	}
	rs := []rune(s)
	return len(rs) == 1 && isDash(rs[0])
}

// Amounts are computed in micro-yen, saturating at microCap (far above MaxYen), so that
// 「0.5百万」 is exact and no digit string can overflow.
const (
	micro    = 1_000_000
	microCap = 1e17 // 1e11 yen
)

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= microCap/b {
		return microCap
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a+b >= microCap {
		return microCap
	}
	return a + b
}

// yenExpr is one amount found in the text.
type yenExpr struct {
	micro   int64 // value in micro-yen, saturated at microCap
	money   bool  // has 円/¥ or a unit 万・億 or ASCII digits with a unit: clearly an amount
	digits  bool  // has ASCII digits
	units   bool  // has any of 十百千万億
	lastBig int64 // the last of 万 or 億 used, in yen (1 if none)
}

func smallUnit(r rune) int64 {
	switch r {
	case '十', '拾':
		return 10
	case '百':
		return 100
	case '千', '阡':
		return 1000
	}
	return 0
}

func bigUnit(r rune) int64 {
	switch r {
	case '万', '萬':
		return 10_000
	case '億':
		return 100_000_000
	case '兆':
		return 1_000_000_000_000
	}
	return 0
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isYenSign(r rune) bool { return r == '¥' || r == '\\' }

func canStartAmount(rs []rune, i int) bool {
	r := rs[i]
	return digitValue(r) >= 0 || smallUnit(r) > 0 || isYenSign(r)
}

// scanAmount reads one amount starting at rs[i]: [¥] (number [unit])+ [円]. It returns the
// position after it (i if nothing was read). A malformed amount (「5万3万」, a number with
// more than 6 decimals) is ErrNotAmount.
func scanAmount(rs []rune, i int) (yenExpr, int, error) {
	n := len(rs)
	pos := i
	e := yenExpr{lastBig: 1}
	skipSpaces := func(p int) int {
		for p < n && rs[p] == ' ' {
			p++
		}
		return p
	}
	if isYenSign(rs[pos]) {
		p := skipSpaces(pos + 1)
		if p >= n || digitValue(rs[p]) < 0 && smallUnit(rs[p]) == 0 {
			return e, i, nil
		}
		e.money = true
		pos = p
	}

	var (
		total, section int64
		num            int64 // micro-yen of the pending number
		hasNum         bool
		numSingle      bool // the pending number is one integer digit
		lastSmall      = int64(1 << 62)
		lastBig        = int64(1 << 62)
		seen           bool
	)
scan:
	for pos < n {
		r := rs[pos]
		switch {
		case digitValue(r) >= 0:
			if hasNum {
				break scan // two numbers in a row: a second amount
			}
			v, single, ascii, end, err := scanNumber(rs, pos)
			if err != nil {
				return e, i, err
			}
			num, hasNum, numSingle = v, true, single
			e.digits = e.digits || ascii
			pos = end
		case smallUnit(r) > 0:
			u := smallUnit(r)
			if u >= lastSmall {
				return e, i, ErrNotAmount
			}
			lastSmall = u
			if !hasNum {
				num = micro
			}
			section = satAdd(section, satMul(num, u))
			hasNum, e.units = false, true
			pos++
		case bigUnit(r) > 0:
			u := bigUnit(r)
			if !seen || u >= lastBig || (!hasNum && section == 0) {
				return e, i, ErrNotAmount
			}
			lastBig, lastSmall = u, 1<<62
			if hasNum {
				section = satAdd(section, num)
			}
			total = satAdd(total, satMul(section, u))
			section, hasNum = 0, false
			e.units, e.money, e.lastBig = true, true, u
			pos++
		case r == ' ' && seen:
			p := skipSpaces(pos)
			if p < n && (smallUnit(rs[p]) > 0 || bigUnit(rs[p]) > 0 || isYenWord(rs, p) > 0) {
				pos = p
				continue
			}
			break scan
		default:
			break scan
		}
		seen = true
	}
	if !seen {
		return e, i, nil
	}
	if hasNum {
		if numSingle && section == 0 && e.lastBig > 1 && lastSmall == 1<<62 {
			num = satMul(num, e.lastBig/10) // 「1万2」 is 1万2千, as people say it
		}
		section = satAdd(section, num)
	}
	e.micro = satAdd(total, section)
	if k := isYenWord(rs, skipSpaces(pos)); k > 0 {
		pos = skipSpaces(pos) + k
		e.money = true
	}
	if e.digits && e.units {
		e.money = true
	}
	return e, pos, nil
}

// isYenWord returns the length of 円, えん, yen or jpy at rs[p], or 0.
func isYenWord(rs []rune, p int) int {
	for _, w := range [][]rune{[]rune("円"), []rune("えん"), []rune("yen"), []rune("jpy")} {
		if p+len(w) <= len(rs) && string(rs[p:p+len(w)]) == string(w) {
			return len(w)
		}
	}
	return 0
}

// scanNumber reads a run of digits (ASCII or kanji, positional: 二〇 is 20) with ASCII
// thousands separators (「429,000」) and one decimal point, returning micro-yen.
func scanNumber(rs []rune, pos int) (v int64, single, ascii bool, end int, err error) {
	n := len(rs)
	var (
		intPart   int64
		sig       int // significant integer digits
		frac      int64
		fracDigit int
		inFrac    bool
		count     int
	)
	isASCIIDigit := func(p int) bool { return p >= 0 && p < n && rs[p] >= '0' && rs[p] <= '9' }
	for pos < n {
		r := rs[pos]
		d := digitValue(r)
		switch {
		case d >= 0:
			if r <= '9' {
				ascii = true
			}
			count++
			if inFrac {
				fracDigit++
				if fracDigit > 6 {
					return 0, false, ascii, pos, ErrNotAmount
				}
				frac = frac*10 + int64(d)
			} else {
				if sig > 0 || d != 0 {
					sig++
				}
				if sig <= 13 {
					intPart = intPart*10 + int64(d)
				}
			}
			pos++
			continue
		case r == ',' && !inFrac && isASCIIDigit(pos-1) && isASCIIDigit(pos+1) && isASCIIDigit(pos+2) &&
			isASCIIDigit(pos+3) && !isASCIIDigit(pos+4):
			pos++
			continue
		case r == '.' && !inFrac && isASCIIDigit(pos-1) && isASCIIDigit(pos+1):
			inFrac = true
			pos++
			continue
		}
		break
	}
	if sig > 13 {
		return microCap, false, ascii, pos, nil
	}
	for i := fracDigit; i < 6; i++ {
		frac *= 10
	}
	return satAdd(satMul(intPart, micro), frac), count == 1 && !inFrac, ascii, pos, nil
}
