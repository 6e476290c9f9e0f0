// Package flows is what the desk says and asks: the main menu, the quote checklist, the
// obstacle report, FAQ answers and the handoff to a person. Brain implements bot.Brain as a
// pure function of the session, the event and the clock; the texts, steps and choices are
// data (flows/*.yaml and faq/*.yaml of the knowledge base), the Japanese parsers live in
// flows/parse and the FAQ matcher in flows/faq.
package flows

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"deskbot/bot"
	"deskbot/flows/faq"
	"deskbot/flows/parse"
)

// Knowledge is one loaded knowledge base: the script and the FAQ.
type Knowledge struct {
	Script *Script
	FAQ    *faq.KB
}

// Load reads and validates a whole knowledge base; every problem is reported at once.
func Load(fsys fs.FS) (*Knowledge, error) {
	s, serr := LoadScript(fsys)
	kb, ferr := faq.Load(fsys)
	if serr != nil || ferr != nil {
		return nil, joinErrs(serr, ferr)
	}
	if err := s.resolveDeadlines(kb); err != nil {
		return nil, err
	}
	return &Knowledge{Script: s, FAQ: kb}, nil
}

func joinErrs(errs ...error) error {
	var msgs []string
	for _, err := range errs {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	return fmt.Errorf("%s", strings.Join(msgs, "\n"))
}

// MainMenu is the main menu as choices, for channels that show it apart from the
// conversation (LINE's rich menu).
func (k *Knowledge) MainMenu() []bot.Choice {
	out := make([]bot.Choice, 0, len(k.Script.Menu))
	for _, o := range k.Script.Menu {
		out = append(out, bot.Choice{Label: o.Label, Value: cmd(o.Value)})
	}
	return out
}

// Brain is the conversation logic, the clinic's side of the desk (slack.Desk is the staff's
// side). It is safe for concurrent use; Swap replaces the knowledge base between turns, for
// edits without a restart.
type Brain struct {
	k atomic.Pointer[Knowledge]
}

var _ bot.Brain = (*Brain)(nil)

// NewBrain returns a brain speaking from k.
func NewBrain(k *Knowledge) *Brain {
	d := &Brain{}
	d.k.Store(k)
	return d
}

// Desk is the former name of Brain.
//
// Deprecated: use Brain; slack.Desk is the desk staff's side.
type Desk = Brain

// NewDesk is the former name of NewBrain.
//
// Deprecated: use NewBrain.
func NewDesk(k *Knowledge) *Brain { return NewBrain(k) }

// Swap makes the brain speak from k from the next turn on.
func (d *Brain) Swap(k *Knowledge) { d.k.Store(k) }

// Knowledge returns the knowledge base in use.
func (d *Brain) Knowledge() *Knowledge { return d.k.Load() }

// Choice values. Commands work from any state; answers name the step they answer, so a
// choice tapped on an old message is recognised as stale instead of answering the wrong
// question.
const (
	cmdPrefix  = "cmd:"
	ansPrefix  = "ans:"
	faqPrefix  = "faq:"
	editPrefix = "edit:"
)

// menuActions are the commands a main menu entry may start.
var menuActions = []string{"checklist", "report", "faq", "handoff"}

// maxInput bounds what is read of one message; LINE allows 5,000 characters.
const maxInput = 5000

// Decide implements bot.Brain.
func (d *Brain) Decide(ctx context.Context, t *bot.Turn) (bot.Outcome, error) {
	c := &turn{ctx: ctx, k: d.k.Load(), t: t, s: t.Session, now: t.Now, offer: t.Session.Offer}
	c.sc = c.k.Script
	c.s.Offer = "" // an offer is for the next message only
	c.s.Migrate()
	c.settle()
	if t.Expired {
		c.say(c.sc.Texts.Expired)
	}
	switch t.Event.Kind {
	case bot.FollowEvent:
		c.closeHandoff()
		c.s.End()
		c.say(c.sc.Texts.Welcome)
		c.menu(c.sc.Texts.Menu)
	case bot.UnfollowEvent:
		c.closeHandoff()
		c.s.End()
		c.s.Records = nil
	case bot.UnsupportedEvent:
		if c.s.Mode == bot.ModeHandoffOpen {
			c.handoffUnsupported()
			break
		}
		c.say(c.sc.Texts.Unsupported)
		c.prompt()
	case bot.ChoiceEvent:
		c.choice(t.Event.Text)
	case bot.TextEvent:
		c.text(t.Event.Text)
	case bot.DeskReplyEvent:
		c.deskReply(t.Event.Text)
	case bot.DeskCloseEvent:
		c.deskClose(t.Event.Text)
	}
	if c.err != nil {
		return bot.Outcome{}, c.err
	}
	return bot.Outcome{Messages: c.messages(), Notices: c.notices}, nil
}

// turn is the work of one Decide call.
type turn struct {
	ctx context.Context // of this one call, for drawing a receipt number
	err error
	k   *Knowledge
	sc  *Script
	t   *bot.Turn
	s   *bot.Session
	now time.Time

	out     []bot.Message
	notices []bot.Notice
	// offer is what the previous answer offered to a typed yes (bot.Session.Offer).
	offer string
}

func (c *turn) say(text string) {
	if text != "" {
		c.out = append(c.out, bot.Message{Text: text})
	}
}

func (c *turn) ask(text string, choices []bot.Choice) {
	c.out = append(c.out, bot.Message{Text: text, Choices: choices})
}

// messages returns what to send, fitted to one LINE call.
func (c *turn) messages() []bot.Message { return fit(c.out) }

// maxMessages is how many messages LINE takes in one call.
const maxMessages = 5

// fit merges plain texts, in order, until at most maxMessages are left: a text without
// choices is joined to the text after it, the earliest pair first, with a blank line
// between. Cards and choices are never merged; if they alone are too many, the latest
// maxMessages are kept. The desk's own knowledge base says at most four messages in a turn;
// this keeps an edited one within LINE's limit.
func fit(msgs []bot.Message) []bot.Message {
	out := msgs
	for len(out) > maxMessages {
		merged := false
		for i := 0; i+1 < len(out); i++ {
			if out[i].Card == nil && out[i+1].Card == nil && len(out[i].Choices) == 0 {
				out[i+1].Text = out[i].Text + "\n\n" + out[i+1].Text
				out = append(out[:i], out[i+1:]...)
				merged = true
				break
			}
		}
		if !merged {
			out = out[len(out)-maxMessages:]
		}
	}
	return out
}

func cmd(name string) string { return cmdPrefix + name }

// menu shows the main menu with a lead text.
func (c *turn) menu(lead string) { c.out = append(c.out, c.menuMessage(lead)) }

// menuMessage is the main menu with a lead text; once the clinic keeps two checklists or
// more, with the comparison of them too.
func (c *turn) menuMessage(lead string) bot.Message {
	choices := c.k.MainMenu()
	if fr, ok := c.s.Suspended(); ok && c.atMenu() {
		if fl := c.sc.Flows[fr.Flow]; fl != nil {
			choices = append([]bot.Choice{{Label: fill(c.sc.Texts.ResumeChoice, "flow", fl.Title), Value: cmd("resume")}}, choices...)
		}
	}
	if len(c.checklists()) > 1 && len(choices) < maxChoices {
		choices = append(choices, bot.Choice{Label: c.sc.Flows["checklist"].Texts.CompareChoice, Value: cmd("compare")})
	}
	return bot.Message{Text: lead, Choices: choices}
}

// text handles a typed message.
func (c *turn) text(raw string) {
	if utf8.RuneCountInString(raw) > maxInput {
		c.say(fill(c.sc.Texts.TooLong, "max", strconv.Itoa(maxInput)))
		c.prompt()
		return
	}
	txt := parse.Normalize(raw)
	if txt == "" {
		c.say(c.sc.Texts.Empty)
		c.prompt()
		return
	}
	if v, ok := c.typedChoice(txt); ok {
		c.choice(v)
		return
	}
	if c.offer == "handoff" && parse.AcceptsOffer(txt) {
		c.command("handoff") // 「はい、お願いします」 to 「おつなぎしましょうか？」
		return
	}
	if w := c.globalWord(txt); w != "" && c.s.Mode != bot.ModeHandoffOpen {
		c.command(w)
		return
	}
	if c.s.Mode != bot.ModeHandoffAsk && c.s.Mode != bot.ModeHandoffOpen && parse.ClassifyIntent(txt) == parse.IntentPerson {
		// A person asked for in other words than 窓口 or 担当者, wherever the clinic is; a
		// flow in progress is kept and offered again when the handoff closes.
		c.command("handoff")
		return
	}
	c.screen().text(c, txt) // in an open handoff, global words too go to the person
}

// globalWord returns the command of a global word typed alone.
func (c *turn) globalWord(txt string) string {
	w := strings.TrimRight(txt, "。.!！?？ ")
	for _, g := range []struct {
		words []string
		cmd   string
	}{
		{c.sc.Words.Menu, "menu"}, {c.sc.Words.Cancel, "cancel"}, {c.sc.Words.Back, "back"},
		{c.sc.Words.Handoff, "handoff"}, {c.sc.Words.FAQ, "faq"},
	} {
		for _, x := range g.words {
			if strings.EqualFold(w, x) {
				return g.cmd
			}
		}
	}
	return ""
}

// typedChoice maps text typed instead of tapped to the choice it names, among the choices
// on screen.
func (c *turn) typedChoice(txt string) (string, bool) {
	for _, ch := range c.onScreen() {
		if strings.EqualFold(txt, ch.Label) {
			return ch.Value, true
		}
	}
	return "", false
}

// choice handles a tapped choice.
func (c *turn) choice(v string) {
	switch {
	case strings.HasPrefix(v, cmdPrefix):
		c.command(strings.TrimPrefix(v, cmdPrefix))
	case strings.HasPrefix(v, faqPrefix):
		c.answerFAQ(strings.TrimPrefix(v, faqPrefix))
	case strings.HasPrefix(v, editPrefix):
		c.edit(strings.TrimPrefix(v, editPrefix))
	case strings.HasPrefix(v, ansPrefix):
		step, val, _ := strings.Cut(strings.TrimPrefix(v, ansPrefix), ":")
		f := c.flow()
		if f == nil || step != c.s.Step {
			c.say(c.sc.Texts.StaleChoice)
			c.prompt()
			return
		}
		c.answer(f, f.step(step), val, true)
	default:
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
	}
}

// command runs a global command.
func (c *turn) command(name string) {
	switch name {
	case "menu":
		// A flow in progress is put aside, not thrown away: the menu offers to go on with
		// it at the same question, and やめる there discards it.
		c.closeHandoff()
		if f := c.flow(); f != nil && c.s.Mode != bot.ModeSummary {
			c.s.Suspend()
			c.menu(fill(c.sc.Texts.MenuSuspended, "flow", f.Title))
			return
		}
		c.s.Leave()
		if fr, ok := c.s.Suspended(); ok && c.sc.Flows[fr.Flow] != nil {
			c.menu(fill(c.sc.Texts.MenuSuspended, "flow", c.sc.Flows[fr.Flow].Title))
			return
		}
		c.s.End()
		c.menu(c.sc.Texts.Menu)
	case "cancel":
		if c.s.Mode == bot.ModeSummary && len(c.s.Stack) == 0 {
			c.s.End() // at the summary the checklist is already kept: nothing to cancel
			c.menu(c.sc.Texts.Menu)
			return
		}
		if c.atMenu() {
			// At the menu, a flow put aside is what there is to cancel.
			had := len(c.s.Stack) > 0
			c.s.End()
			if had {
				c.menu(c.sc.Texts.Cancelled)
				return
			}
			c.menu(c.sc.Texts.Menu)
			return
		}
		if c.s.Mode == bot.ModeFAQ {
			// Asked a question in the middle of a flow, then 「やめる」: the flow is what
			// stops, not the question.
			c.s.Resume()
		}
		c.closeHandoff()
		// Only the innermost flow is cancelled: one suspended under it comes back.
		c.s.Leave()
		if _, ok := c.s.Suspended(); ok {
			c.say(c.sc.Texts.Cancelled)
			c.resumeQuietly()
			return
		}
		c.s.End()
		c.menu(c.sc.Texts.Cancelled)
	case "back":
		c.back()
	case "handoff":
		c.startHandoff()
	case "faq":
		if c.s.Mode != bot.ModeFAQ {
			c.s.Suspend()
		}
		c.s.Enter(bot.ModeFAQ)
		c.ask(c.sc.Texts.FAQPrompt, c.faqTopics())
	case "faqmore":
		if c.s.Mode != bot.ModeFAQ || c.s.Topic != "" {
			c.say(c.sc.Texts.StaleChoice)
			c.prompt()
			return
		}
		c.s.Page++
		if per := c.faqPerPage(); c.s.Page*per >= len(c.k.FAQ.Topics()) {
			c.s.Page = 0 // after the last page, the first again
		}
		c.prompt()
	case "resume":
		c.resume()
	case "close":
		c.endHandoff()
	case "checklist", "report":
		// Started from an FAQ answer, a new flow goes on top of one suspended under the
		// FAQ, which comes back when the new one ends; the same flow starts afresh.
		keep := c.s.Mode == bot.ModeFAQ || c.atMenu()
		if f, ok := c.s.Suspended(); ok && f.Flow == name {
			if c.atMenu() {
				c.resume() // chosen again from the menu: where it was left
				return
			}
			keep = false
		}
		if keep {
			c.s.Leave()
		} else {
			c.s.End()
		}
		c.startFlow(name, nil)
	case "another":
		c.s.End()
		c.startFlow("checklist", nil)
	case "compare":
		c.compare()
	default:
		if id, ok := strings.CutPrefix(name, "prefill:"); ok {
			c.prefill(id)
			return
		}
		if c.screen().tap(c, name) {
			return
		}
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
	}
}

// atMenu reports whether the conversation is at the main menu.
func (c *turn) atMenu() bool { return c.s.Mode == bot.ModeStep && c.s.Flow == "" }

// idleText answers a message typed at the menu: trouble gets the report and the desk
// offered (not an FAQ answer that merely mentions the topic), thanks and English a word of
// their own; otherwise a confident FAQ match, or the menu.
func (c *turn) idleText(txt string) {
	if _, ok := c.s.Suspended(); ok && c.isWord(txt, c.sc.Words.Resume) {
		c.resume()
		return
	}
	if c.intent(txt) {
		return
	}
	if c.tryFAQ(txt, false) {
		return
	}
	if looksLikeQuestion(txt) {
		c.unsure()
		return
	}
	c.menu(c.sc.Texts.Menu)
}

// intent answers a message that is about none of the bot's questions by its intent:
// trouble is offered the report and the desk, thanks and English get a word and the
// screen again. It reports false for any other message.
func (c *turn) intent(txt string) bool {
	switch parse.ClassifyIntent(txt) {
	case parse.IntentTrouble:
		c.ask(c.sc.Texts.Trouble, []bot.Choice{
			{Label: c.sc.Flows["report"].Title, Value: cmd("report")},
			{Label: c.sc.Texts.HandoffChoice, Value: cmd("handoff")},
			{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")},
		})
	case parse.IntentThanks:
		c.say(c.sc.Texts.Thanks)
		c.prompt()
	case parse.IntentEnglish:
		c.say(c.sc.Texts.English)
		c.prompt()
	default:
		return false
	}
	return true
}

// faqText answers a message typed in FAQ mode. With a flow suspended under the FAQ, a
// resume word (続ける) resumes it, and text that is not a question — one the FAQ does not
// know, or knows only as a pointer to that same flow — is taken as the answer to its step.
func (c *turn) faqText(txt string) {
	if _, ok := c.s.Suspended(); ok && c.isWord(txt, c.sc.Words.Resume) {
		c.resume()
		return
	}
	if fr, ok := c.s.Suspended(); ok && !looksLikeQuestion(txt) {
		if m := c.k.FAQ.Match(txt); m.ID == "" || c.offers(m.ID, fr.Flow) {
			c.s.Resume()
			c.screen().text(c, txt)
			return
		}
	}
	if !c.tryFAQ(txt, true) && !c.intent(txt) {
		c.unsure()
	}
}

// tryFAQ answers txt if the FAQ is confident; inFAQ says the clinic is already asking. In
// a flow, an answer whose point is to offer that very flow (「障害はどこに報告？」 while
// reporting one) helps no one: the flow's own re-prompt does better.
func (c *turn) tryFAQ(txt string, inFAQ bool) bool {
	m := c.k.FAQ.Match(txt)
	if m.ID == "" {
		return false
	}
	if !inFAQ && c.offers(m.ID, c.s.Flow) {
		return false
	}
	if !inFAQ {
		c.s.Suspend()
		c.s.Enter(bot.ModeFAQ)
	}
	c.answerFAQ(m.ID)
	return true
}

// offers reports whether the FAQ topic id points to flow, which is not "".
func (c *turn) offers(id, flow string) bool {
	t, ok := c.k.FAQ.Topic(id)
	return ok && flow != "" && t.Offer == flow
}

// answerFAQ says a topic's answer, then offers related topics, the flow the answer points
// to, and the way back to a suspended flow.
func (c *turn) answerFAQ(id string) {
	a, ok := c.k.FAQ.Answer(id, c.now)
	if !ok {
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
		return
	}
	if c.s.Mode != bot.ModeFAQ {
		c.s.Suspend()
		c.s.Enter(bot.ModeFAQ)
	}
	c.s.Topic = id
	c.say(a.Text)
	c.ask(c.sc.Texts.FAQMore, c.faqChoices(&a))
}

// faqChoices are the choices after an answer: resume a suspended flow first, then the
// offered flow, related topics and the menu.
func (c *turn) faqChoices(a *faq.Answer) []bot.Choice {
	var ch []bot.Choice
	if f, ok := c.s.Suspended(); ok {
		if fl := c.sc.Flows[f.Flow]; fl != nil {
			ch = append(ch, bot.Choice{Label: fill(c.sc.Texts.ResumeChoice, "flow", fl.Title), Value: cmd("resume")})
		}
	}
	if a != nil {
		switch a.Offer {
		case faq.OfferChecklist, faq.OfferReport:
			if f := c.sc.Flows[a.Offer]; f != nil {
				ch = append(ch, bot.Choice{Label: f.Title, Value: cmd(a.Offer)})
			}
		case faq.OfferHandoff:
			ch = append(ch, bot.Choice{Label: c.sc.Texts.HandoffChoice, Value: cmd("handoff")})
		}
		for _, r := range a.Related {
			if len(ch) >= maxChoices-1 {
				break
			}
			ch = append(ch, bot.Choice{Label: r.Title, Value: faqPrefix + r.ID})
		}
	}
	return append(ch, bot.Choice{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")})
}

// faqPerPage is how many topics one page of the topic list shows.
func (c *turn) faqPerPage() int {
	room := maxChoices - 1 // beside the menu
	if _, ok := c.s.Suspended(); ok {
		room-- // and the flow to go on with
	}
	if len(c.k.FAQ.Topics()) > room {
		room-- // and the next page
	}
	return room
}

// faqTopics offers the FAQ's topics to tap, every one: in pages of as many as fit beside
// the choices of the next page and the menu (c.s.Page, from 0; the last page leads back to
// the first).
func (c *turn) faqTopics() []bot.Choice {
	topics := c.k.FAQ.Topics()
	per := c.faqPerPage()
	page := c.s.Page
	if page < 0 || page*per >= len(topics) {
		page = 0
	}
	var ch []bot.Choice
	if fr, ok := c.s.Suspended(); ok {
		if fl := c.sc.Flows[fr.Flow]; fl != nil {
			ch = append(ch, bot.Choice{Label: fill(c.sc.Texts.ResumeChoice, "flow", fl.Title), Value: cmd("resume")})
		}
	}
	for _, t := range topics[page*per : min(len(topics), (page+1)*per)] {
		ch = append(ch, bot.Choice{Label: t.Title, Value: faqPrefix + t.ID})
	}
	if len(topics) > per {
		ch = append(ch, bot.Choice{Label: c.sc.Texts.FAQMoreTopics, Value: cmd("faqmore")})
	}
	return append(ch, bot.Choice{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")})
}

// unsure says plainly that the desk does not know, and offers a person.
func (c *turn) unsure() {
	ch := []bot.Choice{{Label: c.sc.Texts.HandoffChoice, Value: cmd("handoff")}}
	if f, ok := c.s.Suspended(); ok {
		if fl := c.sc.Flows[f.Flow]; fl != nil {
			ch = append(ch, bot.Choice{Label: fill(c.sc.Texts.ResumeChoice, "flow", fl.Title), Value: cmd("resume")})
		}
	}
	ch = append(ch, bot.Choice{Label: c.sc.Texts.MenuChoice, Value: cmd("menu")})
	c.ask(c.sc.Texts.FAQUnsure, ch)
	c.s.Offer = "handoff" // a typed yes takes it, as the choice does
}

// resume returns to the suspended flow at the step it left.
func (c *turn) resume() {
	c.closeHandoff()
	c.s.Leave()
	if !c.resumeQuietly() {
		c.menu(c.sc.Texts.MenuAgain)
	}
}

func (c *turn) resumeQuietly() bool {
	if !c.s.Resume() {
		return false
	}
	if f := c.flow(); f != nil {
		c.say(fill(c.sc.Texts.Resumed, "flow", f.Title))
	}
	c.prompt()
	return true
}

// endsAsQuestion reports whether typed text ends the way a question does: with a question
// mark or a question word. It is the test where the answer itself is free text.
func endsAsQuestion(s string) bool {
	s = strings.TrimRight(s, "。.!！ ")
	for _, w := range []string{"?", "？", "か", "かな", "教えて", "教えてください", "知りたい", "知りたいです", "いつ", "いくら", "どこ", "どれ", "何", "なに", "なぜ"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// looksLikeQuestion reports whether typed text reads as a question rather than an answer.
func looksLikeQuestion(s string) bool {
	if strings.ContainsAny(s, "?？") {
		return true
	}
	for _, w := range []string{"ですか", "ますか", "でしょうか", "教えて", "いつ", "どこ", "どう", "なぜ", "何", "いくら", "知りたい", "とは"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
