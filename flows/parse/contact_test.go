package parse

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"03-1234-5678", "0312345678"},
		{"0312345678", "0312345678"},
		{"03 1234 5678", "0312345678"},
		{"03.1234.5678", "0312345678"},
		{"(03)1234-5678", "0312345678"},
		{"（０３）１２３４－５６７８", "0312345678"},
		{"０３－１２３４－５６７８", "0312345678"},
		{"03ー1234ー5678", "0312345678"},
		{"03‐1234‐5678", "0312345678"},
		{"090-1234-5678", "09012345678"},
		{"09012345678", "09012345678"},
		{"080 1234 5678", "08012345678"},
		{"070-1234-5678", "07012345678"},
		{"050-1234-5678", "05012345678"},
		{"0120-123-456", "0120123456"},
		{"0800-123-4567", "08001234567"},
		{"0570-123-456", "0570123456"},
		{"0467-12-3456", "0467123456"},
		{"01267-2-3456", "0126723456"},
		{"+81 3 1234 5678", "0312345678"},
		{"+81-3-1234-5678", "0312345678"},
		{"+81 (0)3 1234 5678", "0312345678"},
		{"+81 90 1234 5678", "09012345678"},
		{"+819012345678", "09012345678"},
		{"＋８１　３　１２３４　５６７８", "0312345678"},
		{"TEL 03-1234-5678", "0312345678"},
		{"Tel: 03-1234-5678", "0312345678"},
		{"電話 03-1234-5678", "0312345678"},
		{"電話番号は03-1234-5678", "0312345678"},
		{"携帯 090-1234-5678", "09012345678"},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"", "なし", "03-1234-567", "03-1234-56789", "3-1234-5678", "1234567890", "00-1234-5678",
		"0012345678", "090-1234-567", "050-123-4567", "020-1234-567", "09012345", "031234567890", "03-1234-5678 内線12", "03-1234-5678#12",
		"+1 212 555 0100", "+81", "+81 0", "81-3-1234-5678", "03-1234-5678+", "03-1234-abcd", "0312345678@",
		"01012345678", "00012345678", "03123456789012345678", strings.Repeat("0", 100), "\xff", "+",
	} {
		if got, err := ParsePhone(in); !errors.Is(err, ErrPhone) {
			t.Errorf("ParsePhone(%q) = %q, %v; want ErrPhone", in, got, err)
		}
	}
}

func TestParseEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"taro@example.jp", "taro@example.jp"},
		{"Taro.Yamada@Example.CO.JP", "Taro.Yamada@example.co.jp"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"},
		{" taro@example.jp　", "taro@example.jp"},
		{"mailto:taro@example.jp", "taro@example.jp"},
		{"<taro@example.jp>", "taro@example.jp"},
		{"taro+clinic@example.com", "taro+clinic@example.com"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"info@my-clinic.or.jp", "info@my-clinic.or.jp"},
		{"taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp"},
		{"a@b.co", "a@b.co"},
		{"info@例え.jp", "info@例え.jp"},
		{"x@xn--r8jz45g.jp", "x@xn--r8jz45g.jp"},
		{"taro@exam\u200bple.jp", "taro@example.jp"}, // Normalize drops invisible characters
		{"taro@exam\x00ple.jp", "taro@example.jp"},
	}
	for _, tt := range tests {
		got, err := ParseEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 59) + ".jp" // 255 bytes
	for _, in := range []string{
		"", "taro", "taro@", "@example.jp", "taro@example", "taro@@example.jp", "taro@ex@ample.jp",
		"taro yamada@example.jp", "taro@exa mple.jp", "taro@example..jp", "taro@.example.jp", "taro@example.jp.",
		"taro@-example.jp", "taro@example-.jp", "taro@example.j", "taro@example.123", "taro@exa_mple.jp",
		"ta(ro)@example.jp", "ta,ro@example.jp", "たろう@example.jp", "taro@example,jp",
		strings.Repeat("a", 65) + "@example.jp", "a@" + strings.Repeat("b", 64) + ".jp", long,
		strings.Repeat("a@b.jp", 1000), "\xff@example.jp", "<taro@example.jp",
	} {
		if got, err := ParseEmail(in); !errors.Is(err, ErrEmail) {
			t.Errorf("ParseEmail(%q) = %q, %v; want ErrEmail", in, got, err)
		}
	}
}

func TestParseContact(t *testing.T) {
	tests := []struct {
		in   string
		want Contact
	}{
		{"03-1234-5678（事務 山田）", Contact{Phone: "0312345678", Person: "事務 山田"}},
		{"０３－１２３４－５６７８（事務　山田）", Contact{Phone: "0312345678", Person: "事務 山田"}},
		{"平日午前中に0312345678へ", Contact{Phone: "0312345678", When: "平日午前中"}},
		{"午後なら090-1234-5678に、担当は田中です", Contact{Phone: "09012345678", Person: "田中", When: "午後"}},
		{"電話 0312345678 担当:佐藤、平日でしたら", Contact{Phone: "0312345678", Person: "佐藤", When: "平日"}},
		{"山田 03-1234-5678 午前中", Contact{Phone: "0312345678", Person: "山田", When: "午前中"}},
		{"03-1234-5678", Contact{Phone: "0312345678"}},
		{"090-1234-5678 山田まで。14時以降にお願いします", Contact{Phone: "09012345678", Person: "山田", When: "14時以降"}},
		{"担当は山田です。yamada@clinic.jp", Contact{Email: "yamada@clinic.jp", Person: "山田"}},
		{"メールはyamada@clinic.jpです", Contact{Email: "yamada@clinic.jp"}},
		{"TEL:03-1234-5678 担当:鈴木", Contact{Phone: "0312345678", Person: "鈴木"}},
		{"電話番号は0312345678です。よろしくお願いします", Contact{Phone: "0312345678"}},
		{"（03）1234-5678 受付 佐藤さん 診療時間外", Contact{Phone: "0312345678", Person: "受付 佐藤", When: "診療時間外"}},
		{"火曜の午後、0120-123-456", Contact{Phone: "0120123456", When: "火曜の午後"}},
		{"info@clinic.jp / 03-1234-5678", Contact{Phone: "0312345678", Email: "info@clinic.jp"}},
		// an extension stays with its number
		{"03-1234-5678 内線123", Contact{Phone: "0312345678", Ext: "123"}},
		{"03-1234-5678（内線123）", Contact{Phone: "0312345678", Ext: "123"}},
		{"０３－１２３４－５６７８　内線：１２３　事務 山田", Contact{Phone: "0312345678", Ext: "123", Person: "事務 山田"}},
		{"03-1234-5678 内123", Contact{Phone: "0312345678", Ext: "123"}},
		{"03-1234-5678 ext.123", Contact{Phone: "0312345678", Ext: "123"}},
		{"03-1234-5678 内科 山田", Contact{Phone: "0312345678", Person: "内科 山田"}},
		{"03-1234-5678 #123", Contact{Phone: "0312345678", Ext: "123"}},
		{"03-1234-5678 内線は123番", Contact{Phone: "0312345678", Ext: "123"}},
		{"0312345678内線123", Contact{Phone: "0312345678", Ext: "123"}},
		// hours after the number are not part of it
		{"03-1234-5678 9時〜12時、14時〜18時", Contact{Phone: "0312345678", When: "9時〜12時 14時〜18時"}},
		{"090 1234 5678 10時以降", Contact{Phone: "09012345678", When: "10時以降"}},
		// (代) is 代表, not a person
		{"03-1234-5678（代）", Contact{Phone: "0312345678"}},
		{"03-1234-5678 田代", Contact{Phone: "0312345678", Person: "田代"}},
		// a FAX number is not the one to call
		{"FAX:03-1234-5679 TEL:03-1234-5678", Contact{Phone: "0312345678"}},
		{"03-1234-5678 FAX 03-1234-5679", Contact{Phone: "0312345678"}},
		{"ファックス 03-1234-5679、電話 03-1234-5678 山田", Contact{Phone: "0312345678", Person: "山田"}},
		// a time of day with a colon is one time
		{"03-1234-5678 平日9:00-17:00", Contact{Phone: "0312345678", When: "平日9:00-17:00"}},
		{"03-1234-5678 山田（平日9時〜17時）", Contact{Phone: "0312345678", Person: "山田", When: "平日9時〜17時"}},
		// the courtesies of a message are no one's name
		{"お世話になっております。03-1234-5678 山田", Contact{Phone: "0312345678", Person: "山田"}},
		{"お疲れ様です。03-1234-5678", Contact{Phone: "0312345678"}},
		{"03-1234-5678 山田 ありがとうございます", Contact{Phone: "0312345678", Person: "山田"}},
		// right already
		{"０３ー１２３４ー５６７８", Contact{Phone: "0312345678"}},
		{"担当：山田 03-1234-5678", Contact{Phone: "0312345678", Person: "山田"}},
		{"03-1234-5678 担当：山田", Contact{Phone: "0312345678", Person: "山田"}},
		{"℡03-1234-5678", Contact{Phone: "0312345678"}},
		{"03-1234-5678 医事課 山田", Contact{Phone: "0312345678", Person: "医事課 山田"}},
		// A question to the desk with a number in it: its clauses name nobody.
		{"見積が高いので相談したいです 03-1111-2222 山田 午後", Contact{Phone: "0311112222", Person: "山田", When: "午後"}},
		{"補助金について 03-1111-2222 事務長", Contact{Phone: "0311112222", Person: "事務長"}},
		{"03-1111-2222 折り返しいただけますか", Contact{Phone: "0311112222"}},
		{"業者が決まらない 03-1111-2222", Contact{Phone: "0311112222"}},
	}
	for _, tt := range tests {
		got, err := ParseContact(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseContact(%q) = %+v, %v;\n want %+v", tt.in, got, err, tt.want)
		}
	}
	for in, want := range map[string]error{
		"03-1234-567":                   ErrPhone,
		"FAX:03-1234-5679":              ErrPhone,
		"担当：事務長 山田":                     ErrContact,
		"山田です、電話は03-1234":               ErrContact,
		"yamada@clinic":                 ErrEmail,
		"山田":                            ErrContact,
		"":                              ErrContact,
		strings.Repeat("0", MaxInput+1): ErrContact,
	} {
		if got, err := ParseContact(in); !errors.Is(err, want) || got != (Contact{}) {
			t.Errorf("ParseContact(%q) = %+v, %v; want %v", in, got, err, want)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	for digits, want := range map[string]string{
		"0312345678":  "03-1234-5678",
		"0612345678":  "06-1234-5678",
		"0112345678":  "011-234-5678",
		"0499212345":  "04992-1-2345",
		"0242123456":  "0242-12-3456",
		"0120123456":  "0120-123-456",
		"0570123456":  "0570-123-456",
		"08001234567": "0800-123-4567",
		"05012345678": "050-1234-5678",
		"07012345678": "070-1234-5678",
		"08012345678": "080-1234-5678",
		"09012345678": "090-1234-5678",
		"12345":       "12345", // not a number the plan knows: as given
		"":            "",
	} {
		if got := FormatPhone(digits); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", digits, got, want)
		}
	}
}
