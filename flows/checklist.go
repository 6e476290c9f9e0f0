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
	ckReaders  = "readers"
	// ckCannotNext: what follows when the vendor cannot do the work (optional in the data).
	ckCannotNext = "cannot_next"
	ckStart      = "start"
)

// Checklist choice values the summary reads.
const (
	canDoNo          = "no"
	facilityHospital = "hospital"
	cannotGoOn       = "go"
	cannotReport     = "report"
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
	if fixed := c.s.From; fixed != "" {
		// A kept checklist corrected: the new one takes its place.
		c.s.Records = slices.DeleteFunc(c.s.Records, func(r bot.Record) bool { return r.ID == fixed })
	}
	c.say(f.Texts.Saved)
	id := c.keep(f, answers)
	c.s.Start(f.ID, "", nil)
	c.s.Mode, c.s.Record = bot.ModeSummary, id
	rec, _ := c.record(id)
	c.out = append(c.out, bot.Message{Card: c.summary(f, rec)})
	c.prompt()
}

// cannotNext ends the checklist of a vendor that cannot do the work, kept as it is, and
// goes where the clinic chose: the report, filled from it, or the checklist of another
// vendor.
func (c *turn) cannotNext(f *Flow, choice string) {
	answers := maps.Clone(c.s.Answers)
	id := c.keep(f, answers)
	c.say(fill(f.Texts.KeptCannot, "vendor", answers[ckVendor]))
	if choice == cannotReport {
		c.prefill(id)
		return
	}
	c.s.End()
	c.startFlow(f.ID, nil)
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

// vendorKey is a vendor name as compared: 「ＡＢＣ システム」「abcシステム」「株式会社ABCシステムさん」
// are one vendor.
func vendorKey(name string) string { return parse.NameKey(name) }

// summary computes the checklist's card: the answers, the free readers, the cap that
// applies, the deadlines still ahead of now and, as notes, what needs attention.
func (c *turn) summary(f *Flow, rec bot.Record) *bot.Card {
	a := rec.Answers
	card := &bot.Card{Title: fill(f.Texts.SummaryTitle, "vendor", a[ckVendor])}
	card.Rows = c.answerRows(f, a)
	readers := f.Texts.FreeReadersClinic
	switch ended := schemeEnded(f, c.now); {
	case a[ckFacility] == facilityHospital && ended:
		readers = f.Texts.FreeReadersHospitalEnded
	case a[ckFacility] == facilityHospital:
		readers = f.Texts.FreeReadersHospital
	case ended:
		readers = f.Texts.FreeReadersClinicEnded
	}
	card.Rows = append(card.Rows, bot.Field{Label: f.Texts.ReadersLabel, Value: readers})
	if capText := c.capText(f, a); capText != "" {
		card.Rows = append(card.Rows, bot.Field{Label: f.Texts.CapLabel, Value: capText})
	}
	card.Rows = append(card.Rows, bot.Field{Label: f.Texts.NextSteps, Value: c.deadlinesAhead(f)})
	for _, cat := range checklistProblems(f, a, c.now) {
		card.Notes = append(card.Notes, c.attention(f, cat, a))
	}
	if taxUnknown(f, a) && !schemeEnded(f, c.now) {
		card.Notes = append(card.Notes, f.Texts.AttentionTaxUnknown)
	}
	if len(card.Notes) == 0 {
		// Not a note: notes are what needs attention, and are shown as such.
		card.Rows = append(card.Rows, bot.Field{Label: f.Texts.AttentionMark, Value: f.Texts.AttentionNone})
	}
	card.Text = cardText(card)
	return card
}

// capText is the cap row of the summary: the cap that applies (a hospital's by its
// readers, every one when it has not said how many), and how a 税別 quote was compared.
func (c *turn) capText(f *Flow, a map[string]string) string {
	limit, ok := f.capFor(a)
	if !ok {
		return ""
	}
	if schemeEnded(f, c.now) {
		return f.Texts.CapEnded
	}
	var s string
	switch _, said := f.ReaderCaps[a[ckReaders]]; {
	case a[ckFacility] == facilityHospital && said:
		s = fill(f.Texts.CapReaders, "cap", japan.Yen(limit), "readers", c.display(f.step(ckReaders), a[ckReaders]))
	case a[ckFacility] == facilityHospital && len(f.ReaderCaps) > 0:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(f.ReaderCaps)) {
			parts = append(parts, fill(f.Texts.CapReadersEach, "cap", japan.Yen(f.ReaderCaps[k]),
				"readers", c.display(f.step(ckReaders), k)))
		}
		s = strings.Join(parts, "、")
	default:
		s = japan.Yen(limit)
	}
	if cost, ok := f.amount(a, ckCostIntr); ok && cost.Tax == parse.TaxExcluded {
		s += "\n" + fill(f.Texts.CapTaxAdded, "amount", c.amountText(cost.WithTax()))
	}
	return s
}

// taxUnknown reports whether the introduction cost's tax basis was asked because it
// decides the judgment, and is still not known.
func taxUnknown(f *Flow, a map[string]string) bool {
	for _, st := range f.Steps {
		if st.Of == ckCostIntr && st.Check == "tax" && st.applies(a) {
			v, answered := a[st.ID]
			return answered && v != "" && v != "in" && v != "ex"
		}
	}
	return false
}

// answerRows are the answers of f that apply, labelled, in the order asked.
func (c *turn) answerRows(f *Flow, a map[string]string) []bot.Field {
	var rows []bot.Field
	for _, st := range f.Steps {
		if v, ok := a[st.ID]; ok && st.applies(a) && st.Label != "" {
			rows = append(rows, bot.Field{Label: st.Label, Value: c.displayIn(f, st, a, v)})
		}
	}
	return rows
}

// displayIn renders the answer v of st among the answers a of f: an amount as its
// follow-up questions completed it.
func (c *turn) displayIn(f *Flow, st *Step, a map[string]string, v string) string {
	if st.Input == "yen" {
		if amt, ok := f.amount(a, st.ID); ok {
			return c.amountText(amt)
		}
	}
	return c.display(st, v)
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
		limit, _ := f.capFor(a)
		cost, _ := f.amount(a, ckCostIntr)
		if low := cost.WithTax().Low; low > 0 && low <= limit {
			// A range from under the cap to over it (「40万〜45万円」「42万円台」): it may be over.
			return fill(f.Texts.AttentionMayExceedCap, "cap", japan.Yen(limit), "amount", c.amountText(cost))
		}
		share := japan.Yen(cost.WithTax().Yen - limit)
		if cost.Approx {
			share = fill(c.sc.Texts.AmountApprox, "amount", share) // a range too: its upper end
		}
		return fill(f.Texts.AttentionOverCap, "cap", japan.Yen(limit), "amount", c.amountText(cost), "share", share)
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
// above the cap that applies (the facility type's, a hospital's by its readers; an
// approximate amount counts as said, a range as its upper end, a 税別 one with the tax
// added); operation would start after the subsidy's deadline.
//
// Once the subsidy's scheme has ended (its operation deadline is past as of now), neither
// the cap nor its deadline is judged: they no longer apply to anyone.
func checklistProblems(f *Flow, a map[string]string, now time.Time) []string {
	var cats []string
	if a[ckCanDo] == canDoNo {
		cats = append(cats, catNoVendor)
	}
	if schemeEnded(f, now) {
		return cats
	}
	if cost, ok := f.amount(a, ckCostIntr); ok {
		if limit, has := f.capFor(a); has && cost.WithTax().Yen > limit {
			cats = append(cats, catOverCap)
		}
	}
	if start, _, err := storedDate(a[ckStart]); err == nil {
		if dl := operationDeadline(f); !dl.IsZero() && start.After(dl) {
			cats = append(cats, catSlow)
		}
	}
	return cats
}

// schemeEnded reports whether the subsidy's last deadline, the start of operation, has
// passed as of now.
func schemeEnded(f *Flow, now time.Time) bool {
	dl := operationDeadline(f)
	return !dl.IsZero() && japan.DaysUntil(now, dl) < 0
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
				value := c.displayIn(f, st, rec.Answers, v)
				if amt, ok := f.amount(rec.Answers, st.ID); ok && st.PerYear {
					value = c.perYear(f, amt, value)
				}
				lines = append(lines, fill(f.Texts.CompareLine, "vendor", rec.Answers[ckVendor], "value", value))
			}
		}
		if len(lines) > 0 {
			card.Rows = append(card.Rows, bot.Field{Label: st.Label, Value: strings.Join(lines, "\n")})
		}
	}
	cats := c.sc.Flows["report"].step(rpCategories)
	var lines []string
	for _, rec := range recs {
		if found := checklistProblems(f, rec.Answers, c.now); len(found) > 0 {
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

// perYear adds to an amount shown in the comparison what it comes to in a year, so that
// vendors quoting 月額 and 年額 can be compared: 月額1万5,000円（年額にして18万円）. A free
// one is free; a one-off or an amount whose period is not known says so.
func (c *turn) perYear(f *Flow, a parse.Amount, shown string) string {
	switch {
	case a.Yen == 0 || a.Period == parse.Yearly:
		return shown
	case a.Period == parse.Monthly:
		y := a
		y.Period, y.PeriodSaid, y.Yen, y.Low = parse.Once, false, a.Yen*12, a.Low*12
		return fill(f.Texts.ComparePerYear, "amount", shown, "year", c.amountText(y))
	}
	return fill(f.Texts.ComparePerYearUnknown, "amount", shown)
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
		if d, approx, err := storedDate(v); err == nil {
			if approx {
				return approxMonth(c.sc.Texts.DateApprox, d)
			}
			return japan.Date(d)
		}
	}
	return v
}

// storedDate reads a date as a when step stores it: "2023-03-31", or "~2023-03-31" for an
// approximate one (a month, a season, a duration), whose day is the latest the words allow.
func storedDate(v string) (d time.Time, approx bool, err error) {
	v, approx = strings.CutPrefix(v, "~")
	d, err = time.ParseInLocation(time.DateOnly, v, bot.JST)
	return d, approx, err
}

// approxMonth writes the month of an approximate date in both calendars with 頃, by the
// template's {date} and {era}: 2023年2月頃（令和5年2月頃）.
func approxMonth(template string, d time.Time) string {
	y, m, day := d.Date()
	g := strconv.Itoa(y) + "年" + strconv.Itoa(int(m)) + "月"
	era, ey := japan.Era(y, m, day)
	if era == "" {
		return fill(template, "date", g, "era", g)
	}
	eyText := strconv.Itoa(ey)
	if ey == 1 {
		eyText = "元"
	}
	return fill(template, "date", g, "era", era+eyText+"年"+strconv.Itoa(int(m))+"月")
}

// amountText writes an amount as the clinic reads it, in the terms it was given:
// 月額約1万5,000円, 40万円〜45万円, 50万円（税込）.
func (c *turn) amountText(a parse.Amount) string {
	s := japan.Yen(a.Yen)
	switch {
	case a.Yen == 0:
		s = c.sc.Texts.AmountFree
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
