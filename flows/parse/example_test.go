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

func ExampleParseAmount() {
	for _, s := range []string{"42万円+税", "税込46.2万", "50万〜60万", "月額1.5万円くらい", "無料", "５"} {
		a, err := parse.ParseAmount(s)
		if err != nil {
			fmt.Println(s, err)
			continue
		}
		fmt.Printf("%s: %s, stored %q, judged %d, period said %v, small %v\n",
			s, a.Japanese(), a.String(), a.WithTax().Yen, a.PeriodSaid, a.Small())
	}
	// Output:
	// 42万円+税: 42万円（税別）, stored "420000;ex", judged 462000, period said false, small false
	// 税込46.2万: 46.2万円（税込）, stored "462000;in", judged 462000, period said false, small false
	// 50万〜60万: 50万〜60万円, stored "~500000-600000", judged 600000, period said false, small false
	// 月額1.5万円くらい: 月額約1.5万円, stored "~15000/m", judged 15000, period said true, small false
	// 無料: 無料, stored "0", judged 0, period said false, small false
	// ５: 5円, stored "5;bare", judged 5, period said false, small true
}

func ExampleDecodeAmount() {
	a, err := parse.DecodeAmount("~10000-20000/m;ex")
	fmt.Println(a.Japanese(), a.PerYear(), a.WithTax().PerYear(), err)
	// Output: 月額1万〜2万円（税別） 240000 264000 <nil>
}

func ExampleParseCanDo() {
	for _, s := range []string{"できます", "できないけど他を紹介してくれる", "紹介してくれるそうです",
		"対応できないと言われた", "たぶん大丈夫", "他社を紹介された", "紹介もしてもらえない"} {
		fmt.Printf("%s: %v\n", s, parse.ParseCanDo(s))
	}
	// Output:
	// できます: Can
	// できないけど他を紹介してくれる: CannotRefers
	// 紹介してくれるそうです: CannotRefers
	// 対応できないと言われた: Cannot
	// たぶん大丈夫: CanUnsure
	// 他社を紹介された: CannotRefers
	// 紹介もしてもらえない: Cannot
}

func ExampleParseWhen_approximate() {
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, parse.JST)
	for _, s := range []string{"来年の春", "GW明け", "年度内", "半年くらい", "3月末"} {
		w, err := parse.ParseWhen(s, now)
		fmt.Printf("%s: %s approx=%v %v\n", s, w.Date.Format("2006-01-02"), w.Approx, err)
	}
	fmt.Println(parse.LooksLikeDate("来年の春以降"), parse.LooksLikeDate("締め切りはいつ？"))
	// Output:
	// 来年の春: 2023-05-31 approx=true <nil>
	// GW明け: 2023-05-20 approx=true <nil>
	// 年度内: 2023-03-31 approx=true <nil>
	// 半年くらい: 2023-05-15 approx=true <nil>
	// 3月末: 2023-03-31 approx=false <nil>
	// true false
}

func ExampleFindMedicalCode() {
	for _, s := range []string{"コードは2011234560です", "医療機関コード：13 1 0110049"} {
		c, err := parse.FindMedicalCode(s, 0)
		fmt.Println(c, err)
	}
	_, err := parse.FindMedicalCode("コードは5010110049です", 0)
	fmt.Println(errors.Is(err, parse.ErrNoSuchPrefecture))
	_, err = parse.FindMedicalCode("薬局です。3440712366", 0)
	fmt.Println(errors.Is(err, parse.ErrPharmacy))
	// Output:
	// 2011234560 <nil>
	// 1310110049 <nil>
	// true
	// true
}

func ExampleParseContact() {
	for _, s := range []string{"03-1234-5678（事務 山田）", "平日午前中に0312345678へ", "山田 090-1234-5678 午前中"} {
		c, err := parse.ParseContact(s)
		fmt.Printf("%s | %s | %s | %v\n", parse.FormatPhone(c.Phone), c.Person, c.When, err)
	}
	// Output:
	// 03-1234-5678 | 事務 山田 |  | <nil>
	// 03-1234-5678 |  | 平日午前中 | <nil>
	// 090-1234-5678 | 山田 | 午前中 | <nil>
}

func ExampleLooksLikeName() {
	for _, s := range []string{"DEF医療システム", "ABC医療システムさん", "締め切りはいつ？", "導入で困っています"} {
		fmt.Println(s, parse.LooksLikeName(s))
	}
	// Output:
	// DEF医療システム true
	// ABC医療システムさん true
	// 締め切りはいつ？ false
	// 導入で困っています false
}

func ExampleClassifyIntent() {
	for _, s := range []string{"オンライン資格確認の導入で困っています", "助かりました", "Hello", "締め切りはいつ？"} {
		fmt.Println(s, parse.ClassifyIntent(s))
	}
	// Output:
	// オンライン資格確認の導入で困っています IntentTrouble
	// 助かりました IntentThanks
	// Hello IntentEnglish
	// 締め切りはいつ？ IntentNone
}
