package web

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"deskbot/bot"
)

// receiptRE matches the numbers a replay cannot reproduce: receipt numbers count per day
// across every conversation of the server.
var receiptRE = regexp.MustCompile(`R-\d{8}-\d{4}`)

// writeTranscript writes turns in the syntax of flows/testdata/transcripts: a `now` line
// whenever the conversation's clock moved to another minute, the action as a `>` line,
// then what the bot answered as expectations — the first line of each message (`<`, or
// `<~` where it holds a receipt number) and the labels of the last choices offered
// (`<?`). Dropped into flows/testdata/transcripts, the file replays the session as a test.
func writeTranscript(w io.Writer, turns []turn, truncated bool) error {
	var b strings.Builder
	b.WriteString("# A conversation of the deskbot emulator. Kept in flows/testdata/transcripts/, it\n")
	b.WriteString("# replays as a test: each bot message's first line (<), the choices offered (<?).\n")
	var last time.Time
	for _, t := range turns {
		b.WriteString("\n")
		if now := t.now.Truncate(time.Minute); !now.Equal(last) {
			fmt.Fprintf(&b, "now %s\n", now.In(bot.JST).Format(time.RFC3339))
			last = now
		}
		if t.comment != "" {
			fmt.Fprintf(&b, "# %s\n", t.comment)
		}
		fmt.Fprintf(&b, "> %s\n", t.action)
		var offered []bot.Choice
		for _, m := range t.reply {
			if m.Card != nil {
				expect(&b, m.Card.Text)
			}
			expect(&b, m.Text)
			if len(m.Choices) > 0 {
				offered = m.Choices
			}
		}
		for _, c := range offered {
			fmt.Fprintf(&b, "<? %s\n", c.Label)
		}
	}
	if truncated {
		fmt.Fprintf(&b, "\n# The conversation went on past %d turns; the rest was not recorded.\n", maxTurns)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// expect writes the expectation of one message: its first line.
func expect(b *strings.Builder, text string) {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	if !receiptRE.MatchString(line) {
		fmt.Fprintf(b, "< %s\n", line)
		return
	}
	parts := receiptRE.Split(line, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	fmt.Fprintf(b, "<~ %s\n", strings.Join(parts, `R-\d{8}-\d{4}`))
}
