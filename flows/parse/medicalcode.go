package parse

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Errors of ParseMedicalCode.
var (
	ErrCodeFormat     = errors.New("parse: a 医療機関コード is 10 digits (or the 7-digit local form)")
	ErrCodePrefecture = errors.New("parse: 医療機関コード of another prefecture")
	ErrCodeTable      = errors.New("parse: 点数表番号 must be 1 (医科), 3 (歯科) or 4 (薬局)")
	ErrCheckDigit     = errors.New("parse: 医療機関コード check digit does not match")
	ErrNeedPrefecture = errors.New("parse: the 7-digit 医療機関コード needs the prefecture")
	// ErrNoSuchPrefecture: the 都道府県番号 is 00 or 48–99, no prefecture at all. It wraps
	// ErrCodePrefecture, so a caller that knows only that one keeps working; check this first.
	ErrNoSuchPrefecture = fmt.Errorf("parse: 医療機関コード whose 都道府県番号 is no prefecture (01–47): %w", ErrCodePrefecture)
	// ErrPharmacy: a well-formed 薬局 code (点数表番号 4), which FindMedicalCode refuses: the
	// desk handles clinics and hospitals (「薬局は対象外です」).
	ErrPharmacy = errors.New("parse: 医療機関コード of a pharmacy")
)

// MedicalCode is a 医療機関コード: 都道府県番号 (2) + 点数表番号 (1) + 郡市区番号 (2) +
// 医療機関番号 (4) + 検証番号 (1).
type MedicalCode struct {
	Prefecture int    // 都道府県番号, JIS X 0401: 1…47
	Table      int    // 点数表番号: 1 医科, 3 歯科, 4 薬局
	Area       string // 郡市区番号, 2 digits
	Number     string // 医療機関番号, 4 digits (often with leading zeros: never a number range)
	Check      int    // 検証番号
}

// String returns the 10-digit form, e.g. 1310110049.
func (c MedicalCode) String() string {
	return fmt.Sprintf("%02d%d%s%s%d", c.Prefecture, c.Table, c.Area, c.Number, c.Check)
}

// ParseMedicalCode reads a 医療機関コード, in full- or half-width digits, with spaces or
// hyphens (-, －, ー) between digits allowed. pref is the prefecture code the facility gave
// (1…47), or 0 if not known.
//
// The 10-digit form is checked: prefecture 01–47 (ErrNoSuchPrefecture, which is also
// ErrCodePrefecture) and equal to pref when pref is not 0 (ErrCodePrefecture), 点数表番号
// 1, 3 or 4 (ErrCodeTable), and the 検証番号 (ErrCheckDigit).
// The 7-digit local form (郡市区番号 + 医療機関番号 + 検証番号) needs pref (ErrNeedPrefecture),
// is taken as 医科 (点数表番号 1), and its check digit is verified too. Anything else is
// ErrCodeFormat.
//
// The check digit is over the first 9 digits, except in 埼玉 (11), 千葉 (12), 東京 (13) and
// 神奈川 (14), where it covers only 郡市区番号 + 医療機関番号: there a mistyped prefecture is
// caught only by comparing with pref, and a mistyped 点数表番号 (1 → 3 or 4) not at all — the
// result is a well-formed 歯科 or 薬局 code, so a caller expecting a clinic or hospital should
// also require Table == 1.
func ParseMedicalCode(s string, pref int) (MedicalCode, error) {
	if pref < 0 || pref > 47 {
		return MedicalCode{}, ErrCodePrefecture
	}
	t, ok := prepare(s)
	if !ok {
		return MedicalCode{}, ErrCodeFormat
	}
	var d []int
	sep := false // separators seen since the last digit
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			if len(d) == 10 {
				return MedicalCode{}, ErrCodeFormat
			}
			d = append(d, int(r-'0'))
			sep = false
		case (r == ' ' || isDash(r)) && len(d) > 0:
			sep = true
		default:
			return MedicalCode{}, ErrCodeFormat
		}
	}
	if sep { // a trailing separator: 「1310110049-」
		return MedicalCode{}, ErrCodeFormat
	}

	var c MedicalCode
	switch len(d) {
	case 10:
		c.Prefecture = d[0]*10 + d[1]
		if c.Prefecture < 1 || c.Prefecture > 47 {
			return MedicalCode{}, ErrNoSuchPrefecture
		}
		if pref != 0 && c.Prefecture != pref {
			return MedicalCode{}, ErrCodePrefecture
		}
		c.Table = d[2]
		d = d[3:]
	case 7:
		if pref == 0 {
			return MedicalCode{}, ErrNeedPrefecture
		}
		c.Prefecture, c.Table = pref, 1
	default:
		return MedicalCode{}, ErrCodeFormat
	}
	if c.Table != 1 && c.Table != 3 && c.Table != 4 {
		return MedicalCode{}, ErrCodeTable
	}
	c.Area = fmt.Sprintf("%d%d", d[0], d[1])
	c.Number = fmt.Sprintf("%d%d%d%d", d[2], d[3], d[4], d[5])
	c.Check = d[6]
	if c.Check != checkDigit(c.body()) {
		return MedicalCode{}, ErrCheckDigit
	}
	return c, nil
}

// body is the digits the check digit covers: 郡市区番号 + 医療機関番号 in 埼玉, 千葉, 東京 and
// 神奈川; the first 9 digits elsewhere.
func (c MedicalCode) body() []int {
	var b []int
	if c.Prefecture < 11 || c.Prefecture > 14 {
		b = append(b, c.Prefecture/10, c.Prefecture%10, c.Table)
	}
	for _, r := range c.Area + c.Number {
		b = append(b, int(r-'0'))
	}
	return b
}

// checkDigit is the 検証番号 of body: weights 2, 1, 2, 1… from the rightmost digit, a two-digit
// product counting as the sum of its digits (modulus 10, like Luhn), check = (10 − sum mod 10)
// mod 10.
//
// Any single wrong digit in the body changes the check: a weight-1 digit changes the sum by
// its own change (1…9, never a multiple of 10), and doubling-then-summing digits maps 0…9 to
// 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 — a permutation — so a weight-2 digit changes the sum by a
// non-zero amount below 10 as well.
func checkDigit(body []int) int {
	sum := 0
	for i := range body {
		v := body[len(body)-1-i]
		if i%2 == 0 {
			v *= 2
			v = v/10 + v%10
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// FindMedicalCode finds the 医療機関コード in an answer that says more than the code:
// 「コードは2011234560です」「医療機関コード：13 1 0110049」「１３１０１１００４９（内科）」. A code is
// a run of digits, single spaces or hyphens between them allowed, that makes 10 digits (or
// the 7-digit local form); the run is read by ParseMedicalCode. Where several runs make 10 or
// 7 digits (a phone number beside the code), the one valid code wins; with none, the first
// run's error is returned; with no such run at all, ErrCodeFormat.
//
// Unlike ParseMedicalCode, a pharmacy's code (点数表番号 4) is ErrPharmacy: the caller here is
// the report of a clinic or hospital.
func FindMedicalCode(s string, pref int) (MedicalCode, error) {
	t, ok := prepare(s)
	if !ok {
		return MedicalCode{}, ErrCodeFormat
	}
	var (
		found    []MedicalCode
		firstErr error
	)
	for _, run := range digitRuns(t) {
		if n := len(run); n != 10 && n != 7 {
			continue
		}
		c, err := ParseMedicalCode(run, pref)
		switch {
		case err != nil:
			if firstErr == nil {
				firstErr = err
			}
		case !slices.Contains(found, c):
			found = append(found, c)
		}
	}
	switch {
	case len(found) > 1:
		return MedicalCode{}, ErrCodeFormat // two codes: which one?
	case len(found) == 1 && found[0].Table == 4:
		return MedicalCode{}, ErrPharmacy
	case len(found) == 1:
		return found[0], nil
	case firstErr != nil:
		return MedicalCode{}, firstErr
	}
	return MedicalCode{}, ErrCodeFormat
}

// digitRuns are the runs of ASCII digits in t, with the spaces or hyphens between digits
// dropped: 「13 1 0110049」 is one run, 1310110049, as ParseMedicalCode would read it.
func digitRuns(t string) []string {
	rs := []rune(t)
	var (
		runs []string
		b    strings.Builder
	)
	for i := 0; i < len(rs); i++ {
		if isDigit(rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		if b.Len() > 0 && (rs[i] == ' ' || isDash(rs[i])) {
			j := i
			for j < len(rs) && (rs[j] == ' ' || isDash(rs[j])) {
				j++
			}
			if j < len(rs) && isDigit(rs[j]) {
				i = j - 1 // separators between digits: the run goes on
				continue
			}
		}
		if b.Len() > 0 {
			runs = append(runs, b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 {
		runs = append(runs, b.String())
	}
	return runs
}
