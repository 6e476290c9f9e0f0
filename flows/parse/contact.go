package parse

import (
	"errors"
	"strings"
	"unicode"
)

// Errors of ParsePhone and ParseEmail.
var (
	ErrPhone = errors.New("parse: not a Japanese phone number")
	ErrEmail = errors.New("parse: not an e-mail address")
)

// ParsePhone reads a Japanese phone number — 03-1234-5678, 0312345678, 090-1234-5678,
// (03)1234-5678, 0120-123-456, ０３－１２３４－５６７８, +81 3 1234 5678, +81 (0)3-1234-5678 —
// and returns its digits alone, e.g. "0312345678": where to put the hyphens depends on the
// length of the area code, which only a full numbering table knows, so the canonical form
// is the digits. The number must be 10 digits (fixed lines, 0120, 0570; not 0X0 with X ≥ 2)
// or 11 digits starting 0[2-9]0 (mobiles 070/080/090, IP phones 050, 0800), after +81 is
// turned back into 0.
// A leading TEL, 電話, 携帯 or the like is allowed; extensions and anything else are ErrPhone.
func ParsePhone(s string) (string, error) {
	t, ok := prepare(s)
	if !ok {
		return "", ErrPhone
	}
	t = strings.ToLower(t)
	t = trimAny(t, []string{"tel", "phone", "電話番号", "電話", "携帯電話", "携帯", "固定電話", "番号", "は", ":", ".", " "}, nil)

	var b strings.Builder
	plus := false
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			if b.Len() == 15 {
				return "", ErrPhone
			}
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '(' || r == ')' || r == '.' || isDash(r):
		default:
			return "", ErrPhone
		}
	}
	digits := b.String()
	if plus {
		rest, ok := strings.CutPrefix(digits, "81")
		if !ok {
			return "", ErrPhone
		}
		digits = "0" + strings.TrimPrefix(rest, "0") // +81 (0)3… has the trunk 0 written
	}
	switch {
	case len(digits) == 10 && digits[0] == '0' && digits[1] != '0' && (digits[1] == '1' || digits[2] != '0'):
		// 0X0 with X ≥ 2 (050, 070, 080, 090…) only exists with 11 digits.
	case len(digits) == 11 && digits[0] == '0' && digits[1] >= '2' && digits[2] == '0':
	default:
		return "", ErrPhone
	}
	return digits, nil
}

// ParseEmail checks an e-mail address sanely — one @, a non-empty local part of printable
// ASCII, a domain of at least two dot-separated labels (letters, digits, hyphens; no empty
// label; a top-level domain of two letters or more), no spaces, at most 254 bytes — and
// returns it with the domain lowercased; full-width input is folded first. Consecutive dots
// and a dot before the @ are allowed in the local part: Japanese mobile carriers issued such
// addresses (taro..yamada.@docomo.ne.jp) and they still receive mail. A leading mailto: and
// surrounding <> are removed.
func ParseEmail(s string) (string, error) {
	t, ok := prepare(s)
	if !ok {
		return "", ErrEmail
	}
	t = strings.TrimPrefix(t, "mailto:")
	if strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") {
		t = t[1 : len(t)-1]
	}
	if len(t) > 254 || strings.Count(t, "@") != 1 {
		return "", ErrEmail
	}
	local, domain, _ := strings.Cut(t, "@")
	if local == "" || len(local) > 64 {
		return "", ErrEmail
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),:;<>[\]`, c) >= 0 {
			return "", ErrEmail
		}
	}
	domain = strings.ToLower(domain)
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "", ErrEmail
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", ErrEmail
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return "", ErrEmail
			}
		}
	}
	tld := labels[len(labels)-1]
	if len([]rune(tld)) < 2 || strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return "", ErrEmail
	}
	return local + "@" + domain, nil
}
