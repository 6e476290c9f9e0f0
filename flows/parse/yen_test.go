package parse

import (
	"errors"
	"strings"
	"testing"
)

func TestParseYen(t *testing.T) {
	once := func(y int64) Amount { return Amount{Yen: y} }
	approx := func(y int64) Amount { return Amount{Yen: y, Approx: true} }
	monthly := func(y int64) Amount { return Amount{Yen: y, Period: Monthly} }
	yearly := func(y int64) Amount { return Amount{Yen: y, Period: Yearly} }
	tests := []struct {
		in   string
		want Amount
	}{
		{"65万円", once(650_000)},
		{"65万", once(650_000)},
		{"６５万円", once(650_000)},
		{"42万9千円", once(429_000)},
		{"42万9000円", once(429_000)},
		{"４２９，０００円", once(429_000)},
		{"429,000円", once(429_000)},
		{"429000円", once(429_000)},
		{"429000", once(429_000)},
		{"¥429,000", once(429_000)},
		{"￥429,000", once(429_000)},
		{"\\429,000", once(429_000)},
		{"¥ 429,000-", once(429_000)}, // the trailing dash of a written sum is not a minus
		{"1,234,567円", once(1_234_567)},
		{"約50万", approx(500_000)},
		{"約５０万円", approx(500_000)},
		{"50万くらい", approx(500_000)},
		{"50万ぐらい", approx(500_000)},
		{"だいたい50万円くらいだと思います", approx(500_000)},
		{"0.5百万", once(500_000)},
		{"1.5万", once(15_000)},
		{"1.5万円", once(15_000)},
		{"100万円程度", approx(1_000_000)},
		{"100万円前後", approx(1_000_000)},
		{"100万円以上", approx(1_000_000)},
		{"二十万円", once(200_000)},
		{"四十二万九千円", once(429_000)},
		{"二〇万円", once(200_000)},
		{"百万円", once(1_000_000)},
		{"千五百円", once(1_500)},
		{"三千円", once(3_000)},
		{"1千万円", once(10_000_000)},
		{"2億円", once(200_000_000)},
		{"1億5千万", once(150_000_000)},
		{"10億円", once(1_000_000_000)},
		{"1万2", once(12_000)},
		{"3万5", once(35_000)},
		{"1万5000円", once(15_000)},
		{"50 万円", once(500_000)},
		{"50万 円", once(500_000)},
		{"月額1万5千円", monthly(15_000)},
		{"月1.5万", monthly(15_000)},
		{"月々1万円", monthly(10_000)},
		{"毎月1万", monthly(10_000)},
		{"1万円/月", monthly(10_000)},
		{"1ヶ月あたり1万円", monthly(10_000)},
		{"ひと月1万円", monthly(10_000)},
		{"保守料は月額1万円です", monthly(10_000)},
		{"月額 約1万円", Amount{Yen: 10_000, Period: Monthly, Approx: true}},
		{"年12万", yearly(120_000)},
		{"年額12万円", yearly(120_000)},
		{"年間12万円", yearly(120_000)},
		{"12万/年", yearly(120_000)},
		{"12万円／年", yearly(120_000)},
		{"1年あたり12万円", yearly(120_000)},
		{"一括で50万円", once(500_000)},
		{"千葉の業者で50万円", once(500_000)},
		{"1.5円", once(2)},
		{"1,000", once(1_000)},
		{"約429000です", approx(429_000)},
		{"光回線1Gbpsで月額5千円", monthly(5_000)},
		{"42.9万円", once(429_000)},
		{"429千円", once(429_000)},
		{"年間保守 36,000円", yearly(36_000)},
		{"50万円〜", approx(500_000)},
	}
	for _, tt := range tests {
		got, err := ParseYen(tt.in)
		// This table holds what ParseYen read before it kept the range's lower end, the
		// tax basis and whether the period was said; TestParseYenDetails checks those.
		core := Amount{Yen: got.Yen, Period: got.Period, Approx: got.Approx}
		if err != nil || core != tt.want {
			t.Errorf("ParseYen(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseYenErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNotAmount},
		{"わからない", ErrNotAmount},
		{"まだ見積もりが来ていません", ErrNotAmount},
		{"万円", ErrNotAmount},
		{"円", ErrNotAmount},
		{"3台", ErrNotAmount},
		{"500ドル", ErrNotAmount},
		{"50万ドル", ErrNotAmount},
		{"$500", ErrNotAmount},
		{"¥1.5M", ErrNotAmount},
		{"50k", ErrNotAmount},
		{"10万円 × 3台", ErrNotAmount},
		{"3年で36万", ErrNotAmount},
		{"2,00,000", ErrNotAmount},
		{"数十万", ErrNotAmount},
		{"数万円", ErrNotAmount},
		{"何十万も", ErrNotAmount},
		{"初期50万、月1万", ErrNotAmount},
		{"50万と60万", ErrNotAmount},
		{"60〜50万", ErrNotAmount},
		{"5万3万", ErrNotAmount},
		{"百千円", ErrNotAmount},
		{"五年で60万", ErrNotAmount},
		{"月額12万円(年額144万円)", ErrNotAmount},
		{"年1回、月1万", ErrNotAmount},
		{"1.2345678万", ErrNotAmount},
		{"1.2.3万", ErrNotAmount},
		{strings.Repeat("1", MaxInput+1), ErrNotAmount},
		{"-5万", ErrNegative},
		{"−5万円", ErrNegative},
		{"－５万円", ErrNegative},
		{"マイナス5万", ErrNegative},
		{"▲50,000円", ErrNegative},
		{"¥-5000", ErrNegative},
		{"0円", ErrZero},
		{"０", ErrZero},
		{"0.0万", ErrZero},
		{"0.1円", ErrZero},
		{"無料", ErrZero},
		{"無料です", ErrZero},
		{"保守料はゼロ", ErrZero},
		{"10億1円", ErrTooLarge},
		{"11億", ErrTooLarge},
		{"1兆円", ErrTooLarge},
		{"1000000001", ErrTooLarge},
		{"9999999999999999999999999999999999999999円", ErrTooLarge},
		{"99999999999999999999億", ErrTooLarge},
		{"9999999万9999万", ErrNotAmount},
		// paid neither monthly nor yearly nor once: asked again, not taken as 年額 or 一括
		{"半年ごとに6万", ErrNotAmount},
		{"半期で6万円", ErrNotAmount},
		{"四半期ごと3万", ErrNotAmount},
		{"3ヶ月ごとに3万", ErrNotAmount},
		{"隔月で2万", ErrNotAmount},
		{"週1万", ErrNotAmount},
		{"日額500円", ErrNotAmount},
		{"5年で60万", ErrNotAmount},
		{"5年契約で60万", ErrNotAmount},
		{"月1万×5年", ErrNotAmount},
		{"見積もり待ち", ErrNotAmount},
		{"42,0000円", ErrNotAmount},
		{"42万（税抜）、税込46.2万", ErrNotAmount}, // two amounts: asked again
		{"42万円/台", ErrNotAmount},
		{"1台あたり42万円", ErrNotAmount},
		{"単価42万", ErrNotAmount},
		{"42万円（2台分）", ErrNotAmount},
		{"42万円、3月末まで", ErrNotAmount},
		{"保守費用は導入費用に含まれています", ErrNotAmount},
		{"初期費用なし", ErrZero},
		{"保守料なし", ErrZero},
	}
	for _, tt := range tests {
		got, err := ParseYen(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseYen(%q) = %+v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestAmountPerYear(t *testing.T) {
	tests := []struct {
		a    Amount
		want int64
	}{
		{Amount{Yen: 15_000, Period: Monthly}, 180_000},
		{Amount{Yen: 120_000, Period: Yearly}, 120_000},
		{Amount{Yen: 429_000}, 429_000},
		{Amount{Yen: MaxYen, Period: Monthly}, 12 * MaxYen},
	}
	for _, tt := range tests {
		if got := tt.a.PerYear(); got != tt.want {
			t.Errorf("%+v.PerYear() = %d, want %d", tt.a, got, tt.want)
		}
	}
}

func TestPeriodString(t *testing.T) {
	for p, want := range map[Period]string{Once: "Once", Monthly: "Monthly", Yearly: "Yearly", 9: "Once"} {
		if got := p.String(); got != want {
			t.Errorf("Period(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

// TestParseYenDetails checks everything an Amount keeps, on answers typed the way clinic
// staff type them: the tax basis, both ends of a range, whether a period was said, a bare
// number.
func TestParseYenDetails(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
	}{
		// tax basis
		{"42万円+税", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円＋税", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"429,000円（税別）", Amount{Yen: 429_000, Tax: TaxExcluded}},
		{"４２９，０００円（税別）", Amount{Yen: 429_000, Tax: TaxExcluded}},
		{"税抜42万", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"税抜き 42万円です", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万（消費税別）", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円、消費税は別です", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"外税で42万", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"429000(税別)", Amount{Yen: 429_000, Tax: TaxExcluded, Bare: true}},
		{"税込46.2万", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"46万2千円（税込み）", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"消費税込みで46.2万円", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"42万円＋消費税10%", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円（税10％別）", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円 税率10%別", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"46.2万円（10%税込）", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"46.2万円(税込10%)", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"42万円", Amount{Yen: 420_000}},
		{"42万（税込）", Amount{Yen: 420_000, Tax: TaxIncluded}},
		{"420,000円＋税", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"月1万円（税別）", Amount{Yen: 10_000, Period: Monthly, PeriodSaid: true, Tax: TaxExcluded}},
		{"本体42万円＋税", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円（税抜価格）", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万円 消費税別途", Amount{Yen: 420_000, Tax: TaxExcluded}},
		// everything included is tax included; 本体価格 and 税なし are before tax
		{"込み込みで50万", Amount{Yen: 500_000, Tax: TaxIncluded}},
		{"コミコミで50万", Amount{Yen: 500_000, Tax: TaxIncluded}},
		{"全部込みで50万円", Amount{Yen: 500_000, Tax: TaxIncluded}},
		{"込みで50万", Amount{Yen: 500_000}}, // 込み of what is not said
		{"本体価格42万", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"42万（本体価格）", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"税なしで42万", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"消費税なしで42万", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"本体42万", Amount{Yen: 420_000}}, // 本体 alone may be the device's price
		{"429,000円(込)", Amount{Yen: 429_000, Tax: TaxIncluded}},
		{"429,000円（込）", Amount{Yen: 429_000, Tax: TaxIncluded}},
		{"42万円(税・工事費込み)", Amount{Yen: 420_000, Tax: TaxIncluded}},
		{"税・送料込み42万", Amount{Yen: 420_000, Tax: TaxIncluded}},
		{"42万円（工事費・税込）", Amount{Yen: 420_000, Tax: TaxIncluded}},
		{"工事費込みで42万", Amount{Yen: 420_000}},
		{"42万円（消費税別・工事費込み）", Amount{Yen: 420_000, Tax: TaxExcluded}},
		{"(税込)429,000円", Amount{Yen: 429_000, Tax: TaxIncluded}},
		{"金429,000円也", Amount{Yen: 429_000}},
		{"￥429,000.-", Amount{Yen: 429_000}},
		// the tax part said beside a 税込 amount is not a second amount
		{"46.2万円（うち消費税4.2万円）", Amount{Yen: 462_000, Tax: TaxIncluded}},
		{"42万円（内消費税3.8万）", Amount{Yen: 420_000, Tax: TaxIncluded}},
		{"462,000円(内税 42,000円)", Amount{Yen: 462_000, Tax: TaxIncluded}},
		// the ways a sum is written
		{"¥420,000-", Amount{Yen: 420_000}},
		{"￥420,000－", Amount{Yen: 420_000}},
		{"四十二万円", Amount{Yen: 420_000}},
		{"42.5万円", Amount{Yen: 425_000}},
		{"一式42万", Amount{Yen: 420_000}},
		{"合計42万円とのことです", Amount{Yen: 420_000}},
		{"42万円（カードリーダー含む）", Amount{Yen: 420_000}},
		{"42万9,000円", Amount{Yen: 429_000}},
		{"税込で約46万", Amount{Yen: 460_000, Approx: true, Tax: TaxIncluded}},
		// ranges keep both ends
		{"40〜45万", Amount{Yen: 450_000, Low: 400_000, Approx: true}},
		{"約40〜45万", Amount{Yen: 450_000, Low: 400_000, Approx: true}},
		{"四十万から四十五万", Amount{Yen: 450_000, Low: 400_000, Approx: true}},
		// 「N台」 is every amount that begins so: a range, judged on its upper end
		{"42万円台", Amount{Yen: 429_999, Low: 420_000, Approx: true}},
		{"40万円台", Amount{Yen: 499_999, Low: 400_000, Approx: true}},
		{"100万円台", Amount{Yen: 1_999_999, Low: 1_000_000, Approx: true}},
		{"月1万円台", Amount{Yen: 19_999, Low: 10_000, Approx: true, Period: Monthly, PeriodSaid: true}},
		{"42.5万円台", Amount{Yen: 425_999, Low: 425_000, Approx: true}},
		{"50万〜60万", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50〜60万円", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50万から60万", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"５０万～６０万円（税別）", Amount{Yen: 600_000, Low: 500_000, Approx: true, Tax: TaxExcluded}},
		{"月額1〜2万円", Amount{Yen: 20_000, Low: 10_000, Period: Monthly, PeriodSaid: true, Approx: true}},
		{"0〜5万円", Amount{Yen: 50_000, Approx: true}},
		// periods, and whether one was said
		{"月額1万5千円", Amount{Yen: 15_000, Period: Monthly, PeriodSaid: true}},
		{"年額12万円", Amount{Yen: 120_000, Period: Yearly, PeriodSaid: true}},
		{"毎月1万", Amount{Yen: 10_000, Period: Monthly, PeriodSaid: true}},
		{"年間 3万6千円", Amount{Yen: 36_000, Period: Yearly, PeriodSaid: true}},
		{"月々3,300円", Amount{Yen: 3_300, Period: Monthly, PeriodSaid: true}},
		{"1年あたり12万円", Amount{Yen: 120_000, Period: Yearly, PeriodSaid: true}},
		{"一括で50万円", Amount{Yen: 500_000, PeriodSaid: true}},
		{"初期費用 50万円", Amount{Yen: 500_000, PeriodSaid: true}},
		{"買い切りで30万", Amount{Yen: 300_000, PeriodSaid: true}},
		{"1万円", Amount{Yen: 10_000}},
		{"保守は年12万", Amount{Yen: 120_000, Period: Yearly, PeriodSaid: true}},
		{"月額1万", Amount{Yen: 10_000, Period: Monthly, PeriodSaid: true}},
		{"1年で6万", Amount{Yen: 60_000, Period: Yearly, PeriodSaid: true}},
		{"年払いで12万", Amount{Yen: 120_000, Period: Yearly, PeriodSaid: true}},
		{"1万円/月", Amount{Yen: 10_000, Period: Monthly, PeriodSaid: true}},
		// approximate markers
		{"約42万", Amount{Yen: 420_000, Approx: true}},
		{"42万くらい", Amount{Yen: 420_000, Approx: true}},
		{"42万円程度", Amount{Yen: 420_000, Approx: true}},
		{"42万前後", Amount{Yen: 420_000, Approx: true}},
		{"42万ほど", Amount{Yen: 420_000, Approx: true}},
		{"42万円前後", Amount{Yen: 420_000, Approx: true}},
		{"ざっくり42万", Amount{Yen: 420_000, Approx: true}},
		{"42万円ちょっと", Amount{Yen: 420_000, Approx: true}},
		{"42万ちょい", Amount{Yen: 420_000, Approx: true}},
		{"42万円余り", Amount{Yen: 420_000, Approx: true}},
		{"50万足らず", Amount{Yen: 500_000, Approx: true}},
		// small and bare amounts
		{"5", Amount{Yen: 5, Bare: true}},
		{"５", Amount{Yen: 5, Bare: true}},
		{"500円", Amount{Yen: 500}},
		{"429000", Amount{Yen: 429_000, Bare: true}},
	}
	for _, tt := range tests {
		got, err := ParseYen(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseYen(%q) = %+v, %v;\n want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseAmountZero(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
	}{
		{"無料", Amount{}},
		{"無料です。", Amount{}},
		{"0円", Amount{}},
		{"０円", Amount{}},
		{"0", Amount{}},
		{"タダ", Amount{}},
		{"タダです", Amount{}},
		{"かからない", Amount{}},
		{"保守料はかかりません", Amount{}},
		{"保守は不要です", Amount{}},
		{"月額0円", Amount{Period: Monthly, PeriodSaid: true}},
		{"月額無料", Amount{Period: Monthly, PeriodSaid: true}},
		{"年間 無償", Amount{Period: Yearly, PeriodSaid: true}},
		// none, of a charge or as the whole answer
		{"なし", Amount{}},
		{"無しです", Amount{}},
		{"保守料なし", Amount{}},
		{"保守料は無し", Amount{}},
		{"費用なし", Amount{}},
		{"初期費用なし", Amount{}},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if _, err := ParseYen(tt.in); !errors.Is(err, ErrZero) {
			t.Errorf("ParseYen(%q): %v, want ErrZero", tt.in, err)
		}
	}
	for _, in := range []string{"無料ではない", "タダじゃないです", "わからない", "", "見積もりなし", "見積もり待ち",
		"見積待ち", "保守料込み", "なしではない"} {
		if got, err := ParseAmount(in); !errors.Is(err, ErrNotAmount) {
			t.Errorf("ParseAmount(%q) = %+v, %v; want ErrNotAmount", in, got, err)
		}
	}
	// Everything else ParseAmount reads as ParseYen does.
	for _, in := range []string{"42万円+税", "50〜60万円", "月額1万", "-5万", "11億"} {
		a, errA := ParseAmount(in)
		y, errY := ParseYen(in)
		if a != y || !errors.Is(errA, errY) {
			t.Errorf("ParseAmount(%q) = %+v, %v but ParseYen = %+v, %v", in, a, errA, y, errY)
		}
	}
}

func TestAmountWithTax(t *testing.T) {
	tests := []struct {
		a    Amount
		want Amount
	}{
		{Amount{Yen: 420_000, Tax: TaxExcluded}, Amount{Yen: 462_000, Tax: TaxIncluded}},
		{Amount{Yen: 429_000, Tax: TaxExcluded}, Amount{Yen: 471_900, Tax: TaxIncluded}},
		{Amount{Yen: 999, Tax: TaxExcluded}, Amount{Yen: 1098, Tax: TaxIncluded}}, // 1098.9 rounded down
		{Amount{Yen: 600_000, Low: 500_000, Approx: true, Tax: TaxExcluded},
			Amount{Yen: 660_000, Low: 550_000, Approx: true, Tax: TaxIncluded}},
		{Amount{Yen: 10_000, Period: Monthly, PeriodSaid: true, Tax: TaxExcluded},
			Amount{Yen: 11_000, Period: Monthly, PeriodSaid: true, Tax: TaxIncluded}},
		{Amount{Yen: 420_000, Tax: TaxIncluded}, Amount{Yen: 420_000, Tax: TaxIncluded}},
		{Amount{Yen: 420_000}, Amount{Yen: 420_000}},
	}
	for _, tt := range tests {
		if got := tt.a.WithTax(); got != tt.want {
			t.Errorf("%+v.WithTax() = %+v, want %+v", tt.a, got, tt.want)
		}
	}
	// 「42万円+税」 passes under the 42.9万円 cap only until tax is added.
	a, err := ParseYen("42万円+税")
	if err != nil || a.Yen > 429_000 || a.WithTax().Yen <= 429_000 {
		t.Errorf("ParseYen(42万円+税) = %+v, %v: with tax %d, want over 429000", a, err, a.WithTax().Yen)
	}
	if got := a.WithTax().PerYear(); got != 462_000 {
		t.Errorf("WithTax().PerYear() = %d", got)
	}
}

func TestAmountTaxMatters(t *testing.T) {
	const limit = 429_000
	tests := []struct {
		a    Amount
		want bool
	}{
		{Amount{Yen: 400_000}, true},  // 440,000 with tax: over
		{Amount{Yen: 390_000}, false}, // 429,000 with tax: exactly the limit, within either way
		{Amount{Yen: 390_001}, true},
		{Amount{Yen: 380_000}, false}, // 418,000 with tax: within either way
		{Amount{Yen: 429_000}, true},
		{Amount{Yen: 429_001}, false}, // over either way
		{Amount{Yen: 400_000, Tax: TaxIncluded}, false},
		{Amount{Yen: 400_000, Tax: TaxExcluded}, false}, // known: WithTax decides
	}
	for _, tt := range tests {
		if got := tt.a.TaxMatters(limit); got != tt.want {
			t.Errorf("%+v.TaxMatters(%d) = %v, want %v", tt.a, limit, got, tt.want)
		}
	}
}

func TestAmountSmall(t *testing.T) {
	for in, want := range map[string]bool{"5": true, "500円": true, "999円": true, "1000円": false,
		"5万": false, "月額3,300円": false, "無料": false} {
		a, err := ParseAmount(in)
		if err != nil || a.Small() != want {
			t.Errorf("ParseAmount(%q) = %+v, %v: Small() = %v, want %v", in, a, err, a.Small(), want)
		}
	}
}

func TestAmountCodec(t *testing.T) {
	tests := []struct {
		a    Amount
		want string
	}{
		{Amount{Yen: 429_000}, "429000"},
		{Amount{Yen: 429_000, Approx: true}, "~429000"},
		{Amount{Yen: 15_000, Period: Monthly, PeriodSaid: true, Approx: true}, "~15000/m"},
		{Amount{Yen: 120_000, Period: Yearly, PeriodSaid: true}, "120000/y"},
		{Amount{Yen: 500_000, PeriodSaid: true}, "500000/o"},
		{Amount{Yen: 20_000, Low: 10_000, Period: Monthly, PeriodSaid: true, Approx: true, Tax: TaxExcluded},
			"~10000-20000/m;ex"},
		{Amount{Yen: 462_000, Tax: TaxIncluded}, "462000;in"},
		{Amount{Yen: 5, Bare: true}, "5;bare"},
		{Amount{Yen: 429_000, Tax: TaxExcluded, Bare: true}, "429000;ex;bare"},
		{Amount{}, "0"},
		{Amount{Period: Monthly, PeriodSaid: true}, "0/m"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.a, got, tt.want)
		}
		back, err := DecodeAmount(tt.want)
		if err != nil || back != tt.a {
			t.Errorf("DecodeAmount(%q) = %+v, %v; want %+v", tt.want, back, err, tt.a)
		}
		var u Amount
		if b, err := tt.a.MarshalText(); err != nil || string(b) != tt.want || u.UnmarshalText(b) != nil || u != tt.a {
			t.Errorf("%+v: MarshalText = %q, %v; UnmarshalText gives %+v", tt.a, b, err, u)
		}
	}
	// What flows stored before this form still reads.
	for old, want := range map[string]Amount{
		"429000":    {Yen: 429_000},
		"~429000/m": {Yen: 429_000, Period: Monthly, PeriodSaid: true, Approx: true},
		"~600000":   {Yen: 600_000, Approx: true},
		"36000/y":   {Yen: 36_000, Period: Yearly, PeriodSaid: true},
	} {
		if got, err := DecodeAmount(old); err != nil || got != want {
			t.Errorf("DecodeAmount(%q) = %+v, %v; want %+v", old, got, err, want)
		}
	}
	for _, bad := range []string{"", "~", "abc", "-5", "05", "1000000001", "600000-500000", "0-5", "5/x",
		"5;in;ex", "5;ex;in", "5;bare;ex", "5;", "5;zz", "~~5", "5/m/m", "+5", " 5", "5 ", "1e3",
		"99999999999999999999", "5/o/m"} {
		if got, err := DecodeAmount(bad); !errors.Is(err, ErrAmountValue) {
			t.Errorf("DecodeAmount(%q) = %+v, %v; want ErrAmountValue", bad, got, err)
		}
	}
	for _, bad := range []Amount{{Yen: -1}, {Yen: MaxYen + 1}, {Yen: 5, Low: 6}, {Yen: 5, Period: Monthly},
		{Yen: 5, Tax: 7}, {Yen: 5, Period: 9, PeriodSaid: true}} {
		if b, err := bad.MarshalText(); err == nil {
			t.Errorf("%+v.MarshalText() = %q, want an error", bad, b)
		}
	}
}

func TestAmountJapanese(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"42万9千円", "42.9万円"},
		{"429,000円（税別）", "42.9万円（税別）"},
		{"429,500円", "429,500円"},
		{"42万円+税", "42万円（税別）"},
		{"税込46.2万", "46.2万円（税込）"},
		{"50万〜60万", "50万〜60万円"},
		{"5千〜1万円", "5,000円〜1万円"},
		{"月額1.5万円くらい（税別）", "月額約1.5万円（税別）"},
		{"年額12万円", "年額12万円"},
		{"月々3,300円", "月額3,300円"},
		{"1億5千万円", "1億5,000万円"},
		{"無料", "無料"},
		{"月額0円", "月額無料"},
		{"500円", "500円"},
	}
	for _, tt := range tests {
		a, err := ParseAmount(tt.in)
		if got := a.Japanese(); err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q).Japanese() = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatYen(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0円", 500: "500円", 3_300: "3,300円", 10_000: "1万円", 15_000: "1.5万円", 15_500: "15,500円",
		429_000: "42.9万円", 2_101_000: "210.1万円", 1_000_000: "100万円", 12_345_678: "12,345,678円",
		100_000_000: "1億円", 150_000_000: "1億5,000万円", 100_005_000: "100,005,000円",
		MaxYen: "10億円", -5_000: "-5,000円",
	} {
		if got := FormatYen(n); got != want {
			t.Errorf("FormatYen(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLooksLikeAmount(t *testing.T) {
	for _, in := range []string{"42万円", "補助金の上限くらい", "補助金の範囲内です", "保守は導入費用に含まれています",
		"初期50万、月1万", "-5万", "11億円", "半年ごとに6万", "見積もりの金額はまだです", "込み込み"} {
		if !LooksLikeAmount(in) {
			t.Errorf("LooksLikeAmount(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"補助金の上限はいくら？", "上限額を知りたい", "補助金について", "締め切りはいつですか",
		"わからない", "こんにちは", "", strings.Repeat("万円", 30)} {
		if LooksLikeAmount(in) {
			t.Errorf("LooksLikeAmount(%q) = true, want false", in)
		}
	}
}
