package parse

import (
	"errors"
	"fmt"
)

// Errors of ParseMedicalCode.
var (
	ErrCodeFormat     = errors.New("parse: a 医療機関コード is 10 digits (or the 7-digit local form)")
	ErrCodePrefecture = errors.New("parse: 医療機関コード of another prefecture")
	ErrCodeTable      = errors.New("parse: 点数表番号 must be 1 (医科), 3 (歯科) or 4 (薬局)")
	ErrCheckDigit     = errors.New("parse: 医療機関コード check digit does not match")
	ErrNeedPrefecture = errors.New("parse: the 7-digit 医療機関コード needs the prefecture")
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
// The 10-digit form is checked: prefecture 01–47 and equal to pref when pref is not 0
// (ErrCodePrefecture), 点数表番号 1, 3 or 4 (ErrCodeTable), and the 検証番号 (ErrCheckDigit).
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
		if c.Prefecture < 1 || c.Prefecture > 47 || (pref != 0 && c.Prefecture != pref) {
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
