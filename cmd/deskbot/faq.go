package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// faqCmd answers one question per line of in: the best topic, its score and, without
// --json, the answer; with --json one object per line {"q":…,"id":…,"score":…}, id ""
// when the matcher is not confident.
func faqCmd(a *app, in io.Reader, out io.Writer, jsonOut bool) error {
	k := a.brain.Knowledge()
	now := a.cfg.Clock()()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		m := k.FAQ.Match(q)
		if jsonOut {
			if err := enc.Encode(struct {
				Q     string  `json:"q"`
				ID    string  `json:"id"`
				Score float64 `json:"score"`
			}{q, m.ID, m.Score}); err != nil {
				return err
			}
			continue
		}
		if m.ID == "" {
			fmt.Fprintf(out, "%s\t-\t%.3f\t（確かなお答えがありません）\n", q, m.Score)
			continue
		}
		ans, _ := k.FAQ.Answer(m.ID, now)
		fmt.Fprintf(out, "%s\t%s\t%.3f\t%s\n", q, m.ID, m.Score, strings.ReplaceAll(ans.Text, "\n", " "))
	}
	return sc.Err()
}
