package parse

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
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
// is the digits, and FormatPhone shows them with hyphens. The number must be 10 digits
// (fixed lines, 0120, 0570; not 0X0 with X ≥ 2) or 11 digits starting 0[2-9]0 (mobiles
// 070/080/090, IP phones 050, 0800), after +81 is turned back into 0.
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

// ErrContact is ParseContact's error when the answer has neither a phone number nor an
// e-mail address, nor anything that looks like one.
var ErrContact = errors.New("parse: no phone number or e-mail address")

// Contact is how the desk reaches a clinic, as ParseContact read it from one answer.
type Contact struct {
	Phone  string // digits, as ParsePhone gives them (show with FormatPhone); "" if none
	Email  string // as ParseEmail gives it; "" if none
	Ext    string // the extension of Phone (「内線123」「内123」「ext.123」), digits; "" if none
	Person string // who to ask for: 「山田」「事務 山田」; "" if not said
	When   string // a good time to call, as said: 「平日午前中」「14時以降」; "" if not said
}

// ParseContact reads a contact answer that says more than a number: 「03-1234-5678（事務 山田）」
// 「平日午前中に0312345678へ」「山田 03-1234-5678 午前中」「担当は山田です。yamada@clinic.jp」.
// The first phone number (by ParsePhone) that is not labelled FAX, with its extension
// (「03-1234-5678 内線123」), and the first e-mail address (by ParseEmail) are taken; of the
// words left, those naming a time (平日, 午前中, 14時以降, 9:00-17:00, 月曜…) make When, and a
// short name (with a role such as 事務 or 院長) makes Person; polite filler (お願いします,
// 連絡先, 電話…) and particles are dropped. The caller keeps the raw answer too: words that are
// neither are not returned.
//
// Errors: with no usable number or address, ErrPhone if something looked like a phone number
// (「03-1234-567」), ErrEmail if something looked like an address, else ErrContact.
func ParseContact(s string) (Contact, error) {
	t, ok := prepare(s)
	if !ok {
		return Contact{}, ErrContact
	}
	var (
		c          Contact
		phoneLike  bool
		emailLike  bool
		rest       = t
		removeSpan = func(span string) { rest = strings.Replace(rest, span, " ", 1) }
	)
	emailLike = strings.Contains(t, "@")
	for _, span := range reEmail.FindAllString(t, -1) {
		if e, err := ParseEmail(span); err == nil {
			c.Email = e
			removeSpan(span)
			break
		}
	}
	for _, span := range reFax.FindAllString(rest, -1) {
		phoneLike = true // a FAX number is no number to call
		removeSpan(span)
	}
	for _, loc := range rePhoneLike.FindAllStringIndex(rest, -1) {
		phoneLike = true
		if p, end, ok := phoneAt(rest[loc[0]:loc[1]]); ok {
			c.Phone = p
			end += loc[0]
			if m := reExt.FindStringSubmatch(rest[end:]); m != nil {
				c.Ext = m[1]
				end += len(m[0])
			}
			removeSpan(rest[loc[0]:end])
			break
		}
	}
	switch {
	case c.Phone == "" && c.Email == "" && phoneLike:
		return Contact{}, ErrPhone
	case c.Phone == "" && c.Email == "" && emailLike:
		return Contact{}, ErrEmail
	case c.Phone == "" && c.Email == "":
		return Contact{}, ErrContact
	}

	var person, when []string
	for _, seg := range contactFields(rest) {
		seg = trimAny(seg, contactPrefixes, contactSuffixes)
		switch {
		case seg == "" || seg == "代" || containsAny(strings.ToLower(seg), contactFillers): // (代): 代表
		case reCallTime.MatchString(seg):
			when = append(when, seg)
		case isPersonName(seg):
			person = append(person, seg)
		}
	}
	c.Person = strings.Join(person, " ")
	c.When = strings.Join(when, " ")
	return c, nil
}

var (
	reEmail     = regexp.MustCompile(`[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	rePhoneLike = regexp.MustCompile(`\+?\(?\d[\d()\-‐‑‒–—―−ー ]{6,}\d`)
	// a number labelled FAX, label and all: 「FAX:03-1234-5679」「ファックス 0312345679」.
	reFax = regexp.MustCompile(`(?i)(?:fax|ファックス|ファクス|ﾌｧｯｸｽ)\s*(?:番号)?\s*[:.]?\s*` + rePhoneLike.String())
	// an extension right after a phone number: 「内線123」「(内線:123)」「内線は123」「内123」
	// 「ext.123」「x123」「#123」.
	reExt      = regexp.MustCompile(`(?i)^\s*\(?\s*(?:内線|内|ext\.?|x|#)\s*(?:は|番号)?\s*[:.]?\s*(\d{1,6})(?:番)?\s*\)?`)
	reCallTime = regexp.MustCompile(`平日|土日|週末|祝日|休診|診療|[月火水木金土日]曜|午前|午後|昼|夕方|朝|夜|いつでも|` +
		`\d{1,2}\s*(?:時|:\d\d)|終日|営業時間`)
	// contactPrefixes and contactSuffixes are labels and particles around a name or a time.
	contactPrefixes = []string{"担当者は", "担当者", "担当は", "担当", "連絡は", "宛先", "名前は", "氏名", "名前"}
	contactSuffixes = []string{"までお願いします", "にお願いします", "へお願いします", "お願いします", "でしたら", "であれば", "なら", "です", "まで",
		"宛て", "宛", "さん", "様", "へ", "に", "で", "が", "は", "の", "を"}
	// clauseMarks (anywhere) and clauseEnds (at the end) are a clause's conjunctions and
	// endings, which no name or role has.
	clauseMarks    = []string{"ので", "から", "けど", "ます", "ません", "ました", "でした", "ている", "について", "ですか"}
	clauseEnds     = []string{"たい", "ない", "たら", "れば"}
	contactFillers = []string{"お願い", "ください", "下さい", "連絡", "電話", "番号", "tel", "fax", "メール", "mail",
		"携帯", "よろしく", "折り返し", "かけて", "つながり", "直通", "代表", "お世話", "お疲れ", "ありがとう", "恐れ入",
		"失礼"}
)

// phoneAt reads the phone number a phone-like span begins with, and where it ends: the
// whole span, or, when digits that follow after a space are not part of it (「03-1234-5678
// 9時〜12時」), the longest part before a space that is a number.
func phoneAt(span string) (digits string, end int, ok bool) {
	for end = len(span); end > 0; end = strings.LastIndexByte(span[:end], ' ') {
		if p, err := ParsePhone(span[:end]); err == nil {
			return p, end, true
		}
	}
	return "", 0, false
}

// contactFields splits what is left of a contact answer into its words, at isContactBreak;
// a colon between digits is a time (「9:00-17:00」), not a break.
func contactFields(s string) []string {
	var fields []string
	rs := []rune(s)
	start := 0
	for i, r := range rs {
		if !isContactBreak(r) || r == ':' && i > 0 && i+1 < len(rs) && isDigit(rs[i-1]) && isDigit(rs[i+1]) {
			continue
		}
		if i > start {
			fields = append(fields, string(rs[start:i]))
		}
		start = i + 1
	}
	if start < len(rs) {
		fields = append(fields, string(rs[start:]))
	}
	return fields
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isContactBreak(r rune) bool {
	switch r {
	case ' ', '、', ',', '。', '(', ')', '「', '」', '【', '】', '[', ']', ':', '/', '・', '|', ';':
		return true
	}
	return false
}

// isPersonName reports whether seg can be a name or a role: short, letters only, and not
// a clause — one with a predicate's ending or a conjunction in it (「見積が高いので相談
// したい」, written around a number in a question to the desk) says something, names nobody.
func isPersonName(seg string) bool {
	if containsAny(seg, clauseMarks) || slices.ContainsFunc(clauseEnds, func(e string) bool { return strings.HasSuffix(seg, e) }) {
		return false
	}
	n := 0
	for _, r := range seg {
		n++
		if !unicode.IsLetter(r) && r != 'ー' && r != '々' {
			return false
		}
	}
	return n <= 12
}

// FormatPhone writes the digits of a Japanese phone number (as ParsePhone gives them) with
// hyphens where Japanese numbering puts them, by the area-code lengths of the national
// numbering plan as libphonenumber keeps them: 03-1234-5678, 011-234-5678, 04992-1-2345,
// 0120-123-456, 050-1234-5678, 090-1234-5678. Digits the plan does not know are returned
// as they are rather than hyphenated by a guess.
func FormatPhone(digits string) string {
	n, err := phonenumbers.Parse(digits, "JP")
	if err != nil || !phonenumbers.IsValidNumberForRegion(n, "JP") {
		return digits
	}
	return phonenumbers.Format(n, phonenumbers.NATIONAL)
}
