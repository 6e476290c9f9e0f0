package flows

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"deskbot/bot"
	"deskbot/flows/parse"
)

// flow returns the script flow in progress, nil at the menu or in FAQ or handoff.
func (c *turn) flow() *Flow {
	return c.sc.Flows[c.s.Flow]
}

// startFlow begins flow id with pre-filled answers (nil for none).
func (c *turn) startFlow(id string, answers map[string]string) {
	f := c.sc.Flows[id]
	c.s.Start(id, "", answers)
	if f.Start != "" {
		c.say(f.Start)
	}
	c.next(f)
}

// limit is the longest text answer st takes, in characters.
func (st *Step) limit() int {
	if st.Max == 0 {
		return 200
	}
	return st.Max
}

// cut answers the text step st with the beginning of the text kept as too long.
func (c *turn) cut(f *Flow, st *Step) bool {
	if c.s.Pending == "" || st == nil || st.Input != "text" {
		return false
	}
	c.answer(f, st, string([]rune(c.s.Pending)[:min(st.limit(), utf8.RuneCountInString(c.s.Pending))]), false)
	return true
}

// asks reports whether st is a question of this conversation now: it applies to the
// answers so far and, if it matters only for the subsidy, the scheme has not ended.
func (c *turn) asks(f *Flow, st *Step) bool {
	return st.applies(c.s.Answers) && !(st.Subsidy && schemeEnded(f, c.now))
}

// next moves to the first step that applies and is not answered yet, or finishes the flow.
// Answers given earlier, pre-filled or kept through 戻る, are not asked again.
func (c *turn) next(f *Flow) {
	c.s.Pending = ""
	for _, st := range f.Steps {
		if _, done := c.s.Answers[st.ID]; !done && c.asks(f, st) {
			c.s.Step = st.ID
			c.prompt()
			return
		}
	}
	c.finish(f)
}

// answer takes an answer to st: tapped is a choice value, otherwise typed text. An answer
// that is not understood gets a re-prompt that says what is expected, and changes nothing;
// one that is not understood at all may be a question, and is tried on the FAQ first.
func (c *turn) answer(f *Flow, st *Step, in string, tapped bool) {
	if st == nil {
		c.prompt()
		return
	}
	c.s.Pending = ""
	if n := utf8.RuneCountInString(in); st.Input == "text" && !tapped && n > st.limit() {
		// Kept, not refused whole: the clinic may take its beginning or type it again.
		c.s.Pending = in
		c.say(fill(c.sc.Texts.TooLongCut, "max", strconv.Itoa(st.limit()), "length", strconv.Itoa(n)))
		c.prompt()
		return
	}
	if st.Input == "multi" && !tapped {
		if head, v, ok := c.keepNote(f, st, in); ok {
			c.pick(st, append(typedPicks(st, head), v)...) // the note names no other choice
			return
		}
		if vs := typedPicks(st, in); len(vs) > 0 {
			c.pick(st, vs...)
			return
		}
	}
	if !tapped && c.amountAgain(f, st, in) {
		return
	}
	value, retry, vague := c.understand(st, in, tapped)
	if retry != "" {
		if vague && !tapped && mayBeQuestion(st, in) && c.tryFAQ(in, false) {
			return
		}
		c.say(retry)
		c.prompt()
		return
	}
	if st.Input == "multi" {
		if tapped && slices.Contains(c.s.Picks, value) {
			c.s.Picks = slices.DeleteFunc(slices.Clone(c.s.Picks), func(v string) bool { return v == value })
			c.prompt()
			return
		}
		c.pick(st, value)
		return
	}
	if st.Require != "" && value != st.Require {
		c.say(st.Refused)
		c.prompt()
		return
	}
	if st.Check == "small" && value == "no" {
		// Not the amount meant: ask it again, as if neither question had been answered.
		delete(c.s.Answers, st.Of)
		c.s.Trail = slices.DeleteFunc(c.s.Trail, func(id string) bool { return id == st.Of })
		c.next(f)
		return
	}
	c.s.Set(st.ID, value)
	for _, o := range f.Steps {
		if o.Of == st.ID {
			delete(c.s.Answers, o.ID) // about the amount that was: asked again if need be
		}
	}
	c.s.Trail = append(c.s.Trail, st.ID)
	c.say(st.Notes[value])
	c.recheck(f, st)
	if f.ID == "checklist" && st.ID == ckCannotNext && value != cannotGoOn {
		c.cannotNext(f, value)
		return
	}
	c.next(f)
}

// amountAgain takes an amount typed at a follow-up of an amount step (「500円でよろしいですか？」,
// 税込か税別か, 月額か年額か) as what it is: the amount, corrected (「いいえ、50万です」), which is
// then followed up anew; or, the same amount at the small-amount check, its confirmation.
// It reports whether it took the text; text that is no amount is left to the step.
func (c *turn) amountAgain(f *Flow, st *Step, in string) bool {
	of := f.step(st.Of)
	if of == nil || of.Input != "yen" {
		return false
	}
	v, retry, _ := c.read(of, in)
	switch {
	case retry != "":
		return false
	case v == c.s.Answers[of.ID]:
		if st.Check != "small" {
			return false
		}
		c.answer(f, st, "yes", true)
	default:
		c.s.Trail = slices.DeleteFunc(c.s.Trail, func(id string) bool { return id == of.ID })
		c.answer(f, of, in, false)
	}
	return true
}

// mayBeQuestion reports whether an answer that was not understood may be a question for
// the FAQ: not a yes, no or 「わからない」, which answer the question asked, and, where a date
// or an amount is asked, nothing that reads as one (「来年の春以降」「4月か5月」「補助金の期限
// までには」; 「補助金の上限くらい」「保守は導入費用に含まれています」), and, where whether the
// vendor can do the work is asked, nothing that speaks of it (「補助金の対象になるなら対応
// するとのこと」): that is an answer to re-prompt. Whether it is a question is then the matcher's call: it refuses short answers
// such as 「3か月」 itself.
func mayBeQuestion(st *Step, in string) bool {
	if st.Input == "when" && parse.LooksLikeDate(in) || st.Input == "yen" && parse.LooksLikeAmount(in) ||
		st.Input == "cando" && parse.AboutCanDo(in) {
		return false
	}
	return parse.ParseYesNo(in) == parse.Unknown
}

// recheck drops the answers that an answer to st has made wrong, so that they are asked
// again: a 医療機関コード that does not belong to the prefecture now given.
func (c *turn) recheck(f *Flow, st *Step) {
	if st.Input != "prefecture" {
		return
	}
	for _, o := range f.Steps {
		v := c.s.Answers[o.ID]
		if o.Input != "code" || v == "" {
			continue
		}
		if _, retry, _ := c.understand(o, v, false); retry != "" {
			delete(c.s.Answers, o.ID)
			c.say(f.Texts.CodeRecheck)
		}
	}
}

// understand turns an answer into the stored value, or says why it cannot. vague means the
// answer was not understood at all, as opposed to understood and refused (too long, in the
// past, a wrong check digit): only a vague one may be a question instead.
//
// Typed text is read as a choice's label, value or alias first, then by the step's input
// kind (an amount, a date…), and last, where that fails, as a yes/no answer or a sentence
// naming one choice (「診療所です」).
func (c *turn) understand(st *Step, in string, tapped bool) (value, retry string, vague bool) {
	if tapped {
		if o, ok := optionByValue(st, in); ok {
			return o.Value, "", false
		}
		return "", c.sc.Texts.StaleChoice, false
	}
	if o, ok := namedOption(st, in); ok {
		return o.Value, "", false
	}
	if o, ok := sayingOption(st, in); ok {
		return o.Value, "", false
	}
	value, retry, vague = c.read(st, in)
	if retry != "" && vague && st.Input != "cando" { // cando has read yes and no its own way
		if o, ok := impliedOption(st, in); ok {
			return o.Value, "", false
		}
	}
	return value, retry, vague
}

// read reads typed text by the input kind of st.
func (c *turn) read(st *Step, in string) (value, retry string, vague bool) {
	t := &c.sc.Texts
	vagueRetry := func(text string) (string, string, bool) {
		if st.Retry != "" {
			return "", st.Retry, true
		}
		return "", text, true
	}
	refuse := func(text string) (string, string, bool) { return "", text, false }
	switch st.Input {
	case "choice", "confirm":
		return vagueRetry(t.NotUnderstood)
	case "cando":
		// Negation and referral win over a bare できる; what is not clear is not guessed.
		want := map[parse.CanDo]string{parse.Can: "yes", parse.Cannot: "no", parse.CannotRefers: "refer"}[parse.ParseCanDo(in)]
		if want == "" && parse.ParseYesNo(in) == parse.DontKnow {
			want = "dontknow"
		}
		if i := slices.IndexFunc(st.Choices, func(o Option) bool { return want != "" && o.YesNo == want }); i >= 0 {
			return st.Choices[i].Value, "", false
		}
		return vagueRetry(t.NotUnderstood)
	case "multi":
		return vagueRetry(t.MultiRetry)
	case "yesno":
		return vagueRetry(t.YesnoRetry)
	case "text":
		if utf8.RuneCountInString(in) > st.limit() {
			return "", fill(c.sc.Texts.TooLong, "max", strconv.Itoa(st.limit())), false
		}
		if !hasWords(in) {
			// Emoji or marks alone (「🏥」「👍👍」「…」) name nothing: typed as one sends a sticker.
			return refuse(t.Unsupported)
		}
		if st.Named && parse.ParseYesNo(in) == parse.DontKnow {
			return refuse(t.NameUnknown) // 「未定」 is not the vendor's name
		}
		return in, "", false
	case "yen":
		read := parse.ParseYen
		if st.Zero {
			read = parse.ParseAmount
		}
		a, err := read(in)
		switch {
		case err == nil:
			return a.String(), "", false
		case errors.Is(err, parse.ErrNegative):
			return refuse(t.YenNegative)
		case errors.Is(err, parse.ErrZero):
			return refuse(t.YenZero)
		case errors.Is(err, parse.ErrTooLarge):
			return refuse(t.YenTooLarge)
		}
		return vagueRetry(t.YenRetry)
	case "when":
		w, err := parse.ParseWhen(in, c.now)
		switch {
		case err == nil && w.Approx:
			return "~" + w.Date.Format(time.DateOnly), "", false
		case err == nil:
			return w.Date.Format(time.DateOnly), "", false
		case errors.Is(err, parse.ErrInvalidDate):
			return refuse(t.WhenInvalid)
		case errors.Is(err, parse.ErrPast):
			return refuse(t.WhenPast)
		case errors.Is(err, parse.ErrTooFar):
			return refuse(t.WhenFar)
		}
		return vagueRetry(t.WhenRetry)
	case "prefecture":
		if p, ok := parse.ParsePrefecture(in); ok {
			return p.Name, "", false
		}
		return vagueRetry(t.PrefectureRetry)
	case "code":
		return c.readCode(in)
	case "contact":
		ct, err := parse.ParseContact(in)
		if err != nil {
			return vagueRetry(t.ContactRetry)
		}
		return c.contactText(ct), "", false
	}
	return vagueRetry(t.NotUnderstood)
}

// readCode reads a 医療機関コード against the prefecture answered before it, which also
// lets the 7-digit local form be completed.
func (c *turn) readCode(in string) (value, retry string, vague bool) {
	pref := parse.Prefecture{}
	if p, ok := parse.ParsePrefecture(c.s.Answers[rpPrefecture]); ok {
		pref = p
	}
	code, err := parse.FindMedicalCode(in, pref.Code) // 「コードは2011234560です」 too
	switch {
	case err == nil:
		return code.String(), "", false
	case writtenPhone(in):
		return "", c.sc.Texts.CodePhone, false
	case errors.Is(err, parse.ErrPharmacy):
		// This desk takes reports of clinics and hospitals, 医科 or 歯科.
		return "", c.sc.Texts.CodePharmacy, false
	case errors.Is(err, parse.ErrNoSuchPrefecture):
		return "", c.sc.Texts.CodeNoPrefecture, false
	case errors.Is(err, parse.ErrCheckDigit):
		return "", c.sc.Texts.CodeCheck, false
	case errors.Is(err, parse.ErrCodePrefecture):
		return "", fill(c.sc.Texts.CodePrefecture, "prefecture", pref.Name), false
	case errors.Is(err, parse.ErrCodeTable):
		return "", c.sc.Texts.CodeTable, false
	case errors.Is(err, parse.ErrNeedPrefecture):
		return "", c.sc.Texts.CodeNeedPrefecture, false
	}
	return "", c.sc.Texts.CodeRetry, true
}

// hasWords reports whether s has a letter or a digit: emoji or marks alone (「🏥」「👍👍」
// 「…」) name nothing and answer nothing typed as words.
func hasWords(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) })
}

// writtenPhone reports whether in is a phone number written as one: a mobile's 11 digits,
// or hyphenated where the numbering plan puts the hyphens (048-123-4567) — not ten bare
// digits, which may as well be a code.
func writtenPhone(in string) bool {
	p, err := parse.ParsePhone(in)
	return err == nil && (len(p) == 11 || strings.Contains(parse.Normalize(in), parse.FormatPhone(p)))
}

// contactText writes a contact as the desk reads it: the phone number with hyphens and its
// extension, or the address, then who to ask for and when to call, where said:
// 03-1234-5678 内線123（担当：事務 山田／平日午前中）.
func (c *turn) contactText(ct parse.Contact) string {
	var ways, extra []string
	if ct.Phone != "" {
		phone := parse.FormatPhone(ct.Phone)
		if ct.Ext != "" {
			phone += " " + fill(c.sc.Texts.ContactExt, "ext", ct.Ext)
		}
		ways = append(ways, phone)
	}
	if ct.Email != "" {
		ways = append(ways, ct.Email)
	}
	if ct.Person != "" {
		extra = append(extra, fill(c.sc.Texts.ContactPerson, "person", ct.Person))
	}
	if ct.When != "" {
		extra = append(extra, ct.When)
	}
	s := strings.Join(ways, " ")
	if len(extra) > 0 {
		s += fill(c.sc.Texts.ContactExtra, "extra", strings.Join(extra, "／"))
	}
	return s
}

// optionByValue finds the option of a tapped value.
func optionByValue(st *Step, v string) (Option, bool) {
	i := slices.IndexFunc(st.Choices, func(o Option) bool { return o.Value == v })
	if i < 0 {
		return Option{}, false
	}
	return st.Choices[i], true
}

// namedOption finds the option typed text names: its label, value or an alias, also with a
// polite ending (「診療所です」), or, for a label that is a verb, in its ます form
// (「このまま続けます」 for このまま続ける, 「報告します」 for 報告する).
func namedOption(st *Step, in string) (Option, bool) {
	plain := strings.TrimRight(in, "。.!！、 ")
	for _, end := range []string{"です", "でした"} {
		plain = strings.TrimSuffix(plain, end)
	}
	forms := append([]string{in, plain}, dictionaryForms(plain)...)
	for _, o := range st.Choices {
		for _, w := range o.names() {
			if slices.ContainsFunc(forms, func(f string) bool { return strings.EqualFold(f, w) }) {
				return o, true
			}
		}
	}
	return Option{}, false
}

// dictionaryForms are the forms a verb typed in its ます form may have in a label: 〜します
// is 〜する or 〜す (確認します, 直します), 〜ます after another kana is 〜る (続けます).
func dictionaryForms(s string) []string {
	if stem, ok := strings.CutSuffix(s, "します"); ok {
		return []string{stem + "する", stem + "す"}
	}
	if stem, ok := strings.CutSuffix(s, "ます"); ok && stem != "" {
		return []string{stem + "る"}
	}
	return nil
}

// names are the words that name an option when typed.
func (o Option) names() []string {
	return append([]string{o.Label, o.Value}, o.Aliases...)
}

// impliedOption finds the option a sentence implies, where the step allows it: a yes/no
// answer mapped to an option (「できるそうです」), or, at a choice step, the one option
// whose label or alias the sentence contains (「内科の診療所です」).
func impliedOption(st *Step, in string) (Option, bool) {
	if st.Input == "multi" || st.Input == "text" {
		return Option{}, false
	}
	if o, ok := yesNoOption(st, in); ok {
		return o, true
	}
	if st.Input != "choice" {
		return Option{}, false
	}
	if found := containedOptions(st, in); len(found) == 1 {
		return found[0], true
	}
	return Option{}, false
}

// yesNoOption is the option a yes/no answer maps to (its yesno), if any.
func yesNoOption(st *Step, in string) (Option, bool) {
	yn := parse.ParseYesNo(in)
	want := map[parse.YesNo]string{parse.Yes: "yes", parse.No: "no", parse.DontKnow: "dontknow"}[yn]
	if i := slices.IndexFunc(st.Choices, func(o Option) bool { return want != "" && o.YesNo == want }); i >= 0 {
		return st.Choices[i], true
	}
	return Option{}, false
}

// sayingOption finds, at a text step that asks for a name with choices for "none" or "not
// known" marked yesno, the choice a one-clause no or don't-know says (「推奨機種は特にない
// そうです」 is 推奨はない, not a model's name). Text of more than one clause is kept as
// typed: 「推奨はないが、Aがよいと言われた」 says more than the choice.
func sayingOption(st *Step, in string) (Option, bool) {
	if st.Input != "text" || strings.ContainsAny(strings.TrimRight(parse.Normalize(in), "。.!、,"), "、,。.!?") {
		return Option{}, false
	}
	return yesNoOption(st, in)
}

// containedOptions are the options whose label or an alias appears in in, in choice order.
// An alias written with "+" (見積+高) names its option where its parts come in that order
// in one clause, whatever the particles and endings between and after them: 「見積が高すぎる」
// 「見積もりも高くて」「時間もかかりすぎ」.
func containedOptions(st *Step, in string) []Option {
	low := strings.ToLower(in)
	var found []Option
	for _, o := range st.Choices {
		if slices.ContainsFunc(append([]string{o.Label}, o.Aliases...), func(w string) bool {
			return w != "" && mentions(low, strings.ToLower(w))
		}) {
			found = append(found, o)
		}
	}
	return found
}

// partGap is how many characters may come between two parts of a "+" alias: a particle
// and an ending (見積[もりが]高), not another clause's words.
const partGap = 6

// mentions reports whether text contains w, or, for w written with "+", its parts in
// order within one clause, each at most partGap characters after the one before.
func mentions(text, w string) bool {
	parts := strings.Split(w, "+")
	if len(parts) == 1 {
		return strings.Contains(text, w)
	}
	for _, clause := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("、。,.!?！？\n", r) }) {
		if partsFrom(clause, parts, -1) {
			return true
		}
	}
	return false
}

// partsFrom reports whether parts occur in order in s, the first anywhere when gap < 0,
// each following one within partGap characters.
func partsFrom(s string, parts []string, gap int) bool {
	if len(parts) == 0 {
		return true
	}
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], parts[0])
		if i < 0 {
			return false
		}
		if gap >= 0 && utf8.RuneCountInString(s[:from+i]) > gap {
			return false
		}
		rest := s[from+i+len(parts[0]):]
		if partsFrom(rest, parts[1:], partGap) {
			return true
		}
		if gap >= 0 {
			return false // a later match is only further away
		}
		_, size := utf8.DecodeRuneInString(s[from+i:])
		from += i + size
	}
	return false
}

// typedPicks reads typed text at a multiple choice: one option named exactly, or every
// option named in a sentence (「見積が高いのと保守料」). Numbers (「1と3」) are not read: the
// clinic sees no numbers on LINE.
func typedPicks(st *Step, in string) []string {
	if o, ok := namedOption(st, in); ok {
		return []string{o.Value}
	}
	var vs []string
	for _, o := range containedOptions(st, in) {
		vs = append(vs, o.Value)
	}
	return vs
}

// keepNote keeps what is typed after the name of an option with a note (「その他：業者と
// 連絡がつかない」) as the answer of the step it notes, unless that is answered already,
// and says so: nothing typed is dropped. It returns what came before the name, where other
// choices may be named, and the option's value.
func (c *turn) keepNote(f *Flow, st *Step, in string) (head, value string, ok bool) {
	for _, o := range st.Choices {
		ns := f.step(o.Note)
		if ns == nil || c.s.Answers[ns.ID] != "" {
			continue
		}
		for _, name := range o.names() {
			head, rest, found := strings.Cut(in, name)
			rest = strings.TrimSpace(strings.TrimLeft(rest, ":：、,。.)）」 -ー"))
			if !found || rest == "" || utf8.RuneCountInString(rest) > ns.limit() {
				continue
			}
			c.s.Set(ns.ID, rest)
			c.say(fill(c.sc.Texts.MultiNoted, "text", rest, "label", ns.Label))
			return head, o.Value, true
		}
	}
	return "", "", false
}

// pick adds choices to a multi step's picks. Once every choice is picked the step is done.
func (c *turn) pick(st *Step, values ...string) {
	cur := c.s.Picks
	for _, v := range values {
		if !slices.Contains(cur, v) {
			cur = append(cur, v)
		}
	}
	c.s.Picks = cur
	if len(cur) == len(st.Choices) {
		c.donePicking(c.flow(), st)
		return
	}
	c.prompt()
}

func picks(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// optionLabels names the picked options of a multi step.
func (c *turn) optionLabels(st *Step, picked []string) string {
	var labels []string
	for _, p := range picked {
		if o, ok := optionByValue(st, p); ok {
			labels = append(labels, o.Label)
		}
	}
	return strings.Join(labels, "、")
}

// back goes back one step. On the field list of the confirmation screen it returns to the
// screen; in a multiple choice it takes back the last pick; otherwise it returns to the
// previous answered step, keeping the answers given (a multiple choice comes back with its
// picks).
func (c *turn) back() {
	c.s.Pending = ""
	f := c.flow()
	if f == nil {
		c.prompt()
		return
	}
	if c.s.Mode == bot.ModeEdit {
		c.leaveEdit(f)
		return
	}
	if len(c.s.Trail) == 0 && c.s.Editing && c.s.Mode == bot.ModeStep {
		// A question opened from the confirmation screen: back to the screen, unchanged
		// (a checklist's: to its field list).
		c.s.Mode, c.s.Step, c.s.Picks, c.s.Editing = bot.ModeConfirm, "", nil, false
		if f.ID == "checklist" {
			c.s.Mode = bot.ModeEdit
		}
		c.prompt()
		return
	}
	if st := f.step(c.s.Step); st != nil && st.Input == "multi" && c.s.Mode == bot.ModeStep {
		if p := c.s.Picks; len(p) > 0 {
			c.s.Picks = p[:len(p)-1]
			c.prompt()
			return
		}
	}
	if len(c.s.Trail) == 0 {
		c.say(c.sc.Texts.BackFirst)
		c.prompt()
		return
	}
	c.s.Mode, c.s.Picks = bot.ModeStep, nil
	c.s.Step = c.s.Trail[len(c.s.Trail)-1]
	c.s.Trail = c.s.Trail[:len(c.s.Trail)-1]
	if st := f.step(c.s.Step); st != nil && st.Input == "multi" {
		c.s.Picks = picks(c.s.Answers[st.ID])
	}
	c.prompt()
}

// leaveEdit leaves the field list: a report's for its confirmation screen, a checklist's
// for its summary, unchanged.
func (c *turn) leaveEdit(f *Flow) {
	if f.ID == "checklist" {
		id := c.s.From
		c.s.Start(f.ID, "", nil)
		c.s.Mode, c.s.Record = bot.ModeSummary, id
		c.prompt()
		return
	}
	c.s.Mode, c.s.Page = bot.ModeConfirm, 0
	c.prompt()
}

// skip leaves the optional step st unanswered and moves on.
func (c *turn) skip(f *Flow, st *Step) {
	c.s.Set(st.ID, "")
	c.s.Trail = append(c.s.Trail, st.ID)
	c.next(f)
}

// donePicking ends the multiple choice st with the choices picked, or asks for one.
func (c *turn) donePicking(f *Flow, st *Step) {
	if len(c.s.Picks) == 0 {
		c.say(c.sc.Texts.MultiEmpty)
		c.prompt()
		return
	}
	var chosen []string // in the order of the choices, however they were picked
	for _, o := range st.Choices {
		if slices.Contains(c.s.Picks, o.Value) {
			chosen = append(chosen, o.Value)
		}
	}
	c.s.Set(st.ID, strings.Join(chosen, ","))
	c.s.Picks = nil
	c.s.Trail = append(c.s.Trail, st.ID)
	c.next(f)
}

// finish ends a flow whose questions are all answered.
func (c *turn) finish(f *Flow) {
	switch f.ID {
	case "checklist":
		c.finishChecklist(f)
	case "report":
		c.s.Mode, c.s.Step = bot.ModeConfirm, ""
		c.prompt()
	default:
		c.s.End()
		c.menu(c.sc.Texts.MenuAgain)
	}
}

// editable returns the fields the confirmation screen offers to change.
func (c *turn) editable(f *Flow) []*Step {
	var out []*Step
	for _, st := range f.Steps {
		if st.Edit && c.asks(f, st) {
			out = append(out, st)
		}
	}
	return out
}

// editableNamed returns the field of the confirmation screen whose label txt is, on any
// page of the field list.
func (c *turn) editableNamed(f *Flow, txt string) *Step {
	for _, st := range c.editable(f) {
		if strings.EqualFold(txt, st.Label) {
			return st
		}
	}
	return nil
}

// fieldToChange is the field of the confirmation screen that txt names with a change word
// (「施設名を直したい」「連絡先の変更をお願いします」): the longest label named, so that
// 「業者を探した地域」 is not 「業者」.
func (c *turn) fieldToChange(f *Flow, txt string) *Step {
	if !slices.ContainsFunc(c.sc.Words.Change, func(w string) bool { return strings.Contains(txt, w) }) {
		return nil
	}
	var found *Step
	for _, st := range c.editable(f) {
		if strings.Contains(txt, st.Label) && (found == nil || len(st.Label) > len(found.Label)) {
			found = st
		}
	}
	return found
}

// namesVerb reports whether txt names label, a verb of the form 〜する (送信する), by its
// stem or in another form: 「送信」「送信します」「送信してください」「送信で」.
func namesVerb(txt, label string) bool {
	stem, ok := strings.CutSuffix(label, "する")
	if !ok {
		return false
	}
	w := strings.TrimRight(txt, "。.!！ ")
	for _, end := range []string{"してください", "して下さい", "をお願いします", "でお願いします", "お願いします", "します", "したい", "で", ""} {
		if x, ok := strings.CutSuffix(w, end); ok && x == stem {
			return true
		}
	}
	return false
}

// edit asks one field again from the confirmation screen. The answer it has stays until a
// new one is given, so 戻る returns to the screen with nothing lost; after the new answer,
// any question that now applies and is unanswered (the follow-up of a category added) is
// asked, then the confirmation screen comes back.
func (c *turn) edit(id string) {
	f := c.flow()
	var st *Step
	if f != nil {
		st = f.step(id)
	}
	if st == nil || c.s.Mode != bot.ModeEdit || !st.Edit || !c.asks(f, st) {
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
		return
	}
	c.s.Mode, c.s.Step, c.s.Picks, c.s.Page = bot.ModeStep, id, nil, 0
	c.s.Trail, c.s.Editing = nil, true
	if st.Input == "multi" {
		// From the current selection: what is still chosen keeps its follow-up answers.
		c.s.Picks = picks(c.s.Answers[id])
	}
	c.prompt()
}

// fixChecklist reopens a kept checklist on the field list, to correct an answer; once
// corrected, the checklist is kept again in its place and its summary shown anew.
func (c *turn) fixChecklist() {
	rec, ok := c.record(c.s.Record)
	if !ok {
		c.say(c.sc.Texts.StaleChoice)
		c.prompt()
		return
	}
	c.s.Start(rec.Flow, "", maps.Clone(rec.Answers))
	c.s.From = rec.ID
	c.s.Mode, c.s.Page = bot.ModeEdit, 0
	c.prompt()
}
