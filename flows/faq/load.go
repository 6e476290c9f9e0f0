package faq

import (
	"cmp"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikawaha/kagome/v2/tokenizer"
	"go.yaml.in/yaml/v3"
)

// Dir is the directory of a knowledge-base file system that holds the FAQ files.
const Dir = "faq"

// maxTitle is the longest title, in runes: LINE cuts quick-reply labels at 20 characters.
const maxTitle = 20

// Problem is one thing wrong in a knowledge-base file, with the place to mend it.
type Problem struct {
	File string // path in the file system, e.g. "faq/30-reader.yaml"
	Line int    // 1-based; 0 when the problem concerns the file as a whole
	Msg  string
}

func (p Problem) Error() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Problems is every problem Load found, ordered by file and line. Load returns it as its
// error so that `deskbot kb check` can list all of them at once (use errors.As).
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads every faq/*.yaml file of fsys in name order, checks them and builds the index.
// A file may hold any of these top-level keys:
//
//	topics:    a list of topics (id, title, answer, sources, examples, keywords, anchors,
//	           related, offer, deadlines, replaces)
//	synonyms:  a list of groups of words meaning the same; the first is the canonical form
//	ignore:    words dropped from questions before matching (polite endings, fillers)
//	outside:   examples and keywords of questions the desk does not answer here
//
// A topic whose id was already defined by an earlier file is an error unless it sets
// `replaces: true`; it then takes the place of the earlier one (this is how a desk directory
// laid over the embedded files, see kb.Open, changes a topic). On any problem Load returns
// a nil KB and a Problems error listing all of them.
func Load(fsys fs.FS) (*KB, error) { return load(fsys, defaultParams) }

// load is Load with the matcher's knobs.
func load(fsys fs.FS, p params) (*KB, error) {
	l, err := read(fsys)
	if err != nil {
		return nil, err
	}
	tk, err := analyser()
	if err != nil {
		return nil, err
	}
	l.checkRelated()
	l.resolveDeadlines()
	var readings *tokenizer.Tokenizer
	if p.readings {
		readings = tk
	}
	norm := l.normalizer(readings)
	var base *tokenizer.Tokenizer
	if p.baseForms {
		base = tk
	}
	idx := l.index(norm, p, base) // also reports examples that normalisation empties
	if p.scope {
		idx.scope = l.scope(tk)
	}
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b Problem) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
		return nil, l.problems
	}
	return &KB{deadlines: l.deadlines, countdown: l.countdown, topics: l.topics, byID: l.byID, norm: norm, idx: idx}, nil
}

// read parses every faq/*.yaml file of fsys, in name order, into a loader; what is wrong in
// them is in its problems. The error is for a file system that cannot be listed.
func read(fsys fs.FS) (*loader, error) {
	names, err := fs.Glob(fsys, Dir+"/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", Dir, err)
	}
	l := &loader{byID: make(map[string]int), countdown: defaultCountdown}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			l.problems = append(l.problems, Problem{File: name, Msg: err.Error()})
			continue
		}
		l.file(name, b)
	}
	if len(l.topics) == 0 && len(l.problems) == 0 {
		l.problems = append(l.problems, Problem{File: Dir, Msg: "no topics (no " + Dir + "/*.yaml file defines any)"})
	}
	return l, nil
}

// loader gathers what the files define and the problems found on the way.
type loader struct {
	problems Problems
	name     string // the file being read

	topics []Topic
	byID   map[string]int
	texts  []topicTexts // by topic number, like topics

	deadlines []Deadline // the shared list
	countdown Countdown  // its phrases

	synonyms [][]entry // groups, the canonical word first
	ignore   []entry
	outside  struct {
		examples, keywords []entry
	}
}

// topicTexts are a topic's lists, with where each item is written.
type topicTexts struct {
	examples, keywords, related []entry
	anchors                     [][]entry
}

// maxAnchors is the most anchor groups a topic may have.
const maxAnchors = 8

// entry is a word or phrase from a file, with where it stands.
type entry struct {
	text string
	file string
	line int
}

func (l *loader) addf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.problems = append(l.problems, Problem{File: l.name, Line: line, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (l *loader) file(name string, b []byte) {
	l.name = name
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(yamlLine.ReplaceAllString(err.Error(), ""), "yaml: ")
		l.problems = append(l.problems, Problem{File: name, Line: line, Msg: strings.TrimLeft(msg, ": ")})
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // an empty file defines nothing
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		l.addf(top, "expected a mapping with topics, synonyms, ignore or outside")
		return
	}
	l.fields(top, "file", func(key string, v *yaml.Node) bool {
		switch key {
		case "topics":
			if v.Kind != yaml.SequenceNode {
				l.addf(v, "topics: expected a list of topics")
				return true
			}
			for _, t := range v.Content {
				l.topic(t)
			}
		case "synonyms":
			if v.Kind != yaml.SequenceNode {
				l.addf(v, "synonyms: expected a list of groups like [締切, 締め切り, 期限]")
				return true
			}
			for _, g := range v.Content {
				group := l.entries(g, "synonyms group")
				if len(group) < 2 {
					l.addf(g, "synonyms group: needs at least two words, the canonical one first")
					continue
				}
				l.synonyms = append(l.synonyms, group)
			}
		case "ignore":
			l.ignore = append(l.ignore, l.entries(v, "ignore")...)
		case "deadlines":
			l.sharedDeadlines(v)
		case "countdown":
			l.readCountdown(v)
		case "outside":
			l.fields(v, "outside", func(key string, v *yaml.Node) bool {
				switch key {
				case "examples":
					l.outside.examples = append(l.outside.examples, l.entries(v, "outside.examples")...)
				case "keywords":
					l.outside.keywords = append(l.outside.keywords, l.entries(v, "outside.keywords")...)
				default:
					return false
				}
				return true
			})
		default:
			return false
		}
		return true
	})
}

// fields calls f for each key of the mapping n, reporting duplicate keys and the keys f
// does not know (f returns false).
func (l *loader) fields(n *yaml.Node, what string, f func(key string, v *yaml.Node) bool) {
	if n.Kind != yaml.MappingNode {
		l.addf(n, "%s: expected a mapping of fields", what)
		return
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			l.addf(k, "%s: field %q given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if !f(k.Value, v) {
			l.addf(k, "%s: unknown field %q", what, k.Value)
		}
	}
}

// str is the text of a scalar field; "" for null.
func (l *loader) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		l.addf(n, "%s: expected text", field)
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// strs is a list of texts; a single text counts as a list of one.
func (l *loader) strs(n *yaml.Node, field string) []string {
	return entryTexts(l.entries(n, field))
}

func entryTexts(es []entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.text
	}
	return out
}

func (l *loader) entries(n *yaml.Node, field string) []entry {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		items = n.Content
	default:
		l.addf(n, "%s: expected a list of texts", field)
		return nil
	}
	out := make([]entry, 0, len(items))
	for _, it := range items {
		s := l.str(it, field)
		if s == "" {
			if it.Kind == yaml.ScalarNode {
				l.addf(it, "%s: empty item", field)
			}
			continue
		}
		out = append(out, entry{text: s, file: l.name, line: it.Line})
	}
	return out
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (l *loader) topic(n *yaml.Node) {
	t := Topic{File: l.name, Line: n.Line}
	var replaces bool
	var texts topicTexts
	var idNode *yaml.Node
	var hasExamples bool
	l.fields(n, "topic", func(key string, v *yaml.Node) bool {
		switch key {
		case "id":
			t.ID, idNode = l.str(v, "id"), v
		case "title":
			t.Title = l.str(v, "title")
			if c := utf8.RuneCountInString(t.Title); c > maxTitle {
				l.addf(v, "title: %d characters, at most %d fit a quick-reply label", c, maxTitle)
			}
		case "answer":
			t.Answer = l.str(v, "answer")
		case "sources":
			t.Sources = l.strs(v, "sources")
		case "examples":
			hasExamples = true
			texts.examples = l.entries(v, "examples")
			t.Examples = entryTexts(texts.examples)
			if len(t.Examples) == 0 {
				l.addf(v, "examples: empty; give a few questions this topic answers")
			}
		case "keywords":
			texts.keywords = l.entries(v, "keywords")
			t.Keywords = entryTexts(texts.keywords)
		case "anchors":
			if v.Kind != yaml.SequenceNode {
				l.addf(v, "anchors: expected a list of groups of words, like [[締切, いつまで], [カードリーダー, 機種]]")
				return true
			}
			flat := false
			for _, g := range v.Content {
				if g.Kind != yaml.SequenceNode {
					if !flat {
						l.addf(g, "anchors: each group is a list in brackets, like [締切, いつまで]: the question needs a word of every group")
					}
					flat = true
					continue
				}
				group := l.entries(g, "anchors")
				if len(group) == 0 {
					l.addf(g, "anchors: empty group")
					continue
				}
				texts.anchors = append(texts.anchors, group)
				t.Anchors = append(t.Anchors, entryTexts(group))
			}
			if len(texts.anchors) > maxAnchors {
				l.addf(v, "anchors: %d groups, at most %d", len(texts.anchors), maxAnchors)
				texts.anchors = texts.anchors[:maxAnchors]
			}
		case "related":
			texts.related = l.entries(v, "related")
			t.Related = entryTexts(texts.related)
		case "offer":
			t.Offer = l.str(v, "offer")
			switch t.Offer {
			case "", OfferChecklist, OfferReport, OfferHandoff:
			default:
				l.addf(v, "offer: unknown flow %q (want %s, %s or %s)", t.Offer, OfferChecklist, OfferReport, OfferHandoff)
			}
		case "deadlines":
			if v.Kind != yaml.SequenceNode {
				l.addf(v, "deadlines: expected a list of {label, date, note}")
				return true
			}
			for _, d := range v.Content {
				if d.Kind == yaml.ScalarNode || hasKey(d, "id") {
					t.Deadlines = append(t.Deadlines, l.deadlineRef(d))
					continue
				}
				if dl, ok := l.deadline(d); ok {
					t.Deadlines = append(t.Deadlines, dl)
				}
			}
		case "source_date", "until":
			d, ok := l.date(v, key, "2022-08-30")
			if !ok {
				return true
			}
			if key == "until" {
				t.Until = d
			} else {
				t.Source = d
			}
		case "past":
			t.Past = l.str(v, "past")
		case "replaces":
			if v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
				l.addf(v, "replaces: expected true or false")
			}
			replaces = v.Value == "true"
		default:
			return false
		}
		return true
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	where := n
	if idNode != nil {
		where = idNode
		t.Line = idNode.Line
	}
	name := t.ID
	if name == "" {
		name = "topic"
		l.addf(n, "topic: missing id")
	} else if !idPattern.MatchString(t.ID) {
		l.addf(idNode, "id: %q should be lower-case words joined by hyphens", t.ID)
	}
	if t.Title == "" {
		l.addf(where, "%s: missing title", name)
	}
	if t.Answer == "" {
		l.addf(where, "%s: missing answer", name)
	}
	if !t.Until.IsZero() && (t.Past == "" || t.Source.IsZero()) {
		l.addf(where, "%s: until needs past (the answer once it has passed) and source_date", name)
	}
	if len(t.Sources) == 0 {
		l.addf(where, "%s: missing sources (the facts the answer rests on)", name)
	}
	if !hasExamples {
		l.addf(where, "%s: missing examples; give a few questions this topic answers", name)
	}
	if t.ID == "" {
		return
	}
	if i, ok := l.byID[t.ID]; ok {
		if !replaces {
			old := l.topics[i]
			l.addf(where, "%s: already defined at %s:%d (set replaces: true to replace it)", t.ID, old.File, old.Line)
			return
		}
		l.topics[i], l.texts[i] = t, texts
		return
	}
	if replaces {
		l.addf(where, "%s: replaces: true, but no earlier file defines this id (files are read in name order)", t.ID)
	}
	l.byID[t.ID] = len(l.topics)
	l.topics = append(l.topics, t)
	l.texts = append(l.texts, texts)
}

func (l *loader) deadline(n *yaml.Node) (Deadline, bool) { return l.deadlineFields(n, nil) }

// date reads the date of key, a day in Japan; one that is not is a problem naming
// example.
func (l *loader) date(v *yaml.Node, key, example string) (time.Time, bool) {
	s := l.str(v, key)
	t, err := time.ParseInLocation(time.DateOnly, s, jst)
	if err != nil {
		l.addf(v, "%s: %q is not a date like %s", key, s, example)
		return time.Time{}, false
	}
	return t, true
}

// deadlineFields reads a deadline's label, date, note and passed; extra, when not nil,
// takes the keys these are not.
func (l *loader) deadlineFields(n *yaml.Node, extra func(key string, v *yaml.Node) bool) (Deadline, bool) {
	var d Deadline
	var dateNode *yaml.Node
	ok := true
	l.fields(n, "deadline", func(key string, v *yaml.Node) bool {
		switch key {
		case "label":
			d.Label = l.str(v, "label")
		case "date":
			dateNode = v
			var good bool
			d.Date, good = l.date(v, key, "2022-11-30")
			ok = ok && good
		case "note":
			d.Note = l.str(v, "note")
		case "note_until":
			var good bool
			d.NoteUntil, good = l.date(v, key, "2023-03-31")
			ok = ok && good
		case "passed":
			d.Passed = l.str(v, "passed")
		default:
			return extra != nil && extra(key, v)
		}
		return true
	})
	if n.Kind != yaml.MappingNode {
		return d, false
	}
	if d.Label == "" {
		l.addf(n, "deadline: missing label")
		ok = false
	}
	if dateNode == nil {
		l.addf(n, "deadline: missing date")
		ok = false
	}
	return d, ok
}

func (l *loader) checkRelated() {
	for i, t := range l.topics {
		for _, r := range l.texts[i].related {
			switch _, ok := l.byID[r.text]; {
			case r.text == t.ID:
				l.problems = append(l.problems, Problem{File: r.file, Line: r.line, Msg: t.ID + ": related lists the topic itself"})
			case !ok:
				l.problems = append(l.problems, Problem{File: r.file, Line: r.line, Msg: fmt.Sprintf("%s: related topic %q is not defined", t.ID, r.text)})
			}
		}
	}
}

// scope learns the words of every topic and synonym (see scope).
func (l *loader) scope(tk *tokenizer.Tokenizer) *scope {
	var texts []string
	for i, t := range l.topics {
		texts = append(texts, t.Title, t.Answer)
		texts = append(texts, t.Examples...)
		texts = append(texts, t.Keywords...)
		for _, g := range l.texts[i].anchors {
			texts = append(texts, entryTexts(g)...)
		}
	}
	for _, g := range l.synonyms {
		texts = append(texts, entryTexts(g)...)
	}
	return newScope(tk, texts, entryTexts(l.outside.keywords))
}
