package faq

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// jst is Japan time. A fixed zone: Japan has no daylight saving, and the binary then needs
// no time-zone database.
var jst = time.FixedZone("JST", 9*60*60)

// Answer is a topic's answer as the clinic sees it at a given moment.
type Answer struct {
	ID, Title, Text string
	Related         []Topic // the topics to offer next, as quick replies
	Offer           string  // the flow to offer: "", OfferChecklist, OfferReport or OfferHandoff
}

// Answer returns the answer of topic id as of now. For a topic with deadlines the text ends
// with a paragraph computed against now: per deadline, the days left counted in calendar
// days of Japan time (「あと15日」), 「本日」 on the day, or 「締切済み」 and what still applies.
func (kb *KB) Answer(id string, now time.Time) (Answer, bool) {
	t, ok := kb.Topic(id)
	if !ok {
		return Answer{}, false
	}
	a := Answer{ID: t.ID, Title: t.Title, Text: t.Answer, Offer: t.Offer}
	if len(t.Deadlines) > 0 {
		a.Text += "\n\n" + deadlineParagraph(t.Deadlines, now)
	}
	for _, r := range t.Related {
		if rt, ok := kb.Topic(r); ok {
			a.Related = append(a.Related, rt)
		}
	}
	return a, true
}

// deadlineParagraph is, for example:
//
//	2022年11月15日（令和4年11月15日）時点の状況です。
//	・1機種の申込締切：2022年10月30日（令和4年10月30日）　締切済み（在庫がある限り、締切後も申し込めます）
//	・残り4機種の申込締切：2022年11月30日（令和4年11月30日）　あと15日
func deadlineParagraph(ds []Deadline, now time.Time) string {
	today := civil(now.In(jst))
	var b strings.Builder
	fmt.Fprintf(&b, "%s時点の状況です。", formatDate(today))
	for _, d := range ds {
		fmt.Fprintf(&b, "\n・%s：%s　", d.Label, formatDate(d.Date))
		switch days := daysBetween(today, civil(d.Date)); {
		case days > 0:
			fmt.Fprintf(&b, "あと%d日", days)
		case days == 0:
			b.WriteString("本日")
		default:
			b.WriteString(cmp.Or(d.Passed, "締切済み"))
			if d.Note != "" {
				fmt.Fprintf(&b, "（%s）", d.Note)
			}
		}
	}
	return b.String()
}

// civil is the calendar day of t in t's location, as midnight UTC, so that days subtract
// exactly.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysBetween(from, to time.Time) int {
	return int(to.Sub(from).Hours() / 24)
}

// formatDate writes a day in both calendars, as the desk's answers do:
// 2022年11月30日（令和4年11月30日）. The year of an era's first year reads 元年; days before
// 平成 have no era part.
func formatDate(t time.Time) string {
	y, m, d := t.Date()
	g := fmt.Sprintf("%d年%d月%d日", y, m, d)
	era, ey := japaneseEra(y, m, d)
	if era == "" {
		return g
	}
	eyText := fmt.Sprint(ey)
	if ey == 1 {
		eyText = "元"
	}
	return fmt.Sprintf("%s（%s%s年%d月%d日）", g, era, eyText, m, d)
}

func japaneseEra(y int, m time.Month, d int) (string, int) {
	ymd := y*10000 + int(m)*100 + d
	switch {
	case ymd >= 20190501:
		return "令和", y - 2018
	case ymd >= 19890108:
		return "平成", y - 1988
	}
	return "", 0
}
