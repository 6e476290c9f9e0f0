package parse_test

import (
	"errors"
	"fmt"
	"time"

	"deskbot/flows/parse"
)

func ExampleNormalize() {
	fmt.Printf("%q\n", parse.Normalize("　ＯＫです　"))
	fmt.Printf("%q\n", parse.Normalize("４２９，０００円"))
	fmt.Printf("%q\n", parse.Normalize("ﾄｳｷｮｳ  ﾄ"))
	// Output:
	// "OKです"
	// "429,000円"
	// "トウキョウ ト"
}

func ExampleParseYesNo() {
	for _, s := range []string{"はい、できます", "ｏｋ", "無理です", "対応していないそうです", "まだわからない", "こんにちは"} {
		fmt.Printf("%s: %v\n", s, parse.ParseYesNo(s))
	}
	// Output:
	// はい、できます: Yes
	// ｏｋ: Yes
	// 無理です: No
	// 対応していないそうです: No
	// まだわからない: DontKnow
	// こんにちは: Unknown
}

func ExampleParseYen() {
	for _, s := range []string{"42万9千円", "¥429,000", "約50万", "月額1万5千円", "12万/年", "50〜60万円"} {
		a, err := parse.ParseYen(s)
		if err != nil {
			fmt.Println(s, err)
			continue
		}
		fmt.Printf("%s: %d yen %v approx=%v, %d a year\n", s, a.Yen, a.Period, a.Approx, a.PerYear())
	}
	_, err := parse.ParseYen("マイナス5万")
	fmt.Println(errors.Is(err, parse.ErrNegative))
	// Output:
	// 42万9千円: 429000 yen Once approx=false, 429000 a year
	// ¥429,000: 429000 yen Once approx=false, 429000 a year
	// 約50万: 500000 yen Once approx=true, 500000 a year
	// 月額1万5千円: 15000 yen Monthly approx=false, 180000 a year
	// 12万/年: 120000 yen Yearly approx=false, 120000 a year
	// 50〜60万円: 600000 yen Once approx=true, 600000 a year
	// true
}

func ExampleParseWhen() {
	now := time.Date(2022, 12, 20, 10, 0, 0, 0, parse.JST)
	for _, s := range []string{"令和5年3月末", "2023/3/31", "3月末", "来月", "3か月", "半年後", "すぐ"} {
		w, err := parse.ParseWhen(s, now)
		if err != nil {
			fmt.Println(s, err)
			continue
		}
		fmt.Printf("%s: %s\n", s, w.Date.Format("2006-01-02"))
	}
	for _, s := range []string{"2月30日", "2022年11月", "未定"} {
		_, err := parse.ParseWhen(s, now)
		fmt.Printf("%s: %v\n", s, err)
	}
	// Output:
	// 令和5年3月末: 2023-03-31
	// 2023/3/31: 2023-03-31
	// 3月末: 2023-03-31
	// 来月: 2023-01-31
	// 3か月: 2023-03-20
	// 半年後: 2023-06-20
	// すぐ: 2022-12-20
	// 2月30日: parse: no such date
	// 2022年11月: parse: date in the past
	// 未定: parse: not a date or a duration
}

func ExampleParsePrefecture() {
	for _, s := range []string{"東京", "とうきょうと", "ホッカイドウ", "大阪府", "１３", "Kyoto"} {
		p, ok := parse.ParsePrefecture(s)
		fmt.Println(s, p.Code, p.Name, ok)
	}
	// Output:
	// 東京 13 東京都 true
	// とうきょうと 13 東京都 true
	// ホッカイドウ 1 北海道 true
	// 大阪府 27 大阪府 true
	// １３ 13 東京都 true
	// Kyoto 26 京都府 true
}

func ExamplePrefectureByCode() {
	p, ok := parse.PrefectureByCode(34)
	fmt.Println(p.Name, ok)
	// Output: 広島県 true
}

func ExampleParseMedicalCode() {
	c, err := parse.ParseMedicalCode("１３－１－０１－１００４－９", 13)
	fmt.Println(c, c.Table, c.Area, c.Number, err)

	c, err = parse.ParseMedicalCode("0712362", 34) // the 7-digit local form
	fmt.Println(c, err)

	_, err = parse.ParseMedicalCode("3410712363", 34)
	fmt.Println(err)
	_, err = parse.ParseMedicalCode("0712362", 0)
	fmt.Println(err)
	// Output:
	// 1310110049 1 01 1004 <nil>
	// 3410712362 <nil>
	// parse: 医療機関コード check digit does not match
	// parse: the 7-digit 医療機関コード needs the prefecture
}

func ExampleParsePhone() {
	for _, s := range []string{"03-1234-5678", "（０３）１２３４－５６７８", "+81 90 1234 5678", "0120-123-456", "03-1234-567"} {
		p, err := parse.ParsePhone(s)
		fmt.Printf("%s: %q %v\n", s, p, err)
	}
	// Output:
	// 03-1234-5678: "0312345678" <nil>
	// （０３）１２３４－５６７８: "0312345678" <nil>
	// +81 90 1234 5678: "09012345678" <nil>
	// 0120-123-456: "0120123456" <nil>
	// 03-1234-567: "" parse: not a Japanese phone number
}

func ExampleParseEmail() {
	for _, s := range []string{"Taro.Yamada@Example.CO.JP", "ｉｎｆｏ＠ｃｌｉｎｉｃ．ｊｐ", "taro@example"} {
		e, err := parse.ParseEmail(s)
		fmt.Printf("%q %v\n", e, err)
	}
	// Output:
	// "Taro.Yamada@example.co.jp" <nil>
	// "info@clinic.jp" <nil>
	// "" parse: not an e-mail address
}
