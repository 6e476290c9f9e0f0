package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// message is a rendered desk message: the notification text, which Slack also shows
// where blocks cannot be, and the blocks.
type message struct {
	text   string
	blocks []slackgo.Block
}

func (m message) options() []slackgo.MsgOption {
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(m.text, false),
		slackgo.MsgOptionDisableLinkUnfurl(), slackgo.MsgOptionDisableMediaUnfurl()}
	if len(m.blocks) > 0 {
		opts = append(opts, slackgo.MsgOptionBlocks(m.blocks...))
	}
	return opts
}

// Block Kit's limits, in characters.
const (
	maxHeader  = 150
	maxSection = 3000
	maxField   = 2000
	maxText    = 4000  // the notification text: Slack takes more, but nobody reads it
	maxPlain   = 39000 // a plain-text message, under Slack's 40,000
	maxChanges = 10    // status changes shown on a report
)

// Action ids of the status buttons; the button's value is the report's receipt number.
const (
	actionPrefix     = "deskbot_status:"
	actionInProgress = actionPrefix + string(bot.StatusInProgress)
	actionResolved   = actionPrefix + string(bot.StatusResolved)
	// actionCloseHandoff closes a handoff; the button's value is the handoff's thread id.
	actionCloseHandoff = "deskbot_handoff_close"
)

// reportMessage renders a report with its status history and buttons: a header with the
// receipt number and categories, the facility, the details, the category follow-ups and
// the checklist figures when there are, contact, time.
func reportMessage(r bot.Report, h []bot.StatusChange, l bot.Labels) message {
	cats := make([]string, len(r.Categories))
	for i, c := range r.Categories {
		cats[i] = l.Category(c)
	}
	title := fmt.Sprintf(txtReportTitle, r.ID)
	if len(cats) > 0 {
		title += " ｜ " + strings.Join(cats, "・")
	}
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(plain(truncate(title, maxHeader))),
		slackgo.NewSectionBlock(nil, []*slackgo.TextBlockObject{
			field(txtFacility, r.Facility), field(txtPrefecture, r.Prefecture),
			field(txtCode, r.Code), field(txtFacilityType, l.FacilityType(r.FacilityType)),
			field(txtContact, r.Contact), field(txtReceived, when(r.Created)),
		}, nil),
		labelled(txtDetails, escape(r.Details)),
	}
	if len(r.Answers) > 0 {
		blocks = append(blocks, labelled(txtAnswers, bullets(r.Answers)))
	}
	if len(r.Checklist) > 0 {
		blocks = append(blocks, labelled(txtChecklist, bullets(r.Checklist)))
	}
	blocks = append(blocks, statusBlocks(r.ID, h)...)
	return message{text: truncate(fmt.Sprintf(txtReportFallback, r.ID, escape(r.Facility), escape(r.Prefecture)), maxText), blocks: blocks}
}

// statusBlocks are the report's status, who changed it when, and the buttons.
func statusBlocks(reportID string, h []bot.StatusChange) []slackgo.Block {
	lines := []string{fmt.Sprintf(txtStatus, bot.CurrentStatus(h).Label())}
	shown := h
	if len(shown) > maxChanges {
		shown = shown[len(shown)-maxChanges:]
		lines = append(lines, fmt.Sprintf(txtStatusEarlier, len(h)-maxChanges))
	}
	for _, c := range shown {
		lines = append(lines, fmt.Sprintf(txtStatusLine, c.Status.Label(), escape(c.By), when(c.At)))
	}
	lines = append(lines, txtThreadGoesLINE)
	inProgress := slackgo.NewButtonBlockElement(actionInProgress, reportID, plain(bot.StatusInProgress.Label()))
	resolved := slackgo.NewButtonBlockElement(actionResolved, reportID, plain(bot.StatusResolved.Label())).WithStyle(slackgo.StylePrimary)
	return []slackgo.Block{
		slackgo.NewContextBlock("status", mrkdwn(truncate(strings.Join(lines, "\n"), maxSection))),
		slackgo.NewActionBlock("status_actions", inProgress, resolved),
	}
}

// handoffMessage opens a handoff thread: the clinic's question and where it was.
func handoffMessage(n bot.Notice) message {
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(plain(txtHandoffTitle)),
	}
	blocks = append(blocks, long(txtHandoffQuestion, n.Text)...)
	if w := n.Context; w != nil {
		fields := []*slackgo.TextBlockObject{field(txtContextFlow, w.Flow)}
		if w.Question != "" {
			fields = append(fields, field(txtContextQuestion, w.Question))
		}
		fields = append(fields, field(txtContextAnswers, strconv.Itoa(w.Answers)))
		blocks = append(blocks, slackgo.NewSectionBlock(nil, fields, nil))
	}
	blocks = append(blocks,
		slackgo.NewContextBlock("", mrkdwn(fmt.Sprintf(txtHandoffFooter, bot.LogID(n.Conversation), when(n.Time)))),
		slackgo.NewActionBlock("handoff_actions", slackgo.NewButtonBlockElement(actionCloseHandoff, n.Thread, plain(txtHandoffCloseButton))),
	)
	return message{text: truncate(fmt.Sprintf(txtHandoffFallback, escape(n.Text)), maxText), blocks: blocks}
}

// clinicMessage is a further message of the clinic, in its handoff's thread.
func clinicMessage(n bot.Notice) message {
	return message{
		text:   truncate(fmt.Sprintf(txtClinicFallback, escape(n.Text)), maxText),
		blocks: append(long(txtClinicSays, n.Text), slackgo.NewContextBlock("", mrkdwn(when(n.Time)))),
	}
}

// plainMessage is a notice as plain text only, for when Slack refuses its blocks: all of
// it, escaped, with no buttons.
func plainMessage(n bot.Notice, l bot.Labels) message {
	var b strings.Builder
	switch {
	case n.Report != nil:
		r := *n.Report
		fmt.Fprintf(&b, "%s\n", fmt.Sprintf(txtReportFallback, r.ID, escape(r.Facility), escape(r.Prefecture)))
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		fs := []bot.Field{{Label: "区分", Value: strings.Join(cats, "・")}, {Label: "医療機関コード", Value: r.Code},
			{Label: "種別", Value: l.FacilityType(r.FacilityType)}, {Label: "連絡先", Value: r.Contact}, {Label: "詳細", Value: r.Details}}
		fs = append(append(fs, r.Answers...), r.Checklist...)
		b.WriteString(bullets(fs))
	case n.Kind == bot.NoticeHandoff:
		fmt.Fprintf(&b, txtHandoffFallback, escape(n.Text))
	case n.Kind == bot.NoticeHandoffClosed:
		fmt.Fprintf(&b, txtHandoffClosed, when(n.Time))
	default:
		fmt.Fprintf(&b, txtClinicFallback, escape(n.Text))
	}
	return message{text: truncate(b.String(), maxPlain)}
}

// deskNote is a note in a thread about the desk's message for the clinic: n.Text is one
// of the sender's note codes (line.NoteBlocked, …).
func deskNote(n bot.Notice) message {
	code, status, _ := strings.Cut(n.Text, ":")
	var t string
	switch code {
	case "line-blocked":
		t = txtLINEBlocked
	case "line-expired":
		t = txtLINEExpired
	default:
		t = fmt.Sprintf(txtLINERefused, cmpOr(status, "?"))
	}
	return message{text: t, blocks: []slackgo.Block{slackgo.NewSectionBlock(mrkdwn(":warning: "+t), nil, nil)}}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// closedMessage says, in the thread, that the clinic closed the handoff.
func closedMessage(n bot.Notice) message {
	t := fmt.Sprintf(txtHandoffClosed, when(n.Time))
	return message{text: t, blocks: []slackgo.Block{slackgo.NewSectionBlock(mrkdwn("_"+t+"_"), nil, nil)}}
}

// labelled is a section: a bold label over mrkdwn text, cut to fit.
func labelled(label, text string) *slackgo.SectionBlock {
	if strings.TrimSpace(text) == "" {
		text = txtNone
	}
	return slackgo.NewSectionBlock(mrkdwn(truncate("*"+label+"*\n"+text, maxSection)), nil, nil)
}

// long is text the clinic wrote, escaped, under a bold label, in as many sections as it
// takes: nothing of a long message is cut (LINE lets a clinic write 5,000 characters,
// and escaping may grow them).
func long(label, text string) []slackgo.Block {
	if strings.TrimSpace(text) == "" {
		return []slackgo.Block{labelled(label, "")}
	}
	var blocks []slackgo.Block
	head := "*" + label + "*\n"
	var part strings.Builder
	size := utf8.RuneCountInString(head)
	flush := func() {
		blocks = append(blocks, slackgo.NewSectionBlock(mrkdwn(head+part.String()), nil, nil))
		head, size = "", 0
		part.Reset()
	}
	for _, r := range text {
		e := escape(string(r))
		if n := utf8.RuneCountInString(e); size+n > maxSection {
			flush()
		}
		part.WriteString(e)
		size += utf8.RuneCountInString(e)
	}
	flush()
	return blocks
}

// field is a section field: a bold label over the escaped value.
func field(label, value string) *slackgo.TextBlockObject {
	if strings.TrimSpace(value) == "" {
		value = txtNone
	}
	return mrkdwn(truncate("*"+label+"*\n"+escape(value), maxField))
}

func bullets(fs []bot.Field) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = "• " + escape(f.Label) + "：" + escape(f.Value)
	}
	return strings.Join(lines, "\n")
}

func plain(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, s, false, false)
}

// escape makes text from a clinic or a staff member inert in mrkdwn: no links, mentions
// or broadcasts (<!channel>) can be smuggled in.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// when is a time as the desk reads it, in Japan.
func when(t time.Time) string {
	if t.IsZero() {
		return txtNone
	}
	return t.In(bot.JST).Format("2006-01-02 15:04")
}
