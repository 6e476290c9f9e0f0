package faq

import (
	"fmt"
	"strings"
	"time"

	"deskbot/japan"
)

// jst is Japan time, in which deadlines are read.
var jst = japan.Zone

// Answer is a topic's answer as the clinic sees it at a given moment.
type Answer struct {
	ID, Title, Text string
	Related         []Topic // the topics to offer next, as quick replies
	Offer           string  // the flow to offer: "", OfferChecklist, OfferReport or OfferHandoff
}

// Answer returns the answer of topic id as of now: once past the topic's Until, its Past text
// with the dated note (true on the day it is given). For a topic with deadlines the text ends
// with a paragraph computed against now: per deadline, the days left counted in calendar
// days of Japan time (「あと15日」), 「本日」 on the day, or 「締切済み」 and what still applies.
func (kb *KB) Answer(id string, now time.Time) (Answer, bool) {
	t, ok := kb.Topic(id)
	if !ok {
		return Answer{}, false
	}
	a := Answer{ID: t.ID, Title: t.Title, Text: t.Answer, Offer: t.Offer}
	if !t.Until.IsZero() && japan.DaysUntil(now, t.Until) < 0 {
		y, m, _ := t.Source.Date()
		a.Text = t.Past + "\n" + strings.ReplaceAll(kb.countdown.Dated, "{source}", fmt.Sprintf("%d年%d月", y, m))
	}
	if len(t.Deadlines) > 0 {
		a.Text += "\n\n" + kb.countdown.paragraph(t.Deadlines, now)
	}
	for _, r := range t.Related {
		if rt, ok := kb.Topic(r); ok {
			a.Related = append(a.Related, rt)
		}
	}
	return a, true
}

// paragraph is, for example:
//
//	2022年11月15日（令和4年11月15日）時点の状況です。
//	・1機種の申込締切：2022年10月30日（令和4年10月30日）　締切済み（在庫がある限り、締切後も申し込めます）
//	・残り4機種の申込締切：2022年11月30日（令和4年11月30日）　あと15日
func (c Countdown) paragraph(ds []Deadline, now time.Time) string {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(c.AsOf, "{date}", japan.Date(now)))
	for _, d := range ds {
		fmt.Fprintf(&b, "\n・%s：%s　%s", d.Label, japan.Date(d.Date), c.Status(d, now))
	}
	return b.String()
}
