package flows

import (
	"strconv"

	"deskbot/bot"
	"deskbot/flows/parse"
)

// startHandoff asks what the clinic wants to ask a person. A flow in progress is suspended
// and offered again when the handoff closes.
func (c *turn) startHandoff() {
	if c.s.Mode == bot.ModeHandoffAsk || c.s.Mode == bot.ModeHandoffOpen {
		c.prompt()
		return
	}
	if c.s.Mode == bot.ModeFAQ || c.s.Mode == bot.ModeSummary {
		c.s.Leave() // nothing to come back to
	}
	c.s.Suspend()
	c.s.Enter(bot.ModeHandoffAsk)
	c.prompt()
}

// openHandoff opens a thread at the desk with the clinic's question. A phone number or
// address in it is repeated for the desk as the report writes a contact: hyphenated, with
// the person and the time to call.
func (c *turn) openHandoff(txt string) {
	if ct, err := parse.ParseContact(txt); err == nil {
		txt += "\n" + fill(c.sc.Texts.HandoffContact, "contact", c.contactText(ct))
	}
	id := handoffID()
	c.notices = append(c.notices, bot.Notice{
		ID: id, Kind: bot.NoticeHandoff, Conversation: c.s.Conversation, Time: c.now,
		Thread: id, Text: txt, Context: c.handoffContext(),
	})
	c.s.Mode, c.s.Thread = bot.ModeHandoffOpen, id
	c.prompt()
}

// handoffMessage passes a further message of the clinic into the open thread. Thanks or
// word that it is solved (「ありがとうございました」「解決しました」) is passed on too — the
// desk may still answer — and the clinic is told how to end the consultation.
func (c *turn) handoffMessage(txt string) {
	c.toThread(txt)
	sent := c.sc.Texts.HandoffSent
	if parse.ClassifyIntent(txt) == parse.IntentThanks {
		sent = c.sc.Texts.HandoffSentThanks
	}
	c.ask(sent, c.handoffChoices())
}

// handoffUnsupported is a sticker, image or other message that is not text, sent while
// the handoff is open: the bot cannot pass it on, so the desk is told that something came
// and the clinic that it did not go through.
func (c *turn) handoffUnsupported() {
	c.toThread(c.sc.Texts.HandoffUnsupportedDesk)
	c.ask(c.sc.Texts.HandoffUnsupported, c.handoffChoices())
}

// toThread passes txt into the open handoff's thread at the desk.
func (c *turn) toThread(txt string) {
	thread := c.s.Thread
	c.notices = append(c.notices, bot.Notice{
		ID: thread + "-" + strconv.FormatInt(c.s.Version+1, 10), Kind: bot.NoticeHandoffMessage,
		Conversation: c.s.Conversation, Time: c.now, Thread: thread, Text: txt,
	})
}

// endHandoff is the clinic ending a handoff (or the wait for its question): the desk is
// told if a thread was open, and a flow suspended under it comes back.
func (c *turn) endHandoff() {
	c.closeHandoff()
	c.s.Leave()
	if !c.resumeQuietly() {
		c.menu(c.sc.Texts.MenuAgain)
	}
}

func (c *turn) handoffChoices() []bot.Choice {
	return []bot.Choice{{Label: c.sc.Texts.HandoffCloseChoice, Value: cmd("close")}}
}

// handoffContext tells the desk where the clinic was: the suspended flow, its step and
// how many answers it had given. The answers themselves stay in the session.
func (c *turn) handoffContext() *bot.HandoffContext {
	fr, ok := c.s.Suspended()
	if !ok {
		return nil
	}
	f := c.sc.Flows[fr.Flow]
	if f == nil {
		return nil
	}
	w := &bot.HandoffContext{Flow: f.Title, Answers: len(fr.Answers)}
	if st := f.step(fr.Step); st != nil && fr.Mode == bot.ModeStep {
		w.Question = st.Ask
	}
	return w
}

// closeHandoff tells the desk an open handoff ended; it does not change the state.
func (c *turn) closeHandoff() {
	if c.s.Mode != bot.ModeHandoffOpen {
		return
	}
	thread := c.s.Thread
	c.notices = append(c.notices, bot.Notice{
		ID: thread + "-closed", Kind: bot.NoticeHandoffClosed, Conversation: c.s.Conversation,
		Time: c.now, Thread: thread,
	})
	c.say(c.sc.Texts.HandoffClosed)
}

// deskReply passes on what desk staff wrote in the conversation's thread. The clinic's
// state is left as it is: an open handoff offers to close, a flow in progress asks its
// question again so the clinic knows where it was.
func (c *turn) deskReply(text string) {
	msg := fill(c.sc.Texts.DeskReply, "text", text)
	switch {
	case c.s.Mode == bot.ModeHandoffOpen:
		c.ask(msg, c.handoffChoices())
	case c.flow() != nil:
		c.say(msg)
		c.prompt()
	default:
		c.say(msg)
	}
}

// deskClose ends the open handoff of that thread when desk staff close it: the clinic is
// told, and a flow suspended under the handoff comes back. A close of another thread, or
// of a handoff the clinic already closed, changes nothing and says nothing.
func (c *turn) deskClose(thread string) {
	if c.s.Mode != bot.ModeHandoffOpen || c.s.Thread != thread {
		return
	}
	c.say(c.sc.Texts.HandoffClosedByDesk)
	c.s.Leave()
	if !c.resumeQuietly() {
		c.menu(c.sc.Texts.MenuAgain)
	}
}
