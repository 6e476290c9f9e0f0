package parse

import (
	"errors"
	"testing"
)

func TestAmountStoredForm(t *testing.T) {
	for _, tc := range []struct {
		a    Amount
		text string
	}{
		{Amount{Yen: 429000}, "429000"},
		{Amount{Yen: 15000, Period: Monthly, Approx: true}, "~15000/m"},
		{Amount{Yen: 120000, Period: Yearly}, "120000/y"},
		{Amount{Yen: 600000, Low: 500000, Approx: true, Tax: TaxExcluded}, "~500000-600000@ex"},
		{Amount{Yen: 3300, Period: Monthly, Tax: TaxIncluded}, "3300/m@in"},
	} {
		if got := tc.a.String(); got != tc.text {
			t.Errorf("%+v stored as %q, want %q", tc.a, got, tc.text)
		}
		var back Amount
		if err := back.UnmarshalText([]byte(tc.text)); err != nil || back != tc.a {
			t.Errorf("%q read back as %+v, %v; want %+v", tc.text, back, err, tc.a)
		}
	}
	for _, bad := range []string{"", "~", "/m", "abc", "12万", "-5", "+5", "5/w", "unknown", "-5-6", "5--6", "5-", "5@tax", "@in"} {
		a := Amount{Yen: 1}
		if err := a.UnmarshalText([]byte(bad)); !errors.Is(err, ErrStoredAmount) || a.Yen != 1 {
			t.Errorf("%q read as %+v, %v; want ErrStoredAmount and no change", bad, a, err)
		}
	}
}

// Whatever ParseYen reads is kept and read back unchanged.
func FuzzAmountStoredForm(f *testing.F) {
	for _, s := range []string{"42万9千円", "月額1万5千円", "年12万", "約50万", "50〜60万円", "¥429,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseYen(s)
		if err != nil {
			return
		}
		var back Amount
		if err := back.UnmarshalText([]byte(a.String())); err != nil || back != a {
			t.Fatalf("ParseYen(%q) = %+v, stored %q, read back %+v, %v", s, a, a.String(), back, err)
		}
	})
}
