package flows

import (
	"crypto/rand"
	"slices"
	"strconv"
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
	c.s.Leave()
	c.say(fill(f.Texts.Sent, "receipt", id))
	if !c.resumeQuietly() {
		c.menu(c.sc.Texts.MenuAgain)
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
		if v, ok := a[st.ID]; ok && st.applies(a) && st.Label != "" && !slices.Contains(reportFields, st.ID) {
			r.Answers = append(r.Answers, bot.Field{Label: st.Label, Value: c.displayIn(f, st, a, v)})
		}
	}
	if rec, ok := c.record(c.s.From); ok {
		r.Checklist = c.answerRows(c.sc.Flows["checklist"], rec.Answers)
	}
	return r
}

// prefill starts a report from the kept checklist with that record id: the categories it
// points to and every answer a report step takes `from` the checklist are filled in, so the
// clinic only adds what is missing. An answer the report step could not take (「まだわから
// ない」 where the report asks an amount) is left to ask. The pre-filled fields are named.
func (c *turn) prefill(id string) {
	rec, ok := c.record(id)
	if !ok {
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
		return
	}
	ck, rp := c.sc.Flows["checklist"], c.sc.Flows["report"]
	answers := map[string]string{}
	if cats := checklistProblems(ck, rec.Answers, c.now); len(cats) > 0 {
		answers[rpCategories] = strings.Join(cats, ",")
	}
	for _, st := range rp.Steps {
		if v := rec.Answers[st.From]; st.From != "" && takes(ck.step(st.From), st, v) {
			if amt, ok := ck.amount(rec.Answers, st.From); ok {
				v = amt.String() // as its follow-ups completed it: the tax basis, the period
			}
			answers[st.ID] = v
		}
	}
	var filled []string
	for _, st := range rp.Steps {
		if _, ok := answers[st.ID]; ok && st.applies(answers) {
			filled = append(filled, st.Label)
		}
	}
	c.s.End()
	c.s.Start(rp.ID, "", answers)
	c.s.From = id
	c.say(rp.Start)
	c.say(fill(rp.Texts.Prefilled, "fields", strings.Join(filled, "、"), "count", strconv.Itoa(len(filled))))
	c.next(rp)
}

// latestChecklist is the id and vendor of the checklist kept last, if any.
func (c *turn) latestChecklist() (id, vendor string, ok bool) {
	recs := c.checklists()
	if len(recs) == 0 {
		return "", "", false
	}
	r := recs[len(recs)-1]
	return r.ID, r.Answers[ckVendor], true
}

// takes reports whether step to can take v, the answer of step from: a real answer, not
// one of from's own choices (「まだわからない」) unless to offers the same choice.
func takes(from, to *Step, v string) bool {
	if from == nil || v == "" {
		return false
	}
	if slices.ContainsFunc(from.Choices, func(o Option) bool { return o.Value == v }) {
		return slices.ContainsFunc(to.Choices, func(o Option) bool { return o.Value == v })
	}
	return true
}

// handoffID names a new handoff; it is random so it never repeats, whatever the clock.
func handoffID() string {
	return "H-" + rand.Text()[:12]
}
