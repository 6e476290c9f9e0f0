package faq_test

import (
	"fmt"
	"time"

	"deskbot/flows/faq"
	"deskbot/flows/kb"
)

func ExampleKB_Match() {
	k, err := faq.Load(kb.Embedded())
	if err != nil {
		panic(err)
	}
	for _, q := range []string{
		"ｶｰﾄﾞﾘｰﾀﾞｰの〆切っていつ？",
		"紙レセでも義務化の対象？",
		"今日の天気は？",
	} {
		m := k.Match(q)
		fmt.Printf("%s → %q\n", q, m.ID)
	}
	// Output:
	// ｶｰﾄﾞﾘｰﾀﾞｰの〆切っていつ？ → "reader-deadline"
	// 紙レセでも義務化の対象？ → "paper-exemption"
	// 今日の天気は？ → ""
}

func ExampleKB_Answer() {
	k, err := faq.Load(kb.Embedded())
	if err != nil {
		panic(err)
	}
	now := time.Date(2022, 11, 15, 10, 0, 0, 0, time.FixedZone("JST", 9*60*60))
	a, _ := k.Answer("after-deadline", now)
	fmt.Println(a.Title)
	fmt.Println(a.Text)
	for _, r := range a.Related {
		fmt.Println("→", r.Title)
	}
	// Output:
	// 締切後の申込
	// カードリーダーの申込締切を過ぎても、在庫がある限りは申し込むことができます。
	// ただ、希望の機種の在庫がなくなっていることもありますので、機種が決まったらできるだけ早くポータルサイトからお申し込みください。
	// 補助金を受けるには、2022年12月末（令和4年12月末）までの申込が条件です。
	//
	// 2022年11月15日（令和4年11月15日）時点の状況です。
	// ・1機種の申込締切：2022年10月30日（令和4年10月30日）　締切済み（在庫がある限り、締切後も申し込めます）
	// ・残り4機種の申込締切：2022年11月30日（令和4年11月30日）　あと15日
	// → カードリーダーの申込締切
	// → カードリーダーの申込方法
	// → 補助金を受ける期限
}
