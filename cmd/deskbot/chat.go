package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"deskbot/bot"
	"deskbot/flows/parse"
)

// chatConversation is the conversation of the terminal.
const chatConversation = "chat:local"

// chat is a conversation in the terminal, as a clinic would have it on LINE: the same
// engine and texts, choices numbered (typing the number taps it), and what the desk would
// be told printed as such.
func chat(ctx context.Context, a *app, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	worker := &bot.Worker{Outbox: a.store, Notifier: terminalNotifier{w, a.reportLabels}, Name: "chat", Log: a.log}
	interactive := isTerminal(in)
	var choices []bot.Choice
	say := func(ev bot.Event) error {
		ev.Conversation = chatConversation
		msgs, err := a.engine.Handle(ctx, ev)
		if err != nil {
			fmt.Fprintln(w, "（申し訳ありません、ただいま処理できませんでした。もう一度お試しください。）")
			a.log.Error("chat turn failed", "err", err)
			return nil
		}
		// Numbers tap the choices of the latest reply only: a number typed where no choice
		// is offered (a prefecture code, an amount) is text.
		choices = render(w, msgs)
		if _, err := worker.Drain(ctx); err != nil {
			a.log.Error("desk notification failed", "err", err)
		}
		return w.Flush()
	}
	if err := say(bot.Event{Kind: bot.FollowEvent}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if interactive {
			fmt.Fprint(w, "あなた> ")
			w.Flush()
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if !interactive {
			fmt.Fprintf(w, "あなた> %s\n", line)
		}
		ev := bot.Event{Kind: bot.TextEvent, Text: line}
		if n, err := strconv.Atoi(parse.Normalize(line)); err == nil && n >= 1 && n <= len(choices) {
			ev = bot.Event{Kind: bot.ChoiceEvent, Text: choices[n-1].Value}
			fmt.Fprintf(w, "（「%s」を選択）\n", choices[n-1].Label)
		}
		if err := say(ev); err != nil {
			return err
		}
	}
	return sc.Err()
}

// render prints messages for the terminal and returns the choices offered last, if any.
func render(w io.Writer, msgs []bot.Message) []bot.Choice {
	var choices []bot.Choice
	for _, m := range msgs {
		if m.Card != nil {
			fmt.Fprintf(w, "deskbot: ┌ %s\n", m.Card.Title)
			for _, r := range m.Card.Rows {
				fmt.Fprintf(w, "         │ %s：%s\n", r.Label, strings.ReplaceAll(r.Value, "\n", "\n         │   "))
			}
			for _, n := range m.Card.Notes {
				fmt.Fprintf(w, "         │ ⚠ %s\n", n)
			}
			fmt.Fprintln(w, "         └")
		}
		if m.Text != "" {
			fmt.Fprintf(w, "deskbot: %s\n", strings.ReplaceAll(m.Text, "\n", "\n         "))
		}
		if len(m.Choices) > 0 {
			choices = m.Choices
			for i, c := range m.Choices {
				fmt.Fprintf(w, "         [%d] %s\n", i+1, c.Label)
			}
		}
	}
	return choices
}

// terminalNotifier prints what the desk would be told.
type terminalNotifier struct {
	w      io.Writer
	labels func() bot.Labels
}

func (n terminalNotifier) Notify(_ context.Context, d bot.Delivery) error {
	fmt.Fprintf(n.w, "📣 [窓口への通知] %s\n", noticeSummary(d.Notice, n.labels()))
	return nil
}

// noticeSummary is a notice in a few lines, for the terminal and the log-only desk.
func noticeSummary(n bot.Notice, l bot.Labels) string {
	var b strings.Builder
	switch n.Kind {
	case bot.NoticeReport:
		r := n.Report
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		fmt.Fprintf(&b, "障害の報告 %s：%s（%s・%s）%s", r.ID, r.Facility, r.Prefecture, l.FacilityType(r.FacilityType), strings.Join(cats, "、"))
		if r.Code != "" {
			fmt.Fprintf(&b, " コード=%s", r.Code)
		}
		for _, f := range r.Answers {
			fmt.Fprintf(&b, "\n    %s：%s", f.Label, f.Value)
		}
		fmt.Fprintf(&b, "\n    詳しい内容：%s", r.Details)
		for _, f := range r.Checklist {
			fmt.Fprintf(&b, "\n    [見積チェック] %s：%s", f.Label, f.Value)
		}
	case bot.NoticeHandoff:
		fmt.Fprintf(&b, "担当者への相談 %s：%s", n.Thread, n.Text)
		for _, f := range n.Context {
			fmt.Fprintf(&b, "\n    %s：%s", f.Label, f.Value)
		}
	case bot.NoticeHandoffMessage:
		fmt.Fprintf(&b, "相談 %s への追加：%s", n.Thread, n.Text)
	case bot.NoticeHandoffClosed:
		fmt.Fprintf(&b, "相談 %s は終了しました", n.Thread)
	default:
		fmt.Fprintf(&b, "%s %s", n.Kind, n.ID)
	}
	return b.String()
}

// isTerminal reports whether r is an interactive terminal, to show a prompt only there.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
