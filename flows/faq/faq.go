// Package faq is the desk's knowledge base of frequently asked questions and the matcher that
// maps a clinic's free-text Japanese question to one of its topics.
//
// The topics live in YAML files under faq/ in a knowledge-base file system (see
// deskbot/flows/kb): the desk edits them without a rebuild, and a directory laid over the
// embedded files adds topics or replaces them. Load reads and checks every file, then
// precomputes the normaliser and the search index, so that Match and Answer do no I/O and
// little allocation. Japanese is read with a morphological analyser (kagome, IPA
// dictionary, built once per process): the readings of the knowledge base's kanji words
// let kana typed for them match, and the nouns of a question tell whether it is about a
// thing the knowledge base does not know. A *KB is immutable after Load and safe for
// concurrent use.
//
// Matching never guesses: a question the knowledge base does not cover well enough gets a
// Match with an empty ID, and the caller says so and offers the desk.
package faq

import "time"

// The flows an answer may offer to start next (Topic.Offer, Answer.Offer).
const (
	OfferChecklist = "checklist" // the quote checklist (見積チェック)
	OfferReport    = "report"    // the obstacle report (障害を報告)
	OfferHandoff   = "handoff"   // talk to a person at the desk (窓口に相談)
)

// Topic is one question the desk answers, as written in the knowledge base.
type Topic struct {
	ID        string     // stable id, e.g. "reader-deadline"; tests and flows refer to it
	Title     string     // short Japanese label (≤ 20 runes), usable as a quick reply
	Answer    string     // the answer text, polite Japanese
	Sources   []string   // what the answer rests on: "F12" (a fact of DOMAIN.md), a URL or a citation
	Examples  []string   // example questions the matcher learns from
	Keywords  []string   // words that point to this topic; a hit boosts its score
	Anchors   [][]string // groups of words: a question must hold a word of each to get this topic
	Related   []string   // ids of topics offered after the answer
	Offer     string     // "", OfferChecklist, OfferReport or OfferHandoff
	Deadlines []Deadline // dates from which Answer computes a paragraph against "now"
	// Source is the date of the facts the answer rests on (the notice's, say); Until, when
	// set, the last day they apply. After Until, Answer gives Past — the same facts in the
	// past tense — and the countdown's dated note: as of when, and where to look for what
	// applies now.
	Source time.Time
	Until  time.Time
	Past   string
	File   string // the file that defines the topic, e.g. "faq/30-reader.yaml"
	Line   int    // the line of its id in File
}

// Deadline is a date the desk counts down to: one of the shared list (deadlines: of a
// faq/*.yaml file, each with an id), which the FAQ's answers and the checklist's summary
// name by id, or one written in a topic itself.
type Deadline struct {
	ID    string    // its id in the shared list; "" for one written in a topic
	Label string    // what falls due, e.g. "4機種の申込締切"
	Date  time.Time // the day, at midnight Japan time
	Note  string    // what still applies once the day has passed; shown only then
	// NoteUntil, when set, is the last day Note holds: after it the countdown no longer
	// says it (in 2026, 在庫がある限り申し込めます is not true of 2022's readers).
	NoteUntil time.Time
	Passed    string // the status once passed; "" means the countdown's passed text
	// Operation marks the day by which operation must start for the subsidy.
	Operation bool

	file string // where a topic names it by id, until it is resolved
	line int
}

// KB is a loaded knowledge base: the topics, the normaliser and the index built from them.
// It is immutable and safe for concurrent use.
type KB struct {
	deadlines []Deadline // the shared list
	countdown Countdown
	topics    []Topic
	byID      map[string]int
	norm      *normalizer
	idx       *index
}

// Topics returns every topic, in the order of the files and of the topics within them (a
// replacing topic keeps the place of the one it replaces). The slice is the caller's; the
// lists inside each topic are shared and must not be changed.
func (kb *KB) Topics() []Topic {
	out := make([]Topic, len(kb.topics))
	copy(out, kb.topics)
	return out
}

// Topic returns the topic with the given id; its lists are shared and must not be changed.
func (kb *KB) Topic(id string) (Topic, bool) {
	i, ok := kb.byID[id]
	if !ok {
		return Topic{}, false
	}
	return kb.topics[i], true
}
