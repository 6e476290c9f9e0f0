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

func FuzzParseCanDo(f *testing.F) {
	for _, s := range []string{"できます", "できないけど他を紹介してくれる", "紹介もしてもらえない", "たぶん大丈夫", "無理でした",
		"いいえ、できるそうです", "わかりかねます", "他社でお願いしますと言われた", "補助金の対象になるなら対応するとのこと"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseCanDo(s)
		if c < CanUnsure || c > CannotRefers {
			t.Fatalf("ParseCanDo(%q) = %d, out of range", s, c)
		}
		yn := ParseYesNo(s)
		// A plain yes or no is never read as its opposite, and an unsure one never as either.
		if c == Can && yn != Yes || c == Cannot && yn == Yes || yn == DontKnow && c != CanUnsure {
			t.Fatalf("ParseCanDo(%q) = %v but ParseYesNo = %v", s, c, yn)
		}
		// A question is never taken for an answer about doing the work.
		if AboutCanDo(s) && IsQuestion(s) {
			t.Fatalf("AboutCanDo(%q) is true for a question", s)
		}
		if n, ok := normalized(s); ok {
			if d := ParseCanDo(n); d != c {
				t.Fatalf("ParseCanDo(%q) = %v but ParseCanDo(Normalize) = %v", s, c, d)
			}
		}
	})
}

func FuzzClassifyIntent(f *testing.F) {
	for _, s := range []string{"オンライン資格確認の導入で困っています", "ありがとう", "Hello", "DEF医療システム",
		"締め切りはいつ？", "ぶどう皮膚科"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, name, q := ClassifyIntent(s), LooksLikeName(s), IsQuestion(s)
		if i < IntentNone || i > IntentEnglish {
			t.Fatalf("ClassifyIntent(%q) = %d, out of range", s, i)
		}
		if name && (q || ParseYesNo(s) != Unknown || LooksLikeDate(s)) {
			t.Fatalf("LooksLikeName(%q) but IsQuestion %v, ParseYesNo %v, LooksLikeDate %v", s, q, ParseYesNo(s), LooksLikeDate(s))
		}
		if i == IntentThanks && q {
			t.Fatalf("ClassifyIntent(%q) = %v for a question", s, i)
		}
		if n, ok := normalized(s); ok {
			if ClassifyIntent(n) != i || LooksLikeName(n) != name || IsQuestion(n) != q {
				t.Fatalf("%q: intent %v, name %v, question %v change on Normalize", s, i, name, q)
			}
		}
	})
}

func FuzzParseYen(f *testing.F) {
	for _, s := range []string{"42万9千円", "¥429,000", "月額1万5千円", "50〜60万円", "0.5百万", "二十万円", "-5万",
		"42万円+税", "429,000円（税別）", "税込46.2万", "無料", "5", "42万円台", "込み込みで50万",
		"46.2万円（うち消費税4.2万円）", "保守料なし", "半年ごとに6万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		y, errY := ParseYen(s)
		if err != nil {
			if !errors.Is(err, ErrNotAmount) && !errors.Is(err, ErrNegative) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("ParseAmount(%q): unexpected error %v", s, err)
			}
			if a != (Amount{}) || y != (Amount{}) || errY != err {
				t.Fatalf("ParseAmount(%q) = %+v, %v; ParseYen = %+v, %v", s, a, err, y, errY)
			}
			return
		}
		switch {
		case a.Yen == 0 && (y != Amount{} || !errors.Is(errY, ErrZero)):
			t.Fatalf("ParseAmount(%q) = %+v but ParseYen = %+v, %v; want ErrZero", s, a, y, errY)
		case a.Yen > 0 && (y != a || errY != nil):
			t.Fatalf("ParseAmount(%q) = %+v but ParseYen = %+v, %v", s, a, y, errY)
		}
		if a.Yen < 0 || a.Yen > MaxYen || a.Low < 0 || a.Low > a.Yen || a.Period < Once || a.Period > Yearly ||
			a.Period != Once && !a.PeriodSaid || a.Tax < TaxUnstated || a.Tax > TaxExcluded || a.IsRange() && !a.Approx {
			t.Fatalf("ParseAmount(%q) = %+v: out of range", s, a)
		}
		if py := a.PerYear(); a.Period == Monthly && py != 12*a.Yen || a.Period != Monthly && py != a.Yen {
			t.Fatalf("ParseAmount(%q) = %+v: PerYear %d", s, a, py)
		}
		g := a.WithTax()
		if a.Tax != TaxExcluded && g != a ||
			a.Tax == TaxExcluded && (g.Yen != a.Yen*11/10 || g.Low != a.Low*11/10 || g.Tax != TaxIncluded) {
			t.Fatalf("ParseAmount(%q) = %+v: WithTax %+v", s, a, g)
		}
		// Stored and read back, the amount is the same.
		if back, err := DecodeAmount(a.String()); err != nil || back != a {
			t.Fatalf("ParseAmount(%q) = %+v, stored as %q, read back as %+v, %v", s, a, a.String(), back, err)
		}
		// Written out in Japanese, it reads back the same, but for what Japanese() does not
		// say: a bare number gets 円, a one-off period and the hedges of free are not shown.
		text := a.Japanese()
		want := a
		want.Bare = false
		if want.Period == Once {
			want.PeriodSaid = false
		}
		if want.Yen == 0 {
			want = Amount{Period: a.Period, PeriodSaid: a.PeriodSaid}
		}
		if b, err := ParseAmount(text); err != nil || b != want {
			t.Fatalf("ParseAmount(%q) = %+v but ParseAmount(%q) = %+v, %v", s, a, text, b, err)
		}
		if n, ok := normalized(s); ok {
			if b, err := ParseAmount(n); err != nil || b != a {
				t.Fatalf("ParseAmount(%q) = %+v but ParseAmount(Normalize) = %+v, %v", s, a, b, err)
			}
		}
	})
}

func FuzzDecodeAmount(f *testing.F) {
	for _, s := range []string{"429000", "~429000/m", "~10000-20000/m;ex", "5;bare", "500000/o", "462000;in", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := DecodeAmount(s)
		if err != nil {
			if !errors.Is(err, ErrAmountValue) || a != (Amount{}) {
				t.Fatalf("DecodeAmount(%q) = %+v, %v", s, a, err)
			}
			return
		}
		if a.String() != s || a.valid() != nil {
			t.Fatalf("DecodeAmount(%q) = %+v, which encodes as %q", s, a, a.String())
		}
		if b, err := a.MarshalText(); err != nil || string(b) != s {
			t.Fatalf("DecodeAmount(%q) = %+v: MarshalText %q, %v", s, a, b, err)
		}
		_ = a.Japanese()
	})
}

func FuzzParseWhen(f *testing.F) {
	nov15 := time.Date(2022, 11, 15, 10, 0, 0, 0, JST).Unix()
	for _, s := range []string{"令和5年3月末", "2023/3/31", "3月末", "来月", "3か月", "半年後", "すぐ", "2月29日",
		"来年の春", "冬", "GW明け", "年度内", "上旬", "正月明け", "秋口", "新年度", "来週中", "週明け", "月明け", "3月の頭", "4月に入ったら", "導入まで半年",
		"3月末の期限に間に合うように", "来週の水曜", "3月末（予定）", "23/1/10",
		"お世話になっております。業者からは3月末と聞いています"} {
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
			// Refused as past, too far or no such day, it is still an answer about when.
			if !errors.Is(err, ErrNotDate) && !LooksLikeDate(s) {
				t.Fatalf("ParseWhen(%q, %s): %v but LooksLikeDate is false", s, now, err)
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
		if !LooksLikeDate(s) {
			t.Fatalf("ParseWhen(%q) = %+v but LooksLikeDate is false", s, w)
		}
		if w.FromDuration && !w.Approx && d.After(today.AddDate(0, 0, 2)) {
			t.Fatalf("ParseWhen(%q, %s) = %+v: a duration of days, not approximate", s, now, w)
		}
		text := d.Format("2006/1/2")
		if back, err := ParseWhen(text, now); err != nil || !back.Date.Equal(d) || back.FromDuration || back.Approx {
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
		if found, err := FindMedicalCode(s, pref); err == nil {
			if back, err := ParseMedicalCode(found.String(), pref); err != nil || back != found || found.Table == 4 {
				t.Fatalf("FindMedicalCode(%q, %d) = %+v, but ParseMedicalCode of it = %+v, %v", s, pref, found, back, err)
			}
		} else if !errors.Is(err, ErrPharmacy) && !errors.Is(err, ErrCodeFormat) && !errors.Is(err, ErrCodePrefecture) &&
			!errors.Is(err, ErrCodeTable) && !errors.Is(err, ErrCheckDigit) && !errors.Is(err, ErrNeedPrefecture) {
			t.Fatalf("FindMedicalCode(%q, %d): unexpected error %v", s, pref, err)
		}
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
		// Whatever ParseMedicalCode reads, FindMedicalCode finds, but for a pharmacy's.
		if found, err := FindMedicalCode(s, pref); c.Table == 4 && !errors.Is(err, ErrPharmacy) ||
			c.Table != 4 && (err != nil || found != c) {
			t.Fatalf("ParseMedicalCode(%q, %d) = %+v but FindMedicalCode = %+v, %v", s, pref, c, found, err)
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
		if h := FormatPhone(p); strings.ReplaceAll(h, "-", "") != p {
			t.Fatalf("ParsePhone(%q) = %q but FormatPhone gives %q", s, p, h)
		}
	})
}

func FuzzParseContact(f *testing.F) {
	for _, s := range []string{"03-1234-5678（事務 山田）", "平日午前中に0312345678へ", "山田 03-1234-5678 午前中",
		"担当は山田です。yamada@clinic.jp", "03-1234-567", "03-1234-5678 内線123", "FAX:03-1234-5679 TEL:03-1234-5678",
		"03-1234-5678 平日9:00-17:00", "03-1234-5678 9時〜12時"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseContact(s)
		if err != nil {
			if !errors.Is(err, ErrContact) && !errors.Is(err, ErrPhone) && !errors.Is(err, ErrEmail) || c != (Contact{}) {
				t.Fatalf("ParseContact(%q) = %+v, %v", s, c, err)
			}
			return
		}
		if c.Phone == "" && c.Email == "" {
			t.Fatalf("ParseContact(%q) = %+v: neither phone nor e-mail", s, c)
		}
		if c.Phone != "" {
			// The digits and their hyphenated form both read back as the same number.
			for _, p := range []string{c.Phone, FormatPhone(c.Phone)} {
				if q, err := ParsePhone(p); err != nil || q != c.Phone {
					t.Fatalf("ParseContact(%q).Phone = %q but ParsePhone(%q) = %q, %v", s, c.Phone, p, q, err)
				}
			}
		}
		if c.Ext != "" && (c.Phone == "" || strings.Trim(c.Ext, "0123456789") != "") {
			t.Fatalf("ParseContact(%q) = %+v: an extension that is not the digits of a phone's", s, c)
		}
		if c.Email != "" {
			if e, err := ParseEmail(c.Email); err != nil || e != c.Email {
				t.Fatalf("ParseContact(%q).Email = %q but ParseEmail gives %q, %v", s, c.Email, e, err)
			}
		}
		for _, w := range []string{c.Person, c.When} {
			if !utf8.ValidString(w) || strings.TrimSpace(w) != w {
				t.Fatalf("ParseContact(%q) = %+v: untrimmed or invalid text", s, c)
			}
		}
		if n, ok := normalized(s); ok {
			if d, err := ParseContact(n); err != nil || d != c {
				t.Fatalf("ParseContact(%q) = %+v but ParseContact(Normalize) = %+v, %v", s, c, d, err)
			}
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
