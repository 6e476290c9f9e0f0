package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"deskbot/flows/faq"
)

// faqEval measures the knowledge base in use (DESKBOT_KB laid over the embedded one) on
// labelled sets, JSON lines of {"q":…,"id":…} with id "" for a question it must refuse:
// top-1 in scope, the refusal rate out of scope, the confusion pairs and each miss, for
// all the files together. A file that cannot be read or parsed is an error naming its
// line; a miss is not (the figures are for people to read).
func faqEval(a *app, files []string, out io.Writer) error {
	if len(files) == 0 {
		return errors.New("no labelled set: deskbot faq eval FILE.jsonl…")
	}
	var set []faq.Labelled
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		s, err := faq.ReadLabelled(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		set = append(set, s...)
	}
	k := a.brain.Knowledge().FAQ
	for _, l := range set {
		if _, ok := k.Topic(l.ID); l.ID != "" && !ok {
			return fmt.Errorf("%q is labelled %q, which is no topic of the knowledge base", l.Q, l.ID)
		}
	}
	return k.Evaluate(set).Write(out)
}
