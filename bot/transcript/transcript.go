// Package transcript is the written form of a conversation with the desk: the script
// syntax of what the clinic and desk staff do and when, and the text form of what the
// clinic sees. `deskbot chat` prints replies in that text form; the golden transcripts of
// the tests are scripts with that text written after each action; a conversation exported
// from the emulator in the script syntax becomes a regression test as it is.
//
// A script has one line per action, read by Parse:
//
//	now 2022-11-15T10:00:00+09:00   the clock (RFC 3339)
//	wait 2h                         time passes
//	> text                          the clinic types text
//	> [tap LABEL]                   the clinic taps the offered choice labelled LABEL
//	> [follow] / [unfollow]         the account is added / blocked
//	> [sticker] / [image] / [location]  content the bot cannot read
//	> [event ID] text               typed text with a channel event id (redelivery)
//	> [desk TEXT]                   desk staff answer in the conversation's thread
//	> [desk-close]                  desk staff close the last handoff opened
//	> [desk-close another]          desk staff close some other handoff
//	# comment
//
// Any other line is a check for the test that runs the script (Kind Check).
package transcript

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"deskbot/bot"
)

// Kind says what a script line does.
type Kind uint8

const (
	// Now sets the clock to Line.Time.
	Now Kind = iota + 1
	// Wait moves the clock on by Line.Wait.
	Wait
	// Type is text the clinic types: Line.Text.
	Type
	// Tap is a tap on the offered choice labelled Line.Text.
	Tap
	// Follow and Unfollow are the account added and blocked.
	Follow
	Unfollow
	// Unsupported is content the bot cannot read; Line.Text names it (sticker, image…).
	Unsupported
	// Redelivery is typed text with the channel's event id Line.ID.
	Redelivery
	// DeskReply is desk staff writing Line.Text in the conversation's thread.
	DeskReply
	// DeskClose is desk staff closing the last handoff opened, or, with Line.Text
	// "another", a handoff that is not the conversation's.
	DeskClose
	// Check is a line the script's test reads as an expectation.
	Check
)

// Line is one line of a script.
type Line struct {
	// N is the line number, from 1; Raw the line as written, trimmed.
	N    int
	Raw  string
	Kind Kind
	Text string
	ID   string
	Time time.Time
	Wait time.Duration
}

// Acts reports whether the line is an event of the conversation, which gets a reply.
func (l Line) Acts() bool { return l.Kind >= Type && l.Kind <= DeskClose }

// Parse reads a script. Blank lines and comments are left out; a malformed clock line or
// action is an error naming its line. Text in brackets that names no action ("> [至急]
// …") is typed text.
func Parse(r io.Reader) ([]Line, error) {
	var out []Line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		l, err := parseLine(raw)
		if err != nil {
			return nil, fmt.Errorf("line %d: %q: %w", n, raw, err)
		}
		l.N, l.Raw = n, raw
		out = append(out, l)
	}
	return out, sc.Err()
}

func parseLine(raw string) (Line, error) {
	op, arg, _ := strings.Cut(raw, " ")
	arg = strings.TrimSpace(arg)
	switch op {
	case "now":
		ts, err := time.Parse(time.RFC3339, arg)
		return Line{Kind: Now, Time: ts}, err
	case "wait":
		d, err := time.ParseDuration(arg)
		return Line{Kind: Wait, Wait: d}, err
	case ">":
		return parseAction(arg)
	}
	return Line{Kind: Check, Text: raw}, nil
}

func parseAction(arg string) (Line, error) {
	if !strings.HasPrefix(arg, "[") {
		return Line{Kind: Type, Text: arg}, nil
	}
	inner, rest, ok := strings.Cut(arg[1:], "]")
	if !ok {
		return Line{Kind: Type, Text: arg}, nil // text that starts with a bracket
	}
	word, val, _ := strings.Cut(inner, " ")
	rest = strings.TrimSpace(rest)
	bare := rest == ""
	switch {
	case word == "tap" && bare && val != "":
		return Line{Kind: Tap, Text: val}, nil
	case word == "follow" && bare && val == "":
		return Line{Kind: Follow}, nil
	case word == "unfollow" && bare && val == "":
		return Line{Kind: Unfollow}, nil
	case (word == "sticker" || word == "image" || word == "location") && bare && val == "":
		return Line{Kind: Unsupported, Text: word}, nil
	case word == "event" && val != "" && !bare:
		return Line{Kind: Redelivery, ID: val, Text: rest}, nil
	case word == "desk" && bare && val != "":
		return Line{Kind: DeskReply, Text: val}, nil
	case word == "desk-close" && bare && (val == "" || val == "another"):
		return Line{Kind: DeskClose, Text: val}, nil
	}
	switch word {
	case "tap", "follow", "unfollow", "sticker", "image", "location", "event", "desk", "desk-close":
		return Line{}, fmt.Errorf("malformed action [%s]", inner)
	}
	return Line{Kind: Type, Text: arg}, nil // typed text that starts with a bracket
}

// Render writes messages as the clinic reads them, one block each: texts after
// "deskbot: ", cards boxed, choices numbered (typing the number taps it in `deskbot
// chat`). It is the form of `deskbot chat` and of the golden transcripts.
func Render(w io.Writer, msgs []bot.Message) {
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
		for i, c := range m.Choices {
			fmt.Fprintf(w, "         [%d] %s\n", i+1, c.Label)
		}
	}
}

// Offered returns the choices the clinic can tap after msgs: those of the last message
// that has any.
func Offered(msgs []bot.Message) []bot.Choice {
	var out []bot.Choice
	for _, m := range msgs {
		if len(m.Choices) > 0 {
			out = m.Choices
		}
	}
	return out
}
