package flows

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"deskbot/bot"
	"deskbot/flows/parse"
	"deskbot/japan"
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

// Checklist choice values the summary reads.
const (
	canDoNo          = "no"
	facilityHospital = "hospital"
)

// Obstacle categories the checklist can point to; the values of the report's categories.
const (
	catNoVendor = "no-vendor"
	catOverCap  = "over-cap"
	catSlow     = "slow"
)

// finishChecklist keeps the answers as a record, shows the summary card and waits at the
// summary for what comes next: a pre-filled report when something needs attention, another
// vendor, a comparison. The summary is a state of its own so that its choices can be typed
// as well as tapped.
func (c *turn) finishChecklist(f *Flow) {
	answers := maps.Clone(c.s.Answers)
	c.say(f.Texts.Saved)
	id := c.keep(f, answers)
	c.s.Start(f.ID, "", nil)
	c.s.Mode, c.s.Record = bot.ModeSummary, id
	rec, _ := c.record(id)
	c.out = append(c.out, bot.Message{Card: c.summary(f, rec)})
	c.prompt()
}

// keep stores a finished checklist as a record and returns its id. A checklist of a vendor
// already kept replaces that one; beyond maxRecords the oldest goes. Either is said.
func (c *turn) keep(f *Flow, answers map[string]string) string {
	id := c.nextRecordID()
	vendor := vendorKey(answers[ckVendor])
	if i := slices.IndexFunc(c.s.Records, func(r bot.Record) bool {
		return r.Flow == f.ID && vendorKey(r.Answers[ckVendor]) == vendor
	}); i >= 0 {
		c.s.Records = slices.Delete(c.s.Records, i, i+1)
		c.say(fill(f.Texts.Replaced, "vendor", answers[ckVendor]))
	}
	c.s.Records = append(c.s.Records, bot.Record{ID: id, Flow: f.ID, Answers: answers, Time: c.now})
	for len(c.s.Records) > maxRecords {
		c.say(fill(f.Texts.RecordsFull, "max", strconv.Itoa(maxRecords), "vendor", c.s.Records[0].Answers[ckVendor]))
		c.s.Records = slices.Delete(c.s.Records, 0, 1)
	}
	return id
}

// nextRecordID is one more than the highest record id kept. Ids are not times: with a
// fixed clock (rehearsals, tests) several records share one.
func (c *turn) nextRecordID() string {
	n := 0
	for _, r := range c.s.Records {
		if i, err := strconv.Atoi(r.ID); err == nil && i > n {
			n = i
		}
	}
	return strconv.Itoa(n + 1)
}

// record returns the kept record with that id.
func (c *turn) record(id string) (bot.Record, bool) {
	i := slices.IndexFunc(c.s.Records, func(r bot.Record) bool { return id != "" && r.ID == id })
	if i < 0 {
		return bot.Record{}, false
	}
	return c.s.Records[i], true
}

// checklists returns the kept quote checklists, oldest first.
func (c *turn) checklists() []bot.Record {
	var out []bot.Record
	for _, r := range c.s.Records {
		if r.Flow == "checklist" {
			out = append(out, r)
		}
	}
	return out
}

// vendorKey is a vendor name as compared: 「ＡＢＣ システム」 and 「abcシステム」 are one vendor.
func vendorKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(parse.Normalize(name), " ", ""))
}

// summary computes the checklist's card: the answers, the free readers, the deadlines still
// ahead of now and, as notes, what needs attention.
func (c *turn) summary(f *Flow, rec bot.Record) *bot.Card {
	a := rec.Answers
	card := &bot.Card{Title: fill(f.Texts.SummaryTitle, "vendor", a[ckVendor])}
	card.Rows = c.answerRows(f, a)
	readers := f.Texts.FreeReadersClinic
	if a[ckFacility] == facilityHospital {
		readers = f.Texts.FreeReadersHospital
	}
	card.Rows = append(card.Rows,
		bot.Field{Label: f.Texts.ReadersLabel, Value: readers},
		bot.Field{Label: f.Texts.NextSteps, Value: c.deadlinesAhead(f)})
	for _, cat := range checklistProblems(f, a) {
		card.Notes = append(card.Notes, c.attention(f, cat, a))
	}
	if len(card.Notes) == 0 {
		card.Notes = append(card.Notes, f.Texts.AttentionNone)
	}
	card.Text = cardText(card)
	return card
}

// answerRows are the answers of f that apply, labelled, in the order asked.
func (c *turn) answerRows(f *Flow, a map[string]string) []bot.Field {
	var rows []bot.Field
	for _, st := range f.Steps {
		if v, ok := a[st.ID]; ok && st.applies(a) && st.Label != "" {
			rows = append(rows, bot.Field{Label: st.Label, Value: c.display(st, v)})
		}
	}
	return rows
}

// attention is the note of one obstacle category found in a checklist.
func (c *turn) attention(f *Flow, cat string, a map[string]string) string {
	switch cat {
	case catNoVendor:
		return f.Texts.AttentionNoVendor
	case catSlow:
		return fill(f.Texts.AttentionSlow, "date", japan.Date(operationDeadline(f)),
			"start", c.display(f.step(ckStart), a[ckStart]))
	case catOverCap:
		return fill(f.Texts.AttentionOverCap, "cap", japan.Yen(f.Caps[a[ckFacility]]),
			"amount", c.display(f.step(ckCostIntr), a[ckCostIntr]))
	}
	return ""
}

// deadlinesAhead lists the dated steps from today on, each with the days left, or says
// that all have passed.
func (c *turn) deadlinesAhead(f *Flow) string {
	var lines []string
	for _, dl := range f.deadlines {
		d := dl.Date
		days := japan.DaysUntil(c.now, d)
		if days < 0 {
			continue
		}
		left := fill(f.Texts.DaysLeft, "days", strconv.Itoa(days))
		if days == 0 {
			left = f.Texts.DueToday
		}
		lines = append(lines, fill(f.Texts.DeadlineLine, "date", japan.Date(d), "text", dl.Label, "left", left))
	}
	if len(lines) == 0 {
		return f.Texts.DeadlinesPassed
	}
	return strings.Join(lines, "\n")
}

// checklistProblems returns the obstacle categories a checklist's answers point to, in the
// order of the report's categories: the vendor cannot do the work; the introduction cost is
// above the cap for the facility type (an approximate amount counts as said; a range as its
// upper end); operation would start after the subsidy's deadline.
func checklistProblems(f *Flow, a map[string]string) []string {
	var cats []string
	if a[ckCanDo] == canDoNo {
		cats = append(cats, catNoVendor)
	}
	var cost parse.Amount
	if cost.UnmarshalText([]byte(a[ckCostIntr])) == nil {
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

// operationDeadline is the day by which operation must start for the subsidy.
func operationDeadline(f *Flow) time.Time {
	for _, dl := range f.deadlines {
		if dl.Operation {
			return dl.Date
		}
	}
	return time.Time{}
}

// compare shows the kept checklists side by side: one row per compared question, one line
// per vendor in it, then the points that need attention. In the middle of a flow the flow's
// question comes again; otherwise the menu.
func (c *turn) compare() {
	f := c.sc.Flows["checklist"]
	recs := c.checklists()
	if len(recs) > 0 {
		c.out = append(c.out, bot.Message{Card: c.comparison(f, recs)})
	}
	if !c.atMenu() && c.s.Mode != bot.ModeSummary {
		c.prompt()
		return
	}
	c.s.End()
	c.menu(c.sc.Texts.MenuAgain)
}

// comparison is the card of compare.
func (c *turn) comparison(f *Flow, recs []bot.Record) *bot.Card {
	card := &bot.Card{Title: fill(f.Texts.CompareTitle, "count", strconv.Itoa(len(recs)))}
	for _, st := range f.Steps {
		if !st.Compare {
			continue
		}
		var lines []string
		for _, rec := range recs {
			if v, ok := rec.Answers[st.ID]; ok && st.applies(rec.Answers) {
				lines = append(lines, fill(f.Texts.CompareLine, "vendor", rec.Answers[ckVendor], "value", c.display(st, v)))
			}
		}
		if len(lines) > 0 {
			card.Rows = append(card.Rows, bot.Field{Label: st.Label, Value: strings.Join(lines, "\n")})
		}
	}
	cats := c.sc.Flows["report"].step(rpCategories)
	var lines []string
	for _, rec := range recs {
		if found := checklistProblems(f, rec.Answers); len(found) > 0 {
			lines = append(lines, fill(f.Texts.CompareLine, "vendor", rec.Answers[ckVendor],
				"value", c.optionLabels(cats, found)))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, c.sc.Texts.None)
	}
	card.Rows = append(card.Rows, bot.Field{Label: f.Texts.AttentionMark, Value: strings.Join(lines, "\n")})
	card.Text = cardText(card)
	return card
}

// display renders a stored answer for a card.
func (c *turn) display(st *Step, v string) string {
	if v == "" {
		return c.sc.Texts.None
	}
	for _, o := range st.Choices {
		if o.Value == v {
			return o.Label
		}
	}
	switch st.Input {
	case "multi":
		return c.optionLabels(st, picks(v))
	case "yen":
		var a parse.Amount
		if a.UnmarshalText([]byte(v)) == nil {
			return c.amountText(a)
		}
	case "when":
		if d, err := time.ParseInLocation(time.DateOnly, v, bot.JST); err == nil {
			return japan.Date(d)
		}
	}
	return v
}

// amountText writes an amount as the clinic reads it, in the terms it was given:
// 月額約1万5,000円, 40万円〜45万円, 50万円（税込）.
func (c *turn) amountText(a parse.Amount) string {
	s := japan.Yen(a.Yen)
	switch {
	case a.Low > 0:
		s = fill(c.sc.Texts.AmountRange, "low", japan.Yen(a.Low), "high", s)
	case a.Approx:
		s = fill(c.sc.Texts.AmountApprox, "amount", s)
	}
	switch a.Period {
	case parse.Monthly:
		s = fill(c.sc.Texts.AmountMonthly, "amount", s)
	case parse.Yearly:
		s = fill(c.sc.Texts.AmountYearly, "amount", s)
	}
	switch a.Tax {
	case parse.TaxIncluded:
		s = fill(c.sc.Texts.AmountTaxIncluded, "amount", s)
	case parse.TaxExcluded:
		s = fill(c.sc.Texts.AmountTaxExcluded, "amount", s)
	}
	return s
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
