package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"deskbot/bot"
	"deskbot/flows/parse"
)

// maxRecords is how many finished checklists a clinic keeps (one per vendor asked).
const maxRecords = 5

// Checklist answers the summary reads; the step ids of flows/checklist.yaml.
const (
	ckFacility = "facility_type"
	ckVendor   = "vendor"
	ckCanDo    = "can_do"
	ckCostIntr = "cost_intro"
	ckStart    = "start"
)

// Obstacle categories the checklist can point to; the values of the report's categories.
const (
	catNoVendor = "no-vendor"
	catOverCap  = "over-cap"
	catSlow     = "slow"
)

// finishChecklist keeps the answers as a record, shows the summary card and offers what
// comes next: a pre-filled report when something needs attention, another vendor, a
// comparison.
func (c *turn) finishChecklist(f *Flow) {
	rec := bot.Record{Flow: f.ID, Answers: c.s.Answers, Time: c.now}
	delete(rec.Answers, keyPicks)
	c.s.End()
	c.s.Records = append(c.s.Records, rec)
	if len(c.s.Records) > maxRecords {
		c.s.Records = c.s.Records[len(c.s.Records)-maxRecords:]
	}
	idx := len(c.s.Records) - 1
	card, cats := c.summary(f, rec)
	c.say(f.Texts["saved"])
	c.out = append(c.out, bot.Message{Card: card})
	var ch []bot.Choice
	if len(cats) > 0 {
		ch = append(ch, bot.Choice{Label: f.Texts["report_choice"], Value: cmd("prefill:" + strconv.Itoa(idx))})
	}
	ch = append(ch, bot.Choice{Label: f.Texts["another_choice"], Value: cmd("another")})
	if len(c.s.Records) > 1 {
		ch = append(ch, bot.Choice{Label: f.Texts["compare_choice"], Value: cmd("compare")})
	}
	ch = append(ch, bot.Choice{Label: c.sc.Texts["menu_choice"], Value: cmd("menu")})
	c.ask(c.sc.Texts["menu_again"], ch)
}

// summary computes the checklist's card: the answers, what needs attention, the free
// readers and the deadlines still ahead. It also returns the obstacle categories found.
func (c *turn) summary(f *Flow, rec bot.Record) (*bot.Card, []string) {
	a := rec.Answers
	card := &bot.Card{Title: fill(f.Texts["summary_title"], "vendor", a[ckVendor])}
	for _, st := range f.Steps {
		if _, ok := a[st.ID]; ok && st.applies(a) && st.Label != "" {
			card.Rows = append(card.Rows, bot.Field{Label: st.Label, Value: c.display(st, a[st.ID])})
		}
	}
	cats := checklistProblems(f, a)
	for _, cat := range cats {
		switch cat {
		case catNoVendor:
			card.Notes = append(card.Notes, f.Texts["attention_no_vendor"])
		case catSlow:
			card.Notes = append(card.Notes, fill(f.Texts["attention_slow"], "date", jpDate(operationDeadline(f))))
		case catOverCap:
			card.Notes = append(card.Notes, fill(f.Texts["attention_over_cap"], "cap", yen(f.Caps[a[ckFacility]])))
		}
	}
	if len(cats) == 0 {
		card.Notes = append(card.Notes, f.Texts["attention_none"])
	}
	readers := f.Texts["free_readers_clinic"]
	if a[ckFacility] == "hospital" {
		readers = f.Texts["free_readers_hospital"]
	}
	card.Rows = append(card.Rows, bot.Field{Label: f.Texts["readers_label"], Value: readers})
	var next []string
	for _, dl := range f.Deadlines {
		d, _ := time.ParseInLocation(time.DateOnly, dl.Date, bot.JST)
		if days := daysUntil(c.now, d); days >= 0 {
			next = append(next, fmt.Sprintf("%s %s（%s）", jpDate(d), dl.Text, daysLeft(days)))
		}
	}
	if len(next) > 0 {
		card.Rows = append(card.Rows, bot.Field{Label: f.Texts["next_steps"], Value: strings.Join(next, "\n")})
	} else {
		card.Rows = append(card.Rows, bot.Field{Label: f.Texts["next_steps"], Value: f.Texts["deadlines_passed"]})
	}
	card.Text = cardText(card)
	return card, cats
}

// checklistProblems returns the obstacle categories a checklist's answers point to.
func checklistProblems(f *Flow, a map[string]string) []string {
	var cats []string
	if a[ckCanDo] == "no" {
		cats = append(cats, catNoVendor)
	}
	if cost, ok := amountValue(a[ckCostIntr]); ok {
		if limit, has := f.Caps[a[ckFacility]]; has && cost.Yen > limit {
			cats = append(cats, catOverCap)
		}
	}
	if start, err := time.ParseInLocation(time.DateOnly, a[ckStart], bot.JST); err == nil {
		if dl := operationDeadline(f); !dl.IsZero() && start.After(dl) {
			cats = append(cats, catSlow)
		}
	}
	return cats
}

func operationDeadline(f *Flow) time.Time {
	for _, dl := range f.Deadlines {
		if dl.Operation {
			d, _ := time.ParseInLocation(time.DateOnly, dl.Date, bot.JST)
			return d
		}
	}
	return time.Time{}
}

// compare shows the kept checklists side by side: one row per vendor.
func (c *turn) compare() {
	f := c.sc.Flows["checklist"]
	card := &bot.Card{Title: f.Texts["compare_title"]}
	for _, rec := range c.s.Records {
		if rec.Flow != f.ID {
			continue
		}
		var parts []string
		for _, st := range f.Steps {
			if v, ok := rec.Answers[st.ID]; ok && st.applies(rec.Answers) && st.Label != "" && st.ID != ckVendor && st.Input != "text" {
				parts = append(parts, st.Label+"："+c.display(st, v))
			}
		}
		if cats := checklistProblems(f, rec.Answers); len(cats) > 0 {
			parts = append(parts, f.Texts["attention_mark"])
		}
		card.Rows = append(card.Rows, bot.Field{Label: rec.Answers[ckVendor], Value: strings.Join(parts, "\n")})
	}
	card.Text = cardText(card)
	c.out = append(c.out, bot.Message{Card: card})
	c.menu(c.sc.Texts["menu_again"])
}

// display renders a stored answer for a card.
func (c *turn) display(st *Step, v string) string {
	if v == "" {
		return c.sc.Texts["none"]
	}
	for _, o := range st.Choices {
		if o.Value == v {
			return o.Label
		}
	}
	switch st.Input {
	case "multi":
		return c.optionLabels(st, v)
	case "yen":
		a, ok := amountValue(v)
		if !ok {
			return v
		}
		s := yen(a.Yen)
		switch a.Period {
		case parse.Monthly:
			s = "月額" + s
		case parse.Yearly:
			s = "年額" + s
		}
		if a.Approx {
			s = "約" + s
		}
		return s
	case "when":
		if d, err := time.ParseInLocation(time.DateOnly, v, bot.JST); err == nil {
			return jpDate(d)
		}
	}
	return v
}

// cardText is a card as plain lines, for alt text and notifications.
func cardText(card *bot.Card) string {
	var b strings.Builder
	b.WriteString("【" + card.Title + "】")
	for _, r := range card.Rows {
		b.WriteString("\n" + r.Label + "：" + r.Value)
	}
	for _, n := range card.Notes {
		b.WriteString("\n⚠ " + n)
	}
	return b.String()
}

// jpDate writes a date in both calendars: 2023年3月31日（令和5年3月31日）.
func jpDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.Date()
	return fmt.Sprintf("%d年%d月%d日（%s%d月%d日）", y, m, day, reiwa(y), m, day)
}

func reiwa(y int) string {
	if y == 2019 {
		return "令和元年"
	}
	return fmt.Sprintf("令和%d年", y-2018)
}

// daysUntil counts calendar days in Japan from now to d: 0 on the day itself, negative
// once it has passed.
func daysUntil(now, d time.Time) int {
	n := now.In(bot.JST)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, bot.JST)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, bot.JST)
	return int(day.Sub(today).Hours() / 24)
}

func daysLeft(days int) string {
	if days == 0 {
		return "本日まで"
	}
	return fmt.Sprintf("あと%d日", days)
}
