package flows

import (
	"crypto/rand"
	"maps"
	"slices"
	"strings"

	"deskbot/bot"
)

// Report answers that fill the report's own fields; the step ids of flows/report.yaml.
// Every other answered step is a category's follow-up and goes to Report.Answers.
const (
	rpCategories   = "categories"
	rpDetails      = "details"
	rpFacility     = "facility"
	rpPrefecture   = "prefecture"
	rpCode         = "code"
	rpFacilityType = "facility_type"
	rpContact      = "contact"
	rpConsent      = "consent"
)

var reportFields = []string{rpCategories, rpDetails, rpFacility, rpPrefecture, rpCode, rpFacilityType, rpContact, rpConsent}

// confirm shows everything the report will send, with the choice to send, change a field
// or stop.
func (c *turn) confirm(f *Flow) {
	card := &bot.Card{Title: f.Texts["confirm_title"]}
	for _, st := range f.Steps {
		if v, ok := c.s.Answers[st.ID]; ok && st.applies(c.s.Answers) && st.Label != "" {
			card.Rows = append(card.Rows, bot.Field{Label: st.Label, Value: c.display(st, v)})
		}
	}
	card.Text = cardText(card)
	c.out = append(c.out, bot.Message{Card: card})
	c.ask(f.Texts["confirm_ask"], []bot.Choice{
		{Label: f.Texts["send_choice"], Value: cmd("send")},
		{Label: f.Texts["edit_choice"], Value: cmd("edit")},
		{Label: f.Texts["cancel_choice"], Value: cmd("cancel")},
	})
}

// send files the report: a receipt number for the clinic, a notice for the desk (written
// with the session's reset in one commit), and the flow ends.
func (c *turn) send(f *Flow) {
	id, err := c.t.Receipt(c.ctx)
	if err != nil {
		c.err = err
		return
	}
	r := c.buildReport(f, id)
	c.notices = append(c.notices, bot.Notice{ID: id, Kind: bot.NoticeReport, Conversation: c.s.Conversation, Time: c.now, Report: &r})
	c.s.Flow, c.s.Step, c.s.Answers, c.s.Trail = "", "", nil, nil
	c.say(fill(f.Texts["sent"], "receipt", id))
	if !c.resumeQuietly() {
		c.menu(c.sc.Texts["menu_again"])
	}
}

func (c *turn) buildReport(f *Flow, id string) bot.Report {
	a := c.s.Answers
	r := bot.Report{
		ID: id, Conversation: c.s.Conversation, Created: c.now,
		Categories: picks(a[rpCategories]), Details: a[rpDetails], Facility: a[rpFacility],
		Prefecture: a[rpPrefecture], Code: a[rpCode], FacilityType: a[rpFacilityType], Contact: a[rpContact],
	}
	for _, st := range f.Steps {
		if v, ok := a[st.ID]; ok && st.applies(a) && !slices.Contains(reportFields, st.ID) {
			r.Answers = append(r.Answers, bot.Field{Label: st.Label, Value: c.display(st, v)})
		}
	}
	if from := a[keyFrom]; from != "" {
		for _, rec := range c.s.Records {
			if rec.Time.Format("20060102150405.000") == from {
				r.Checklist = c.checklistFields(rec)
			}
		}
	}
	return r
}

// checklistFields are a checklist's answers as labelled fields.
func (c *turn) checklistFields(rec bot.Record) []bot.Field {
	f := c.sc.Flows["checklist"]
	var out []bot.Field
	for _, st := range f.Steps {
		if v, ok := rec.Answers[st.ID]; ok && st.applies(rec.Answers) && st.Label != "" {
			out = append(out, bot.Field{Label: st.Label, Value: c.display(st, v)})
		}
	}
	return out
}

// prefill starts a report from the i-th kept checklist: the categories it points to and
// every answer a report step takes from the checklist are filled in, so the clinic only
// adds what is missing.
func (c *turn) prefill(i int) {
	rec := c.s.Records[i]
	ck, rp := c.sc.Flows["checklist"], c.sc.Flows["report"]
	answers := map[string]string{keyFrom: rec.Time.Format("20060102150405.000")}
	if cats := checklistProblems(ck, rec.Answers); len(cats) > 0 {
		answers[rpCategories] = strings.Join(cats, ",")
	}
	for _, st := range rp.Steps {
		if v, ok := rec.Answers[st.From]; ok && st.From != "" && v != "" {
			answers[st.ID] = v
		}
	}
	c.s.End()
	c.s.Start(rp.ID, "", answers)
	filled := slices.Collect(maps.Keys(answers))
	c.say(fill(rp.Texts["prefilled"], "count", itoa(len(filled)-1)))
	c.next(rp)
}

// handoffID names a new handoff; it is random so it never repeats, whatever the clock.
func handoffID() string {
	return "H-" + rand.Text()[:12]
}
