package flows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"deskbot/bot"
	"deskbot/flows/parse"
)

// flow returns the script flow in progress, nil at the menu or in FAQ or handoff.
func (c *turn) flow() *Flow {
	return c.sc.Flows[c.s.Flow]
}

// startFlow begins flow id with pre-filled answers (nil for none).
func (c *turn) startFlow(id string, answers map[string]string) {
	f := c.sc.Flows[id]
	c.s.Start(id, "", answers)
	if f.Start != "" {
		c.say(f.Start)
	}
	c.next(f)
}

// next moves to the first step that applies and is not answered yet, or finishes the flow.
// Answers given earlier, pre-filled or kept through 戻る, are not asked again.
func (c *turn) next(f *Flow) {
	for _, st := range f.Steps {
		if _, done := c.s.Answers[st.ID]; !done && st.applies(c.s.Answers) {
			c.s.Step = st.ID
			c.askStep()
			return
		}
	}
	c.finish(f)
}

// askStep asks the current step's question, with its choices.
func (c *turn) askStep() {
	f := c.flow()
	if f == nil {
		c.menu(c.sc.Texts["menu_again"])
		return
	}
	switch c.s.Step {
	case stepConfirm:
		c.confirm(f)
		return
	case stepEdit:
		c.editMenu(f)
		return
	}
	st := f.step(c.s.Step)
	if st == nil {
		c.next(f)
		return
	}
	var ch []bot.Choice
	for _, o := range st.Choices {
		if st.Input == "multi" && slices.Contains(picks(c.s.Answers[keyPicks]), o.Value) {
			continue
		}
		ch = append(ch, bot.Choice{Label: o.Label, Value: ansPrefix + st.ID + ":" + o.Value})
	}
	text := st.Ask
	if st.Input == "multi" && c.s.Answers[keyPicks] != "" {
		text = fill(c.sc.Texts["multi_more"], "picked", c.optionLabels(st, c.s.Answers[keyPicks]))
		ch = append([]bot.Choice{{Label: c.sc.Texts["multi_done_choice"], Value: cmd("done")}}, ch...)
	}
	if st.Optional {
		ch = append(ch, bot.Choice{Label: c.sc.Texts["skip_choice"], Value: cmd("skip")})
	}
	if len(ch) > maxChoices {
		ch = ch[:maxChoices]
	}
	c.ask(text, ch)
}

// stepText handles text typed at a step.
func (c *turn) stepText(txt string) {
	f := c.flow()
	st := f.step(c.s.Step)
	if st == nil || c.s.Step == stepConfirm || c.s.Step == stepEdit {
		if c.tryFAQ(txt, false) {
			return
		}
		c.say(c.sc.Texts["not_understood"])
		c.prompt()
		return
	}
	if looksLikeQuestion(txt) && c.tryFAQ(txt, false) {
		return
	}
	if st.Optional && c.isWord(txt, c.sc.Words.Skip) {
		c.command("skip")
		return
	}
	if st.Input == "multi" && c.isWord(txt, c.sc.Words.Resume) && c.s.Answers[keyPicks] != "" {
		c.command("done")
		return
	}
	c.answer(f, st, txt, false)
}

func (c *turn) isWord(txt string, words []string) bool {
	w := strings.TrimRight(txt, "。.!！ ")
	return slices.ContainsFunc(words, func(x string) bool { return strings.EqualFold(w, x) })
}

// answer takes an answer to st: tapped is a choice value, otherwise typed text. An answer
// that is not understood gets a re-prompt that says what is expected, and changes nothing.
func (c *turn) answer(f *Flow, st *Step, in string, tapped bool) {
	if st == nil {
		c.prompt()
		return
	}
	value, retry := c.understand(st, in, tapped)
	if retry != "" {
		if !tapped && worthAsking(in) && c.tryFAQ(in, false) {
			return
		}
		c.say(retry)
		c.askStep()
		return
	}
	if st.Input == "multi" {
		c.pick(f, st, value)
		return
	}
	if st.Require != "" && value != st.Require {
		c.say(st.Retry)
		c.askStep()
		return
	}
	c.s.Set(st.ID, value)
	c.s.Trail = append(c.s.Trail, st.ID)
	c.say(st.Notes[value])
	c.next(f)
}

// understand turns an answer into the stored value, or says why it cannot.
func (c *turn) understand(st *Step, in string, tapped bool) (value, retry string) {
	if o, ok := matchOption(st, in, tapped); ok {
		return o.Value, ""
	}
	if tapped {
		return "", c.sc.Texts["stale_choice"]
	}
	retryOr := func(k string) string {
		if st.Retry != "" && k == "" {
			return st.Retry
		}
		if k == "" {
			k = "not_understood"
		}
		return c.sc.Texts[k]
	}
	switch st.Input {
	case "choice", "multi", "confirm":
		return "", retryOr("")
	case "yesno":
		return "", retryOr("yesno_retry")
	case "text":
		limit := st.Max
		if limit == 0 {
			limit = 200
		}
		if n := utf8.RuneCountInString(in); n > limit {
			return "", fill(c.sc.Texts["too_long"], "max", strconv.Itoa(limit))
		}
		return in, ""
	case "yen":
		a, err := parse.ParseYen(in)
		switch {
		case err == nil:
			return formatAmountValue(a), ""
		case errors.Is(err, parse.ErrNegative):
			return "", c.sc.Texts["yen_negative"]
		case errors.Is(err, parse.ErrZero):
			return "", c.sc.Texts["yen_zero"]
		case errors.Is(err, parse.ErrTooLarge):
			return "", c.sc.Texts["yen_too_large"]
		}
		return "", retryOr("yen_retry")
	case "when":
		w, err := parse.ParseWhen(in, c.now)
		switch {
		case err == nil:
			return w.Date.Format("2006-01-02"), ""
		case errors.Is(err, parse.ErrInvalidDate):
			return "", c.sc.Texts["when_invalid"]
		case errors.Is(err, parse.ErrPast):
			return "", c.sc.Texts["when_past"]
		case errors.Is(err, parse.ErrTooFar):
			return "", c.sc.Texts["when_far"]
		}
		return "", retryOr("when_retry")
	case "prefecture":
		if p, ok := parse.ParsePrefecture(in); ok {
			return p.Name, ""
		}
		return "", retryOr("prefecture_retry")
	case "code":
		pref := 0
		if p, ok := parse.ParsePrefecture(c.s.Answers["prefecture"]); ok {
			pref = p.Code
		}
		code, err := parse.ParseMedicalCode(in, pref)
		switch {
		case err == nil:
			return code.String(), ""
		case errors.Is(err, parse.ErrCheckDigit):
			return "", c.sc.Texts["code_check"]
		case errors.Is(err, parse.ErrCodePrefecture):
			return "", c.sc.Texts["code_prefecture"]
		case errors.Is(err, parse.ErrNeedPrefecture):
			return "", c.sc.Texts["code_need_prefecture"]
		}
		return "", retryOr("code_retry")
	case "contact":
		if p, err := parse.ParsePhone(in); err == nil {
			return p, ""
		}
		if e, err := parse.ParseEmail(in); err == nil {
			return e, ""
		}
		return "", retryOr("contact_retry")
	}
	return "", retryOr("")
}

// matchOption finds the option an answer names: the tapped value, or typed text equal to a
// label, value or alias, or a yes/no answer mapped to an option.
func matchOption(st *Step, in string, tapped bool) (Option, bool) {
	for _, o := range st.Choices {
		if tapped {
			if in == o.Value {
				return o, true
			}
			continue
		}
		if strings.EqualFold(in, o.Label) || strings.EqualFold(in, o.Value) ||
			slices.ContainsFunc(o.Aliases, func(a string) bool { return strings.EqualFold(in, a) }) {
			return o, true
		}
	}
	if tapped {
		return Option{}, false
	}
	if st.Input == "multi" {
		return Option{}, false
	}
	yn := parse.ParseYesNo(in)
	if yn == parse.Unknown {
		return Option{}, false
	}
	want := map[parse.YesNo]string{parse.Yes: "yes", parse.No: "no", parse.DontKnow: "dontknow"}[yn]
	for _, o := range st.Choices {
		if o.YesNo == want {
			return o, true
		}
	}
	return Option{}, false
}

// pick adds a choice to a multi step's picks; typed text may name several at once.
func (c *turn) pick(f *Flow, st *Step, value string) {
	cur := picks(c.s.Answers[keyPicks])
	if !slices.Contains(cur, value) {
		cur = append(cur, value)
	}
	c.s.Set(keyPicks, strings.Join(cur, ","))
	if len(cur) == len(st.Choices) {
		c.command("done")
		return
	}
	c.askStep()
}

func picks(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// optionLabels names the picked options of a multi step.
func (c *turn) optionLabels(st *Step, v string) string {
	var labels []string
	for _, p := range picks(v) {
		for _, o := range st.Choices {
			if o.Value == p {
				labels = append(labels, o.Label)
			}
		}
	}
	return strings.Join(labels, "、")
}

// back returns to the previous answered step, keeping the answers given.
func (c *turn) back() {
	f := c.flow()
	if f == nil {
		c.prompt()
		return
	}
	if c.s.Step == stepEdit {
		c.s.Step = stepConfirm
		c.prompt()
		return
	}
	delete(c.s.Answers, keyPicks)
	if len(c.s.Trail) == 0 {
		c.say(c.sc.Texts["back_first"])
		c.askStep()
		return
	}
	c.s.Step = c.s.Trail[len(c.s.Trail)-1]
	c.s.Trail = c.s.Trail[:len(c.s.Trail)-1]
	if st := f.step(c.s.Step); st != nil && st.Input == "multi" {
		c.s.Set(keyPicks, c.s.Answers[st.ID])
		delete(c.s.Answers, st.ID)
	}
	c.askStep()
}

// flowCommand runs a command that belongs to a flow's state; false when none does.
func (c *turn) flowCommand(name string) bool {
	f := c.flow()
	switch {
	case name == "skip" && f != nil:
		if st := f.step(c.s.Step); st != nil && st.Optional {
			c.s.Set(st.ID, "")
			c.s.Trail = append(c.s.Trail, st.ID)
			c.next(f)
			return true
		}
	case name == "done" && f != nil:
		st := f.step(c.s.Step)
		if st == nil || st.Input != "multi" {
			return false
		}
		if c.s.Answers[keyPicks] == "" {
			c.say(c.sc.Texts["multi_empty"])
			c.askStep()
			return true
		}
		c.s.Set(st.ID, c.s.Answers[keyPicks])
		delete(c.s.Answers, keyPicks)
		c.s.Trail = append(c.s.Trail, st.ID)
		c.next(f)
		return true
	case name == "send" && f != nil && c.s.Step == stepConfirm:
		c.send(f)
		return true
	case name == "edit" && f != nil && c.s.Step == stepConfirm:
		c.s.Step = stepEdit
		c.editMenu(f)
		return true
	case name == "another":
		c.s.End()
		c.startFlow("checklist", nil)
		return true
	case name == "compare":
		c.compare()
		return true
	case strings.HasPrefix(name, "prefill:"):
		i, err := strconv.Atoi(strings.TrimPrefix(name, "prefill:"))
		if err != nil || i < 0 || i >= len(c.s.Records) {
			return false
		}
		c.prefill(i)
		return true
	}
	return false
}

// finish ends a flow whose questions are all answered.
func (c *turn) finish(f *Flow) {
	switch f.ID {
	case "checklist":
		c.finishChecklist(f)
	case "report":
		c.s.Step = stepConfirm
		c.confirm(f)
	default:
		c.s.End()
		c.menu(c.sc.Texts["menu_again"])
	}
}

// editMenu offers the fields of the confirmation screen to change.
func (c *turn) editMenu(f *Flow) {
	var ch []bot.Choice
	for _, st := range f.Steps {
		if st.Edit && st.applies(c.s.Answers) && len(ch) < maxChoices-1 {
			ch = append(ch, bot.Choice{Label: st.Label, Value: editPrefix + st.ID})
		}
	}
	ch = append(ch, bot.Choice{Label: c.sc.Texts["back_choice_confirm"], Value: cmd("back")})
	c.ask(f.Texts["edit_which"], ch)
}

// edit asks one step again from the confirmation screen; after the answer, any step that
// now applies and is unanswered is asked, then the confirmation screen comes back.
func (c *turn) edit(id string) {
	f := c.flow()
	st := (*Step)(nil)
	if f != nil {
		st = f.step(id)
	}
	if st == nil || c.s.Step != stepEdit || !st.Edit {
		c.say(c.sc.Texts["stale_choice"])
		c.prompt()
		return
	}
	delete(c.s.Answers, id)
	if st.Input == "multi" {
		c.s.Set(keyPicks, "")
	}
	c.s.Trail = append(c.s.Trail, stepConfirm)
	c.s.Step = id
	c.askStep()
}

// formatAmountValue stores an amount as "yen" or "yen/m", "yen/y", with "~" for approx.
func formatAmountValue(a parse.Amount) string {
	v := strconv.FormatInt(a.Yen, 10)
	switch a.Period {
	case parse.Monthly:
		v += "/m"
	case parse.Yearly:
		v += "/y"
	}
	if a.Approx {
		v = "~" + v
	}
	return v
}

// amountValue reads a stored amount back.
func amountValue(v string) (parse.Amount, bool) {
	var a parse.Amount
	if v == "" {
		return a, false
	}
	v, a.Approx = strings.CutPrefix(v, "~")
	switch {
	case strings.HasSuffix(v, "/m"):
		a.Period, v = parse.Monthly, strings.TrimSuffix(v, "/m")
	case strings.HasSuffix(v, "/y"):
		a.Period, v = parse.Yearly, strings.TrimSuffix(v, "/y")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return a, false
	}
	a.Yen = n
	return a, true
}

// yen formats an amount in the way Japanese offices write it: 42万9,000円.
func yen(n int64) string {
	if n >= 10000 {
		man, rest := n/10000, n%10000
		if rest == 0 {
			return fmt.Sprintf("%s万円", group(man))
		}
		return fmt.Sprintf("%s万%s円", group(man), group(rest))
	}
	return group(n) + "円"
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
