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
		{"50万円(税込)", Amount{Yen: 500_000, Tax: TaxIncluded}},
		{"税込50万円", Amount{Yen: 500_000, Tax: TaxIncluded}},
		{"50万円（税抜き）", Amount{Yen: 500_000, Tax: TaxExcluded}},
		{"税別で50万円", Amount{Yen: 500_000, Tax: TaxExcluded}},
		{"50〜60万円", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50万〜60万円", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50万円～60万円", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50万から60万", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"50-60万", Amount{Yen: 600_000, Low: 500_000, Approx: true}},
		{"5千〜1万円", Amount{Yen: 10_000, Low: 5_000, Approx: true}},
		{"月額1〜2万円", Amount{Yen: 20_000, Low: 10_000, Period: Monthly, Approx: true}},
		{"一括で50万円", once(500_000)},
		{"千葉の業者で50万円", once(500_000)},
		{"1.5円", once(2)},
		{"1,000", once(1_000)},
		{"約429000です", approx(429_000)},
		{"光回線1Gbpsで月額5千円", monthly(5_000)},
		{"保守料：月額3,300円（税込）", Amount{Yen: 3_300, Period: Monthly, Tax: TaxIncluded}},
		{"42.9万円", once(429_000)},
		{"429千円", once(429_000)},
		{"年間保守 36,000円", yearly(36_000)},
		{"50万円〜", approx(500_000)},
	}
	for _, tt := range tests {
		got, err := ParseYen(tt.in)
		if err != nil || got != tt.want {
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
