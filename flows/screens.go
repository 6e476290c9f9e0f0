package flows

import (
	"slices"
	"strconv"
	"strings"

	"deskbot/bot"
	"deskbot/flows/faq"
	"deskbot/flows/parse"
)

// The conversation is at one screen at a time, named by the session's Mode (at
// bot.ModeStep: the menu when no flow is in progress, else a question of the flow). Each
// screen is one type below, with
//
//   - view: what the clinic sees there — the messages that ask for its input, its choices
//     on the last. It reads the session and changes nothing, so a label typed instead of
//     tapped is matched against view's choices.
//   - text: what typed text does there, once typed choices and global words are tried
//     (desk.go: turn.text).
//   - tap: the commands only that screen takes, its own buttons; false for any other.
//
// Commands that work anywhere (メニュー, やめる, 戻る, 窓口, …) are turn.command's.
type screen interface {
	view(c *turn) []bot.Message
	text(c *turn, txt string)
	tap(c *turn, name string) bool
}

// longText is the limit from which a text question says its limit.
const longText = 200

type (
	menuScreen        struct{} // the main menu
	questionScreen    struct{} // a question of a script flow
	confirmScreen     struct{} // a report's confirmation screen
	editScreen        struct{} // the confirmation screen's list of fields to change
	summaryScreen     struct{} // a finished checklist's summary
	faqScreen         struct{} // the FAQ, its topics or after an answer
	handoffAskScreen  struct{} // asking what to ask a person
	handoffOpenScreen struct{} // an open talk with the desk
)

// screen returns the screen the session is at.
func (c *turn) screen() screen {
	switch c.s.Mode {
	case bot.ModeConfirm:
		return confirmScreen{}
	case bot.ModeEdit:
		return editScreen{}
	case bot.ModeSummary:
		return summaryScreen{}
	case bot.ModeFAQ:
		return faqScreen{}
	case bot.ModeHandoffAsk:
		return handoffAskScreen{}
	case bot.ModeHandoffOpen:
		return handoffOpenScreen{}
	}
	if c.s.Flow == "" {
		return menuScreen{}
	}
	return questionScreen{}
}

// prompt shows the current screen (again).
func (c *turn) prompt() {
	c.settle()
	c.out = append(c.out, c.screen().view(c)...)
}

// onScreen returns the choices the current screen shows.
func (c *turn) onScreen() []bot.Choice {
	v := c.screen().view(c)
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1].Choices
}

// settle moves a session off a place the knowledge base no longer has, after an edit
// swapped in between turns: a flow that is gone leaves for the menu (flows suspended
// under it stay); a question that is gone moves to the first question not yet answered,
// or, with all answered, to the report's confirmation screen or the flow's last question.
// Nothing is said; the screen it settles on is shown.
func (c *turn) settle() {
	switch c.s.Mode {
	case bot.ModeFAQ, bot.ModeHandoffAsk, bot.ModeHandoffOpen:
		return
	}
	if c.s.Flow == "" {
		if c.s.Mode != bot.ModeStep {
			c.s.Leave()
		}
		return
	}
	f := c.flow()
	if f == nil {
		c.s.Leave()
		return
	}
	if c.s.Mode != bot.ModeStep || f.step(c.s.Step) != nil {
		return
	}
	c.s.Picks = nil
	var last string
	for _, st := range f.Steps {
		if !c.asks(f, st) {
			continue
		}
		if _, done := c.s.Answers[st.ID]; !done {
			c.s.Step = st.ID
			return
		}
		last = st.ID
	}
	switch {
	case f.ID == "report":
		c.s.Mode, c.s.Step = bot.ModeConfirm, ""
	case last != "":
		c.s.Step = last
	default:
		c.s.Leave()
	}
}

// The main menu.

func (menuScreen) view(c *turn) []bot.Message {
	return []bot.Message{c.menuMessage(c.sc.Texts.MenuAgain)}
}

func (menuScreen) text(c *turn, txt string) { c.idleText(txt) }

func (menuScreen) tap(*turn, string) bool { return false }

// A question of a flow: its text (or, at a multiple choice with picks, what is picked),
// its choices, 選択を終える at a multiple choice with picks, なし・スキップ when optional.

func (questionScreen) view(c *turn) []bot.Message {
	f := c.flow()
	st := f.step(c.s.Step)
	if st == nil {
		return menuScreen{}.view(c) // not settled; prompt settles first
	}
	picked := c.s.Picks
	var ch []bot.Choice
	for _, o := range st.Choices {
		label := o.Label
		if st.Input == "multi" && slices.Contains(picked, o.Value) {
			label = c.sc.Texts.MultiPicked + label // tapped again, it is taken back
		}
		ch = append(ch, bot.Choice{Label: label, Value: ansPrefix + st.ID + ":" + o.Value})
	}
	text := st.Ask
	if of := f.step(st.Of); of != nil {
		text = fill(text, "amount", c.displayIn(f, of, c.s.Answers, c.s.Answers[st.Of]))
	}
	if st.Input == "multi" && len(picked) > 0 {
		text = fill(c.sc.Texts.MultiMore, "picked", c.optionLabels(st, picked))
		ch = append([]bot.Choice{{Label: c.sc.Texts.MultiDoneChoice, Value: cmd("done")}}, ch...)
	}
	if st.Input == "text" && st.limit() >= longText {
		text += fill(c.sc.Texts.TextLimit, "max", strconv.Itoa(st.limit()))
	}
	if st.Input == "text" && c.s.Pending != "" {
		ch = append([]bot.Choice{{Label: fill(c.sc.Texts.CutChoice, "max", strconv.Itoa(st.limit())), Value: cmd("cut")}}, ch...)
	}
	if st.Optional {
		ch = append(ch, bot.Choice{Label: c.sc.Texts.SkipChoice, Value: cmd("skip")})
	}
	if id, vendor, ok := c.latestChecklist(); ok && f.ID == "report" && len(c.s.Answers) == 0 && len(picked) == 0 {
		// A report begun from scratch while a checklist is kept: it can fill the report.
		text += fill(f.Texts.UseChecklist, "vendor", vendor)
		ch = append(ch, bot.Choice{Label: f.Texts.UseChecklistChoice, Value: cmd("prefill:" + id)})
	}
	if len(ch) > maxChoices {
		ch = ch[:maxChoices]
	}
	return []bot.Message{{Text: text, Choices: ch}}
}

// text at a question is an answer, a skip, the end of a multiple choice, or a question
// for the FAQ. Only a sentence that ends as a question is tried on the FAQ before it is
// read as an answer: 「いつになるかわからない」 answers 「運用開始はいつ」, and at a free-text
// step 「何度も断られた」 is an answer. Other text that is not understood is tried after.
func (questionScreen) text(c *turn, txt string) {
	c.settle() // a flow resumed in this turn may stand where the knowledge has no question
	f := c.flow()
	st := f.step(c.s.Step)
	if st == nil || c.s.Mode != bot.ModeStep {
		c.prompt()
		return
	}
	if endsAsQuestion(txt) && c.tryFAQ(txt, false) {
		return
	}
	if st.Optional && c.isSkip(st, txt) {
		c.skip(f, st)
		return
	}
	if st.Input == "multi" && c.isWord(txt, c.sc.Words.Resume) && len(c.s.Picks) > 0 {
		c.donePicking(f, st)
		return
	}
	c.answer(f, st, txt, false)
}

func (questionScreen) tap(c *turn, name string) bool {
	f := c.flow()
	st := f.step(c.s.Step)
	switch {
	case st == nil:
		return false
	case name == "skip" && st.Optional:
		c.skip(f, st)
	case name == "done" && st.Input == "multi":
		c.donePicking(f, st)
	case name == "cut":
		return c.cut(f, st)
	default:
		return false
	}
	return true
}

// The report's confirmation screen: everything the report will send, with the choice to
// send, change a field or stop.

func (confirmScreen) view(c *turn) []bot.Message {
	f := c.flow()
	card := &bot.Card{Title: f.Texts.ConfirmTitle, Rows: c.answerRows(f, c.s.Answers)}
	card.Text = cardText(card)
	return []bot.Message{{Card: card}, {Text: f.Texts.ConfirmAsk, Choices: []bot.Choice{
		{Label: f.Texts.SendChoice, Value: cmd("send")},
		{Label: f.Texts.EditChoice, Value: cmd("edit")},
		{Label: f.Texts.CancelChoice, Value: cmd("cancel")},
	}}}
}

// text at the confirmation screen: a field named, alone or with a change word (「施設名」
// 「施設名を直したい」), opens that field; a choice named in another form (「送信」「修正します」「送信してください」)
// is that choice, and a yes to 「送信してよろしいですか」 (「はい」「OK」) sends; anything else
// may be a question.
func (confirmScreen) text(c *turn, txt string) {
	f := c.flow()
	st := c.editableNamed(f, txt)
	if st == nil {
		st = c.fieldToChange(f, txt)
	}
	if st != nil {
		c.s.Mode = bot.ModeEdit // as if 修正する were tapped, then the field
		c.edit(st.ID)
		return
	}
	for _, ch := range []struct{ label, name string }{{f.Texts.SendChoice, "send"}, {f.Texts.EditChoice, "edit"}} {
		if namesVerb(txt, ch.label) {
			confirmScreen{}.tap(c, ch.name)
			return
		}
	}
	if parse.ParseYesNo(txt) == parse.Yes {
		c.send(f)
		return
	}
	c.notAnAnswer(txt)
}

func (confirmScreen) tap(c *turn, name string) bool {
	switch name {
	case "send":
		c.send(c.flow())
	case "edit":
		c.s.Mode, c.s.Page = bot.ModeEdit, 0
		c.prompt()
	default:
		return false
	}
	return true
}

// The confirmation screen's fields to change. When they are more than fit in one row of
// quick replies, they come in pages, with a choice for the next one.

func (editScreen) view(c *turn) []bot.Message {
	f := c.flow()
	fields := c.editable(f)
	per := maxChoices - 2
	page := c.s.Page
	if page < 0 || page*per >= len(fields) {
		page = 0
	}
	var ch []bot.Choice
	for _, st := range fields[page*per : min(len(fields), (page+1)*per)] {
		ch = append(ch, bot.Choice{Label: st.Label, Value: editPrefix + st.ID})
	}
	if len(fields) > per {
		ch = append(ch, bot.Choice{Label: f.Texts.EditMoreChoice, Value: cmd("editmore")})
	}
	back := c.sc.Texts.BackChoiceConfirm
	if f.Texts.EditBackChoice != "" {
		back = f.Texts.EditBackChoice
	}
	ch = append(ch, bot.Choice{Label: back, Value: cmd("back")})
	return []bot.Message{{Text: f.Texts.EditWhich, Choices: ch}}
}

// text on the field list picks a field by its name, on any page; anything else may be a
// question.
func (editScreen) text(c *turn, txt string) {
	if st := c.editableNamed(c.flow(), txt); st != nil {
		c.edit(st.ID)
		return
	}
	c.notAnAnswer(txt)
}

func (editScreen) tap(c *turn, name string) bool {
	if name != "editmore" {
		return false
	}
	c.s.Page++
	c.prompt()
	return true
}

// The checklist's summary, kept: what can follow it — the pre-filled report when
// something needs attention, another vendor, the comparison once two are kept, the menu.

func (summaryScreen) view(c *turn) []bot.Message {
	f := c.flow()
	id := c.s.Record
	text := f.Texts.SummaryAsk
	var ch []bot.Choice
	if rec, ok := c.record(id); ok && len(checklistProblems(f, rec.Answers, c.now)) > 0 {
		text = f.Texts.ReportOffer
		ch = append(ch, bot.Choice{Label: f.Texts.ReportChoice, Value: cmd("prefill:" + id)})
	}
	ch = append(ch, bot.Choice{Label: f.Texts.EditChoice, Value: cmd("fix")})
	ch = append(ch, bot.Choice{Label: f.Texts.AnotherChoice, Value: cmd("another")})
	if len(c.checklists()) > 1 {
		ch = append(ch, bot.Choice{Label: f.Texts.CompareChoice, Value: cmd("compare")})
	}
	ch = append(ch, bot.Choice{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")})
	return []bot.Message{{Text: text, Choices: ch}}
}

// text at the summary leaves it (the checklist is kept) and is read as at the menu: a menu
// label, a question…
func (summaryScreen) text(c *turn, txt string) {
	c.s.End()
	c.text(txt)
}

func (summaryScreen) tap(c *turn, name string) bool {
	if name != "fix" {
		return false
	}
	c.fixChecklist()
	return true
}

// The FAQ: its topic list, or, after an answer, what may follow it — the flow put aside,
// the flow the answer points to, related topics, the menu.

func (faqScreen) view(c *turn) []bot.Message {
	if c.s.Topic == "" {
		return []bot.Message{{Text: c.sc.Texts.FAQPrompt, Choices: c.faqTopics()}}
	}
	var after *faq.Answer
	if a, ok := c.k.FAQ.Answer(c.s.Topic, c.now); ok {
		after = &a
	}
	return []bot.Message{{Text: c.sc.Texts.FAQMore, Choices: c.faqChoices(after)}}
}

func (faqScreen) text(c *turn, txt string) { c.faqText(txt) }

func (faqScreen) tap(*turn, string) bool { return false }

// Asking what to ask a person: the text typed opens the thread at the desk.

func (handoffAskScreen) view(c *turn) []bot.Message {
	return []bot.Message{{Text: c.sc.Texts.HandoffAsk, Choices: []bot.Choice{{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")}}}}
}

// text opens the handoff with the question typed. Emoji or marks alone ask nothing the desk
// could answer: the clinic is asked for words, as for a sticker. (Once the handoff is open,
// a 🙏 to the person is passed on like any message.)
func (handoffAskScreen) text(c *turn, txt string) {
	if !hasWords(txt) {
		c.say(c.sc.Texts.Unsupported)
		c.prompt()
		return
	}
	c.openHandoff(txt)
}

func (handoffAskScreen) tap(*turn, string) bool { return false }

// An open talk with the desk: everything typed goes to the person, but for the cancel
// and menu words, which close it.

func (handoffOpenScreen) view(c *turn) []bot.Message {
	return []bot.Message{{Text: c.sc.Texts.HandoffOpened, Choices: c.handoffChoices()}}
}

func (handoffOpenScreen) text(c *turn, txt string) {
	switch c.globalWord(txt) {
	case "cancel", "menu":
		c.endHandoff()
		return
	}
	c.handoffMessage(txt)
}

func (handoffOpenScreen) tap(*turn, string) bool { return false }

// notAnAnswer handles text at a screen that takes no typed answer: a question the FAQ
// knows, or 「うまく読み取れませんでした」 and the screen again.
func (c *turn) notAnAnswer(txt string) {
	if c.tryFAQ(txt, false) {
		return
	}
	c.say(c.sc.Texts.NotUnderstood)
	c.prompt()
}

// isSkip reports whether txt at the optional step st says to leave it: a skip word, also
// after 特に or before a polite ending (「特にありません」「なしです」「なしでお願いします」); or,
// at a step that reads a code or a contact, which no sentence of content answers, text that
// is neither but says no or 「わかりません」 (「コードはわかりません」「連絡は不要です」).
func (c *turn) isSkip(st *Step, txt string) bool {
	w := strings.TrimPrefix(strings.TrimRight(txt, "。.!！ "), "特に")
	for _, end := range []string{"でお願いします", "でお願いいたします", "で結構です", "でいいです", "で大丈夫です", "です", "で"} {
		if x, ok := strings.CutSuffix(w, end); ok {
			w = x
			break
		}
	}
	if c.isWord(w, c.sc.Words.Skip) {
		return true
	}
	if st.Input != "code" && st.Input != "contact" {
		return false
	}
	if _, retry, _ := c.read(st, txt); retry == "" {
		return false // a code or a contact after all
	}
	yn := parse.ParseYesNo(txt)
	return yn == parse.No || yn == parse.DontKnow
}

func (c *turn) isWord(txt string, words []string) bool {
	w := strings.TrimRight(txt, "。.!！ ")
	return slices.ContainsFunc(words, func(x string) bool { return strings.EqualFold(w, x) })
}
