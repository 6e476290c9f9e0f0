package parse

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets check that no input panics and that what a parser accepts is in range and
// reads back the same. The seeds are in testdata/fuzz/<target>; `go test` runs them.

// normalized reports whether s is still within MaxInput after Normalize, so that parsing
// Normalize(s) must give what parsing s gives.
func normalized(s string) (string, bool) {
	if len(s) > MaxInput {
		return "", false
	}
	n := Normalize(s)
	return n, len(n) <= MaxInput
}

func FuzzParseYesNo(f *testing.F) {
	for _, s := range []string{"はい", "いいえ", "わからない", "はい、ありません", "ｏｋ", "not sure"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := ParseYesNo(s)
		if v < Unknown || v > DontKnow {
			t.Fatalf("ParseYesNo(%q) = %d, out of range", s, v)
		}
		if len(s) > 4*MaxInput {
			return // long input is Unknown without a look; Normalize's cost on it is a unit test
		}
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
		if !utf8.ValidString(n) || strings.TrimSpace(n) != n || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8 or untrimmed spaces", s, n)
		}
		if n, ok := normalized(s); ok {
			if w := ParseYesNo(n); w != v {
				t.Fatalf("ParseYesNo(%q) = %v but ParseYesNo(Normalize) = %v", s, v, w)
			}
		}
	})
}

func FuzzParseYen(f *testing.F) {
	for _, s := range []string{"42万9千円", "¥429,000", "月額1万5千円", "50〜60万円", "0.5百万", "二十万円", "-5万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseYen(s)
		if err != nil {
			if !errors.Is(err, ErrNotAmount) && !errors.Is(err, ErrNegative) && !errors.Is(err, ErrZero) &&
				!errors.Is(err, ErrTooLarge) {
				t.Fatalf("ParseYen(%q): unexpected error %v", s, err)
			}
			if a != (Amount{}) {
				t.Fatalf("ParseYen(%q) = %+v with error %v", s, a, err)
			}
			return
		}
		if a.Yen < 1 || a.Yen > MaxYen || a.Period < Once || a.Period > Yearly {
			t.Fatalf("ParseYen(%q) = %+v: out of range", s, a)
		}
		if py := a.PerYear(); py < a.Yen || (a.Period == Monthly) != (py == 12*a.Yen) {
			t.Fatalf("ParseYen(%q) = %+v: PerYear %d", s, a, py)
		}
		// Written out plainly, the amount reads back the same.
		text := []string{"", "月額", "年額"}[a.Period]
		if a.Approx && a.Low == 0 {
			text += "約"
		}
		if a.Low > 0 {
			text += strconv.FormatInt(a.Low, 10) + "〜"
		}
		text += strconv.FormatInt(a.Yen, 10) + "円" + []string{"", "（税込）", "（税抜）"}[a.Tax]
		if b, err := ParseYen(text); err != nil || b != a {
			t.Fatalf("ParseYen(%q) = %+v but ParseYen(%q) = %+v, %v", s, a, text, b, err)
		}
		if n, ok := normalized(s); ok {
			if b, err := ParseYen(n); err != nil || b != a {
				t.Fatalf("ParseYen(%q) = %+v but ParseYen(Normalize) = %+v, %v", s, a, b, err)
			}
		}
	})
}

func FuzzParseWhen(f *testing.F) {
	nov15 := time.Date(2022, 11, 15, 10, 0, 0, 0, JST).Unix()
	for _, s := range []string{"令和5年3月末", "2023/3/31", "3月末", "来月", "3か月", "半年後", "すぐ", "2月29日"} {
		f.Add(s, nov15)
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		// now anywhere from 2000 to 2100
		const from, span = 946_684_800, 100 * 365 * 86_400
		now := time.Unix(from+(unix%span+span)%span, 0)
		w, err := ParseWhen(s, now)
		if err != nil {
			if !errors.Is(err, ErrNotDate) && !errors.Is(err, ErrInvalidDate) && !errors.Is(err, ErrPast) &&
				!errors.Is(err, ErrTooFar) {
				t.Fatalf("ParseWhen(%q): unexpected error %v", s, err)
			}
			return
		}
		n := now.In(JST)
		today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, JST)
		d := w.Date
		if d.Before(today) || d.After(today.AddDate(10, 0, 0)) {
			t.Fatalf("ParseWhen(%q, %s) = %s: out of range", s, now, d)
		}
		if d.Location() != JST || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseWhen(%q, %s) = %s: not midnight JST", s, now, d)
		}
		text := d.Format("2006/1/2")
		if back, err := ParseWhen(text, now); err != nil || !back.Date.Equal(d) {
			t.Fatalf("ParseWhen(%q) = %s but ParseWhen(%q) = %+v, %v", s, d, text, back, err)
		}
		if n, ok := normalized(s); ok {
			if back, err := ParseWhen(n, now); err != nil || back != w {
				t.Fatalf("ParseWhen(%q) = %+v but ParseWhen(Normalize) = %+v, %v", s, w, back, err)
			}
		}
	})
}

func FuzzParsePrefecture(f *testing.F) {
	for _, s := range []string{"東京", "とうきょうと", "ホッカイドウ", "１３", "Kyoto", "東京都新宿区"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := ParsePrefecture(s)
		if !ok {
			if p != (Prefecture{}) {
				t.Fatalf("ParsePrefecture(%q) = %+v, false", s, p)
			}
			return
		}
		if p.Code < 1 || p.Code > 47 {
			t.Fatalf("ParsePrefecture(%q) = %+v: code out of range", s, p)
		}
		if q, ok := PrefectureByCode(p.Code); !ok || q != p {
			t.Fatalf("ParsePrefecture(%q) = %+v but PrefectureByCode gives %+v", s, p, q)
		}
		for _, again := range []string{p.Name, strconv.Itoa(p.Code)} {
			if q, ok := ParsePrefecture(again); !ok || q != p {
				t.Fatalf("ParsePrefecture(%q) = %+v but ParsePrefecture(%q) = %+v", s, p, again, q)
			}
		}
	})
}

func FuzzParseMedicalCode(f *testing.F) {
	f.Add("1310110049", 13)
	f.Add("3410712362", 0)
	f.Add("01-1004-9", 13)
	f.Add("１３－１－０１－１００４－９", 0)
	f.Fuzz(func(t *testing.T, s string, pref int) {
		c, err := ParseMedicalCode(s, pref)
		if err != nil {
			for _, e := range []error{ErrCodeFormat, ErrCodePrefecture, ErrCodeTable, ErrCheckDigit, ErrNeedPrefecture} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("ParseMedicalCode(%q, %d): unexpected error %v", s, pref, err)
		}
		if c.Prefecture < 1 || c.Prefecture > 47 || (pref != 0 && c.Prefecture != pref) ||
			(c.Table != 1 && c.Table != 3 && c.Table != 4) || c.Check < 0 || c.Check > 9 ||
			len(c.Area) != 2 || strings.Trim(c.Area, "0123456789") != "" ||
			len(c.Number) != 4 || strings.Trim(c.Number, "0123456789") != "" ||
			c.Check != checkDigit(c.body()) {
			t.Fatalf("ParseMedicalCode(%q, %d) = %+v: invalid", s, pref, c)
		}
		str := c.String()
		if len(str) != 10 || strings.Trim(str, "0123456789") != "" {
			t.Fatalf("ParseMedicalCode(%q, %d).String() = %q", s, pref, str)
		}
		for _, p := range []int{c.Prefecture, 0} {
			if back, err := ParseMedicalCode(str, p); err != nil || back != c {
				t.Fatalf("ParseMedicalCode(%q, %d) = %+v but ParseMedicalCode(%q, %d) = %+v, %v", s, pref, c, str, p, back, err)
			}
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"03-1234-5678", "（０３）１２３４－５６７８", "+81 (0)3 1234 5678", "0120-123-456", "TEL 090-1234-5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhone) || p != "" {
				t.Fatalf("ParsePhone(%q) = %q, %v", s, p, err)
			}
			return
		}
		if (len(p) != 10 && len(p) != 11) || p[0] != '0' || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("ParsePhone(%q) = %q: not 10 or 11 digits from 0", s, p)
		}
		if q, err := ParsePhone(p); err != nil || q != p {
			t.Fatalf("ParsePhone(%q) = %q but ParsePhone(%q) = %q, %v", s, p, p, q, err)
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"Taro.Yamada@Example.CO.JP", "ｉｎｆｏ＠ｃｌｉｎｉｃ．ｊｐ", "taro..yamada.@docomo.ne.jp", "<a@b.jp>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEmail(s)
		if err != nil {
			if !errors.Is(err, ErrEmail) || e != "" {
				t.Fatalf("ParseEmail(%q) = %q, %v", s, e, err)
			}
			return
		}
		local, domain, _ := strings.Cut(e, "@")
		if len(e) > 254 || strings.Count(e, "@") != 1 || local == "" || !strings.Contains(domain, ".") ||
			strings.ContainsFunc(e, func(r rune) bool { return r <= ' ' || r == utf8.RuneError }) ||
			domain != strings.ToLower(domain) {
			t.Fatalf("ParseEmail(%q) = %q: not a sane address", s, e)
		}
		if again, err := ParseEmail(e); err != nil || again != e {
			t.Fatalf("ParseEmail(%q) = %q but ParseEmail(%q) = %q, %v", s, e, e, again, err)
		}
	})
}
