package parse

import (
	"errors"
	"strconv"
	"strings"
)

// ErrAmountValue is DecodeAmount's error: the text is not an Amount's String form.
var ErrAmountValue = errors.New("parse: not a stored amount")

// String encodes a for storing, in one line of ASCII that DecodeAmount reads back to the same
// value:
//
//	[~][LOW-]YEN[/m|/y|/o][;in|;ex][;bare]
//
// "~" is Approx, LOW- the lower end of a range, /m Monthly, /y Yearly, /o Once said (no
// suffix: Once, not said), ;in 税込, ;ex 税別, ;bare a number given without a unit. An amount
// read from 「約42万9千円」 is "~429000", from 「月額1〜2万円（税別）」 "~10000-20000/m;ex".
// The form extends the one flows stored before ("~429000/m"), which decodes unchanged.
func (a Amount) String() string {
	var b strings.Builder
	if a.Approx {
		b.WriteByte('~')
	}
	if a.Low > 0 {
		b.WriteString(strconv.FormatInt(a.Low, 10))
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatInt(a.Yen, 10))
	switch {
	case a.Period == Monthly:
		b.WriteString("/m")
	case a.Period == Yearly:
		b.WriteString("/y")
	case a.PeriodSaid:
		b.WriteString("/o")
	}
	switch a.Tax {
	case TaxIncluded:
		b.WriteString(";in")
	case TaxExcluded:
		b.WriteString(";ex")
	}
	if a.Bare {
		b.WriteString(";bare")
	}
	return b.String()
}

// MarshalText is String, for encoders (JSON, YAML) that store an Amount as text.
func (a Amount) MarshalText() ([]byte, error) {
	if err := a.valid(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText is DecodeAmount, for decoders.
func (a *Amount) UnmarshalText(b []byte) error {
	v, err := DecodeAmount(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// DecodeAmount reads an Amount from its String form. Only that exact form is accepted
// (DecodeAmount(s).String() == s), with 0 ≤ Low ≤ Yen ≤ MaxYen; anything else is
// ErrAmountValue.
func DecodeAmount(s string) (Amount, error) {
	var a Amount
	if len(s) > 64 {
		return Amount{}, ErrAmountValue
	}
	core, flags, _ := strings.Cut(s, ";")
	core, a.Approx = strings.CutPrefix(core, "~")
	switch {
	case strings.HasSuffix(core, "/m"):
		a.Period, a.PeriodSaid = Monthly, true
	case strings.HasSuffix(core, "/y"):
		a.Period, a.PeriodSaid = Yearly, true
	case strings.HasSuffix(core, "/o"):
		a.PeriodSaid = true
	}
	if a.PeriodSaid {
		core = core[:len(core)-2]
	}
	if lo, hi, ok := strings.Cut(core, "-"); ok {
		a.Low = decodeYen(lo)
		core = hi
	}
	a.Yen = decodeYen(core)
	for f := range strings.SplitSeq(flags, ";") {
		switch f {
		case "in":
			a.Tax = TaxIncluded
		case "ex":
			a.Tax = TaxExcluded
		case "bare":
			a.Bare = true
		}
	}
	if a.Yen < 0 || a.Low < 0 || a.valid() != nil || a.String() != s {
		return Amount{}, ErrAmountValue
	}
	return a, nil
}

// decodeYen reads a run of ASCII digits without sign or leading zero, or gives -1.
func decodeYen(s string) int64 {
	if s == "" || len(s) > 10 || (s[0] == '0' && s != "0") || strings.Trim(s, "0123456789") != "" {
		return -1
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// valid checks the invariants an encoded Amount keeps.
func (a Amount) valid() error {
	switch {
	case a.Yen < 0, a.Yen > MaxYen, a.Low < 0, a.Low > a.Yen,
		a.Period < Once, a.Period > Yearly, a.Period != Once && !a.PeriodSaid,
		a.Tax < TaxUnstated, a.Tax > TaxExcluded:
		return ErrAmountValue
	}
	return nil
}

// Japanese writes the amount as a clinic reads it: 「42.9万円」「月額約1.5万円（税別）」
// 「50万〜60万円」「年額12万円」「429,500円（税込）」「無料」. The period word comes first (月額, 年額;
// nothing for a one-off), 約 for an approximate amount that is not a range, the amount or
// range by FormatYen, and the tax basis in brackets when it was said.
func (a Amount) Japanese() string {
	var b strings.Builder
	switch a.Period {
	case Monthly:
		b.WriteString("月額")
	case Yearly:
		b.WriteString("年額")
	}
	switch {
	case a.Yen == 0:
		b.WriteString("無料")
		return b.String()
	case a.IsRange():
		lo, hi := FormatYen(a.Low), FormatYen(a.Yen)
		if strings.HasSuffix(lo, "万円") || strings.HasSuffix(lo, "億円") {
			lo = strings.TrimSuffix(lo, "円") // 50万〜60万円
		}
		b.WriteString(lo + "〜" + hi)
	default:
		if a.Approx {
			b.WriteString("約")
		}
		b.WriteString(FormatYen(a.Yen))
	}
	switch a.Tax {
	case TaxIncluded:
		b.WriteString("（税込）")
	case TaxExcluded:
		b.WriteString("（税別）")
	}
	return b.String()
}

// FormatYen writes n yen the way offices quote sums: in 万 with at most one decimal when n
// is 1万 or more and a whole number of 千 (「42.9万円」「210.1万円」「1.5万円」「1億5,000万円」),
// otherwise in full with thousands separators (「429,500円」「3,300円」「500円」).
func FormatYen(n int64) string {
	if n < 10_000 || n%1000 != 0 {
		return groupDigits(n) + "円"
	}
	oku, man := n/100_000_000, n%100_000_000
	if oku > 0 {
		if man%10_000 != 0 {
			return groupDigits(n) + "円"
		}
		s := groupDigits(oku) + "億"
		if man > 0 {
			s += groupDigits(man/10_000) + "万"
		}
		return s + "円"
	}
	s := groupDigits(man / 10_000)
	if tenth := man % 10_000 / 1000; tenth > 0 {
		s += "." + strconv.FormatInt(tenth, 10)
	}
	return s + "万円"
}

// groupDigits writes n with a comma every three digits: 1,234,567.
func groupDigits(n int64) string {
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
