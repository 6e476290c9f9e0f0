package flows

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"deskbot/flows/faq"
	"deskbot/flows/parse"
)

// Script is everything the desk can say outside the FAQ: the common texts, the global
// words, the main menu and the flows. It is loaded from flows/*.yaml of a knowledge base.
type Script struct {
	Texts Texts
	Words Words
	Menu  []Option
	Flows map[string]*Flow
}

// Words are the global words, understood at every step.
type Words struct {
	Menu    []string `yaml:"menu"`
	Cancel  []string `yaml:"cancel"`
	Back    []string `yaml:"back"`
	Handoff []string `yaml:"handoff"`
	Resume  []string `yaml:"resume"`
	Skip    []string `yaml:"skip"`
	// FAQ opens the FAQ's topics from anywhere.
	FAQ []string `yaml:"faq"`
	// Change: at the confirmation screen, a field's name with one of these in the same
	// message (「施設名を直したい」「連絡先の変更」) opens that field to change.
	Change []string `yaml:"change"`
}

// Flow is one conversation flow: an ordered list of steps, each a question.
type Flow struct {
	ID    string    `yaml:"id"`
	Title string    `yaml:"title"`
	Start string    `yaml:"start"`
	Steps []*Step   `yaml:"steps"`
	Texts FlowTexts `yaml:"texts"`
	// Caps are the subsidy caps by facility type value, in yen (the checklist).
	Caps map[string]int64 `yaml:"caps"`
	// ReaderCaps are a hospital's caps by the value of the readers step (how many card
	// readers it takes), in yen; a hospital that has not said uses Caps.
	ReaderCaps map[string]int64 `yaml:"reader_caps"`
	// Deadlines name the dates the checklist's next steps count down to, by id in the FAQ's
	// shared list; Load resolves them into deadlines.
	Deadlines []string `yaml:"deadlines"`

	deadlines []faq.Deadline

	file      string
	capsLine  int
	textsLine int
}

// Step is one question of a flow and the kind of answer it takes.
type Step struct {
	ID string `yaml:"id"`
	// Label names the answer on summary and confirmation cards.
	Label string `yaml:"label"`
	Ask   string `yaml:"ask"`
	// Retry is said, before Ask again, when an answer is not understood. Inputs that
	// parse have their own, more precise retries in the common texts.
	Retry string `yaml:"retry"`
	// Input is the kind of answer: choice, multi, text, yen, when, prefecture, code,
	// contact, yesno.
	Input   string   `yaml:"input"`
	Choices []Option `yaml:"choices"`
	// When is a condition on earlier answers: "step = value", "step != value",
	// "step ~ value" (a multi answer contains value), "step ?" (answered).
	When string `yaml:"when"`
	// Optional steps may be skipped with the skip words or the skip choice.
	Optional bool `yaml:"optional"`
	// Max is the longest text answer, in characters (text input); 0 means 200.
	Max int `yaml:"max"`
	// Edit: the step is offered on the confirmation screen to change.
	Edit bool `yaml:"edit"`
	// Require is the one value that lets the flow go on (consent); any other answer is
	// met with Refused and the question again. Refused is said only to an answer
	// understood as another choice (「だめ」): one not understood (「うーん」) gets Retry,
	// which asks for the choices, not a refusal's consequences.
	Require string `yaml:"require"`
	Refused string `yaml:"refused"`
	// Notes are said after an answer with that value, e.g. advice on "none".
	Notes map[string]string `yaml:"notes"`
	// From names the quote checklist answer that pre-fills this step when a report is
	// filed from a checklist.
	From string `yaml:"from"`
	// Compare: the answer is a row of the side-by-side comparison of kept checklists.
	Compare bool `yaml:"compare"`
	// Zero: a yen step where 「無料」「0円」 is an answer (maintenance).
	Zero bool `yaml:"zero"`
	// PerYear: the comparison shows the amount per year too (maintenance).
	PerYear bool `yaml:"per_year"`
	// Named: the text answer names a company (a vendor); one saying the name is not known
	// yet (「未定」「まだ決まっていません」) is met with NameUnknown instead of being kept as
	// the name.
	Named bool `yaml:"named"`
	// Subsidy: the step matters only for the subsidy (a hospital's readers, which set its
	// cap; the tax basis of a quote near the cap), and is not asked once the subsidy's
	// scheme has ended.
	Subsidy bool `yaml:"subsidy"`
	// Of and Check make a follow-up question about the amount answered at the yen step Of,
	// asked only when the bot's check of that name holds for it: "small" (an amount far
	// below any real quote, confirmed: values yes, no — no asks the amount again), "tax"
	// (the tax basis is not said and decides how it compares with the cap: values in, ex),
	// "period" (月額 or 年額 not said: values m, y). Its answer completes the amount of Of.
	Of    string `yaml:"of"`
	Check string `yaml:"check"`

	line int
	// flow is the flow the step belongs to, for checks that read its caps.
	flow *Flow
	// conds is When, parsed once when the script is loaded.
	conds []cond
}

// Option is one choice of a step or menu.
type Option struct {
	Value   string   `yaml:"value"`
	Label   string   `yaml:"label"`
	Aliases []string `yaml:"aliases"`
	// YesNo maps a yes/no answer to this option: "yes", "no" or "dontknow"; at a cando step
	// also "refer" (the vendor cannot, but refers another).
	YesNo string `yaml:"yesno"`
	// Note names a later text step of the flow: at a multiple choice, what is typed after
	// this option's name (「その他：業者と連絡がつかない」) is kept as that step's answer,
	// not dropped.
	Note string `yaml:"note"`
}

// inputs are the kinds of answer a step can take.
var inputs = []string{"choice", "cando", "multi", "text", "yen", "when", "prefecture", "code", "contact", "yesno", "confirm"}

// Texts are the common texts the code says, the texts: of flows/*.yaml, one field each: a
// knowledge base must set every one (validate), and a key no field takes is an error
// (checkKeys), so a text the code needs cannot be misspelt on either side.
type Texts struct {
	Welcome           string `yaml:"welcome"`
	Menu              string `yaml:"menu"`
	MenuAgain         string `yaml:"menu_again"`
	MenuSuspended     string `yaml:"menu_suspended"`
	Expired           string `yaml:"expired"`
	Cancelled         string `yaml:"cancelled"`
	BackFirst         string `yaml:"back_first"`
	Unsupported       string `yaml:"unsupported"`
	ResumeChoice      string `yaml:"resume_choice"`
	Resumed           string `yaml:"resumed"`
	StaleChoice       string `yaml:"stale_choice"`
	NotUnderstood     string `yaml:"not_understood"`
	FAQPrompt         string `yaml:"faq_prompt"`
	FAQMore           string `yaml:"faq_more"`
	FAQMoreTopics     string `yaml:"faq_more_topics"`
	FAQUnsure         string `yaml:"faq_unsure"`
	HandoffChoice     string `yaml:"handoff_choice"`
	MenuChoice        string `yaml:"menu_choice"`
	HandoffAsk        string `yaml:"handoff_ask"`
	HandoffOpened     string `yaml:"handoff_opened"`
	HandoffSent       string `yaml:"handoff_sent"`
	HandoffSentThanks string `yaml:"handoff_sent_thanks"`
	// A sticker, image or other message that is not text, sent while the handoff is open:
	// what the desk is told, and what the clinic is.
	HandoffUnsupportedDesk string `yaml:"handoff_unsupported_desk"`
	HandoffUnsupported     string `yaml:"handoff_unsupported"`
	HandoffContact         string `yaml:"handoff_contact"`
	HandoffClosed          string `yaml:"handoff_closed"`
	HandoffCloseChoice     string `yaml:"handoff_close_choice"`
	HandoffClosedByDesk    string `yaml:"handoff_closed_by_desk"`
	DeskReply              string `yaml:"desk_reply"`
	SkipChoice             string `yaml:"skip_choice"`
	TooLong                string `yaml:"too_long"`
	NameUnknown            string `yaml:"name_unknown"`
	TooLongCut             string `yaml:"too_long_cut"`
	CutChoice              string `yaml:"cut_choice"`
	TextLimit              string `yaml:"text_limit"`
	Empty                  string `yaml:"empty"`
	None                   string `yaml:"none"`
	BackChoiceConfirm      string `yaml:"back_choice_confirm"`
	YenRetry               string `yaml:"yen_retry"`
	YenNegative            string `yaml:"yen_negative"`
	YenZero                string `yaml:"yen_zero"`
	YenTooLarge            string `yaml:"yen_too_large"`
	WhenRetry              string `yaml:"when_retry"`
	WhenInvalid            string `yaml:"when_invalid"`
	WhenPast               string `yaml:"when_past"`
	WhenFar                string `yaml:"when_far"`
	PrefectureRetry        string `yaml:"prefecture_retry"`
	CodeRetry              string `yaml:"code_retry"`
	CodeCheck              string `yaml:"code_check"`
	CodePrefecture         string `yaml:"code_prefecture"`
	CodeTable              string `yaml:"code_table"`
	CodeNeedPrefecture     string `yaml:"code_need_prefecture"`
	CodePharmacy           string `yaml:"code_pharmacy"`
	CodeNoPrefecture       string `yaml:"code_no_prefecture"`
	CodePhone              string `yaml:"code_phone"`
	ContactPerson          string `yaml:"contact_person"`
	ContactExt             string `yaml:"contact_ext"`
	ContactExtra           string `yaml:"contact_extra"`
	Trouble                string `yaml:"trouble"`
	Thanks                 string `yaml:"thanks"`
	English                string `yaml:"english"`
	ContactRetry           string `yaml:"contact_retry"`
	YesnoRetry             string `yaml:"yesno_retry"`
	MultiMore              string `yaml:"multi_more"`
	MultiDoneChoice        string `yaml:"multi_done_choice"`
	MultiPicked            string `yaml:"multi_picked"`
	MultiEmpty             string `yaml:"multi_empty"`
	MultiRetry             string `yaml:"multi_retry"`
	MultiNoted             string `yaml:"multi_noted"`
	AmountApprox           string `yaml:"amount_approx"`
	AmountMonthly          string `yaml:"amount_monthly"`
	AmountYearly           string `yaml:"amount_yearly"`
	AmountRange            string `yaml:"amount_range"`
	AmountTaxIncluded      string `yaml:"amount_tax_included"`
	AmountTaxExcluded      string `yaml:"amount_tax_excluded"`
	AmountFree             string `yaml:"amount_free"`
	DateApprox             string `yaml:"date_approx"`
}

// FlowTexts are the texts of a flow's texts:; which of them a flow must set depends on its
// id (flowTexts).
type FlowTexts struct {
	Saved               string `yaml:"saved"`
	KeptCannot          string `yaml:"kept_cannot"`
	Replaced            string `yaml:"replaced"`
	RecordsFull         string `yaml:"records_full"`
	SummaryTitle        string `yaml:"summary_title"`
	ReadersLabel        string `yaml:"readers_label"`
	FreeReadersClinic   string `yaml:"free_readers_clinic"`
	FreeReadersHospital string `yaml:"free_readers_hospital"`
	// Once the subsidy's scheme has ended: the 2022 provision, told as what it was.
	FreeReadersClinicEnded   string `yaml:"free_readers_clinic_ended"`
	FreeReadersHospitalEnded string `yaml:"free_readers_hospital_ended"`
	NextSteps                string `yaml:"next_steps"`
	DeadlineLine             string `yaml:"deadline_line"`
	DaysLeft                 string `yaml:"days_left"`
	DueToday                 string `yaml:"due_today"`
	DeadlinesPassed          string `yaml:"deadlines_passed"`
	AttentionNone            string `yaml:"attention_none"`
	AttentionNoVendor        string `yaml:"attention_no_vendor"`
	AttentionSlow            string `yaml:"attention_slow"`
	AttentionOverCap         string `yaml:"attention_over_cap"`
	AttentionMayExceedCap    string `yaml:"attention_may_exceed_cap"`
	AttentionMark            string `yaml:"attention_mark"`
	AttentionTaxUnknown      string `yaml:"attention_tax_unknown"`
	CapLabel                 string `yaml:"cap_label"`
	CapEnded                 string `yaml:"cap_ended"`
	CapReaders               string `yaml:"cap_readers"`
	CapReadersEach           string `yaml:"cap_readers_each"`
	CapTaxAdded              string `yaml:"cap_tax_added"`
	ComparePerYear           string `yaml:"compare_per_year"`
	ComparePerYearUnknown    string `yaml:"compare_per_year_unknown"`
	ReportOffer              string `yaml:"report_offer"`
	SummaryAsk               string `yaml:"summary_ask"`
	ReportChoice             string `yaml:"report_choice"`
	AnotherChoice            string `yaml:"another_choice"`
	CompareChoice            string `yaml:"compare_choice"`
	CompareTitle             string `yaml:"compare_title"`
	CompareLine              string `yaml:"compare_line"`
	Prefilled                string `yaml:"prefilled"`
	UseChecklist             string `yaml:"use_checklist"`
	UseChecklistChoice       string `yaml:"use_checklist_choice"`
	ConfirmTitle             string `yaml:"confirm_title"`
	ConfirmAsk               string `yaml:"confirm_ask"`
	SendChoice               string `yaml:"send_choice"`
	EditChoice               string `yaml:"edit_choice"`
	CancelChoice             string `yaml:"cancel_choice"`
	EditWhich                string `yaml:"edit_which"`
	EditMoreChoice           string `yaml:"edit_more_choice"`
	EditBackChoice           string `yaml:"edit_back_choice"`
	CodeRecheck              string `yaml:"code_recheck"`
	Sent                     string `yaml:"sent"`
}

// flowTexts are texts a flow of that id must define.
var flowTexts = map[string][]string{
	"checklist": {"summary_title", "free_readers_clinic", "free_readers_hospital", "free_readers_clinic_ended",
		"free_readers_hospital_ended", "attention_none",
		"attention_no_vendor", "attention_slow", "attention_over_cap", "attention_may_exceed_cap", "next_steps",
		"report_choice",
		"another_choice", "compare_choice", "compare_title", "saved", "readers_label", "deadlines_passed",
		"attention_mark", "report_offer", "summary_ask", "deadline_line", "days_left", "due_today",
		"records_full", "replaced", "compare_line", "attention_tax_unknown", "cap_label", "cap_ended", "kept_cannot", "cap_readers",
		"cap_readers_each", "cap_tax_added", "compare_per_year", "compare_per_year_unknown",
		"edit_choice", "edit_which", "edit_more_choice", "edit_back_choice"},
	"report": {"confirm_title", "confirm_ask", "send_choice", "edit_choice", "cancel_choice", "edit_which", "sent",
		"use_checklist", "use_checklist_choice",
		"prefilled", "edit_more_choice", "code_recheck"},
}

// LoadScript reads flows/*.yaml from fsys and validates it. Every problem found is
// returned at once, each naming its file and line.
func LoadScript(fsys fs.FS) (*Script, error) {
	names, err := fs.Glob(fsys, "flows/*.yaml")
	if err != nil {
		return nil, err
	}
	s := &Script{Flows: map[string]*Flow{}}
	var errs []error
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, s.add(name, b)...)
	}
	errs = append(errs, s.validate()...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// fileDoc is the shape of one flows/*.yaml file: common parts, a flow, or both.
type fileDoc struct {
	Texts *Texts   `yaml:"texts"`
	Words *Words   `yaml:"words"`
	Menu  []Option `yaml:"menu"`
	Flow  *Flow    `yaml:"flow"`
}

func (s *Script) add(name string, b []byte) []error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return []error{fmt.Errorf("%s: %w", name, err)}
	}
	if len(root.Content) == 0 {
		return []error{fmt.Errorf("%s: empty file", name)}
	}
	var errs []error
	checkKeys(name, root.Content[0], reflect.TypeFor[fileDoc](), &errs)
	var doc fileDoc
	if err := root.Content[0].Decode(&doc); err != nil {
		return append(errs, fmt.Errorf("%s: %w", name, err))
	}
	if doc.Texts != nil {
		// Common texts may be spread over files, each set once.
		have, add := reflect.ValueOf(&s.Texts).Elem(), reflect.ValueOf(doc.Texts).Elem()
		for i := range add.NumField() {
			if add.Field(i).String() == "" {
				continue
			}
			if have.Field(i).String() != "" {
				errs = append(errs, fmt.Errorf("%s: text %q defined twice", name, yamlName(have.Type().Field(i))))
			}
			have.Field(i).Set(add.Field(i))
		}
	}
	if doc.Words != nil {
		s.Words = *doc.Words
	}
	if doc.Menu != nil {
		s.Menu = doc.Menu
	}
	if f := doc.Flow; f != nil {
		f.file = name
		setLines(root.Content[0], f)
		if _, dup := s.Flows[f.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: flow %q defined twice", name, f.ID))
		}
		s.Flows[f.ID] = f
	}
	return errs
}

// checkKeys reports mapping keys that no field of t (or of the structs below it) takes,
// with their line, so a misspelt key in a desk edit is caught instead of ignored.
func checkKeys(file string, n *yaml.Node, t reflect.Type, errs *[]error) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				checkKeys(file, c, t.Elem(), errs)
			}
			return
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		f, ok := fieldByTag(t, key.Value)
		if !ok {
			*errs = append(*errs, fmt.Errorf("%s:%d: unknown key %q", file, key.Line, key.Value))
			continue
		}
		checkKeys(file, n.Content[i+1], f.Type, errs)
	}
}

// yamlName is the key of a field in YAML.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name && name != "" && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// setLines records the lines of the steps, caps and texts, for the errors of validate.
func setLines(flowNode *yaml.Node, f *Flow) {
	fn := mapValue(flowNode, "flow")
	f.capsLine, f.textsLine = lineOf(fn, "caps"), lineOf(fn, "texts")
	steps := mapValue(fn, "steps")
	if steps == nil {
		return
	}
	for i, n := range steps.Content {
		if i < len(f.Steps) {
			f.Steps[i].line = n.Line
		}
	}
}

// lineOf is the line of key in mapping n, or 1 when n lacks it.
func lineOf(n *yaml.Node, key string) int {
	if n == nil || n.Kind != yaml.MappingNode {
		return 1
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 1
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Quick replies carry at most 13 items of at most 20 characters (LINE's limits); labels
// are kept within them everywhere.
const (
	maxChoices     = 13
	maxChoiceLabel = 20
)

func (s *Script) validate() []error {
	var errs []error
	bad := func(file string, line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	texts := reflect.ValueOf(s.Texts)
	for i := range texts.NumField() {
		if strings.TrimSpace(texts.Field(i).String()) == "" {
			errs = append(errs, fmt.Errorf("flows: common text %q is missing", yamlName(texts.Type().Field(i))))
		}
	}
	if len(s.Words.Menu) == 0 || len(s.Words.Cancel) == 0 || len(s.Words.Back) == 0 || len(s.Words.Handoff) == 0 {
		errs = append(errs, errors.New("flows: words menu, cancel, back and handoff are required"))
	}
	if len(s.Menu) == 0 || len(s.Menu) > maxChoices {
		errs = append(errs, fmt.Errorf("flows: the menu needs 1 to %d entries, has %d", maxChoices, len(s.Menu)))
	}
	for _, o := range s.Menu {
		if !slices.Contains(menuActions, o.Value) {
			errs = append(errs, fmt.Errorf("flows: menu entry %q: value must be one of %v", o.Label, menuActions))
		}
	}
	for _, id := range []string{"checklist", "report"} {
		if s.Flows[id] == nil {
			errs = append(errs, fmt.Errorf("flows: flow %q is missing", id))
		}
	}
	for _, f := range s.Flows {
		if f.ID == "" || f.Title == "" || len(f.Steps) == 0 {
			bad(f.file, 1, "a flow needs id, title and steps")
		}
		for _, k := range flowTexts[f.ID] {
			if v, ok := fieldByTag(reflect.TypeFor[FlowTexts](), k); !ok || strings.TrimSpace(reflect.ValueOf(f.Texts).FieldByIndex(v.Index).String()) == "" {
				bad(f.file, f.textsLine, "flow %q: text %q is missing", f.ID, k)
			}
		}
		seen := map[string]bool{}
		for _, st := range f.Steps {
			switch {
			case st.ID == "":
				bad(f.file, st.line, "a step needs an id")
			case seen[st.ID]:
				bad(f.file, st.line, "step %q defined twice", st.ID)
			}
			if st.Ask == "" {
				bad(f.file, st.line, "step %q: ask is empty", st.ID)
			}
			if !slices.Contains(inputs, st.Input) {
				bad(f.file, st.line, "step %q: input %q is not one of %v", st.ID, st.Input, inputs)
			}
			if (st.Input == "choice" || st.Input == "cando" || st.Input == "multi") && len(st.Choices) == 0 {
				bad(f.file, st.line, "step %q: a %s step needs choices", st.ID, st.Input)
			}
			if len(st.Choices)+2 > maxChoices {
				bad(f.file, st.line, "step %q: %d choices; at most %d fit beside the global ones", st.ID, len(st.Choices), maxChoices-2)
			}
			for _, o := range st.Choices {
				if o.Value == "" || o.Label == "" {
					bad(f.file, st.line, "step %q: a choice needs value and label", st.ID)
				}
				if utf8.RuneCountInString(o.Label) > maxChoiceLabel {
					bad(f.file, st.line, "step %q: choice label %q is over %d characters", st.ID, o.Label, maxChoiceLabel)
				}
				if o.YesNo != "" && !slices.Contains([]string{"yes", "no", "dontknow"}, o.YesNo) &&
					(st.Input != "cando" || o.YesNo != "refer") {
					bad(f.file, st.line, "step %q: yesno %q is not yes, no or dontknow (or refer, at a cando step)", st.ID, o.YesNo)
				}
				if ns := f.step(o.Note); o.Note != "" && (st.Input != "multi" || ns == nil || ns.Input != "text") {
					bad(f.file, st.line, "step %q: note %q is not a text step of the flow, or the step no multiple choice", st.ID, o.Note)
				}
			}
			if st.When != "" {
				cs, err := parseConds(st.When)
				if err != nil {
					bad(f.file, st.line, "step %q: when: %v", st.ID, err)
				}
				st.conds = cs
				for _, c := range cs {
					if !seen[c.step] {
						bad(f.file, st.line, "step %q: when names %q, which is not an earlier step", st.ID, c.step)
					}
				}
			}
			if st.Require != "" && !slices.ContainsFunc(st.Choices, func(o Option) bool { return o.Value == st.Require }) {
				bad(f.file, st.line, "step %q: require %q is not the value of one of its choices", st.ID, st.Require)
			}
			if (st.Require != "") != (st.Refused != "") {
				bad(f.file, st.line, "step %q: require and refused go together", st.ID)
			}
			for v := range st.Notes {
				if !slices.ContainsFunc(st.Choices, func(o Option) bool { return o.Value == v }) {
					bad(f.file, st.line, "step %q: a note for %q, which is not the value of one of its choices", st.ID, v)
				}
			}
			if st.Edit && (st.Label == "" || utf8.RuneCountInString(st.Label) > maxChoiceLabel) {
				bad(f.file, st.line, "step %q: a step offered to change needs a label of 1 to %d characters: it is a choice", st.ID, maxChoiceLabel)
			}
			st.flow = f
			errs = append(errs, checkFollowUp(f, st, seen)...)
			if st.Max < 0 {
				bad(f.file, st.line, "step %q: max must not be negative", st.ID)
			}
			seen[st.ID] = true
		}
	}
	return append(errs, s.validateContract()...)
}

// codeSteps are the steps the code reads by id, with the input each must take: the
// checklist's summary computes from them, the report fills its own fields from them.
var codeSteps = map[string]map[string]string{
	"checklist": {ckFacility: "choice", ckVendor: "text", ckCanDo: "cando", ckCostIntr: "yen", ckStart: "when"},
	"report": {rpCategories: "multi", rpDetails: "text", rpFacility: "text", rpPrefecture: "prefecture",
		rpCode: "code", rpFacilityType: "choice", rpContact: "contact", rpConsent: "choice"},
}

// codeValues are the choice values the code reads by name.
var codeValues = map[string]map[string][]string{
	"checklist": {ckCanDo: {canDoNo}, ckFacility: {facilityHospital}},
	"report":    {rpCategories: {catNoVendor, catOverCap, catSlow}},
}

// validateContract checks what the code relies on in the data: the steps it reads, the
// choice values it compares with, the caps and the pre-fill mappings between the flows.
func (s *Script) validateContract() []error {
	var errs []error
	bad := func(file string, line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	ck, rp := s.Flows["checklist"], s.Flows["report"]
	if ck == nil || rp == nil {
		return nil // reported by validate
	}
	for _, f := range []*Flow{ck, rp} {
		for id, input := range codeSteps[f.ID] {
			st := f.step(id)
			switch {
			case st == nil:
				bad(f.file, 1, "flow %q: step %q is missing; the bot reads it", f.ID, id)
			case st.Input != input:
				bad(f.file, st.line, "step %q: input must be %s; the bot reads it as such", id, input)
			default:
				for _, v := range codeValues[f.ID][id] {
					if !slices.ContainsFunc(st.Choices, func(o Option) bool { return o.Value == v }) {
						bad(f.file, st.line, "step %q: a choice with value %q is missing; the bot reads it", id, v)
					}
				}
			}
		}
	}
	if ft := ck.step(ckFacility); ft != nil {
		for k := range ck.Caps {
			if !slices.ContainsFunc(ft.Choices, func(o Option) bool { return o.Value == k }) {
				bad(ck.file, ck.capsLine, "caps: %q is not a value of step %q", k, ckFacility)
			}
		}
	}
	if len(ck.ReaderCaps) > 0 {
		rd := ck.step(ckReaders)
		for k := range ck.ReaderCaps {
			if rd == nil || !slices.ContainsFunc(rd.Choices, func(o Option) bool { return o.Value == k }) {
				bad(ck.file, ck.capsLine, "reader_caps: %q is not a value of step %q", k, ckReaders)
			}
		}
	}
	for _, st := range rp.Steps {
		if st.From == "" {
			continue
		}
		src := ck.step(st.From)
		switch {
		case src == nil:
			bad(rp.file, st.line, "step %q: from %q is not a step of the checklist", st.ID, st.From)
		case src.Input != st.Input:
			bad(rp.file, st.line, "step %q: input %s cannot take the checklist's %q (%s)", st.ID, st.Input, st.From, src.Input)
		}
	}
	return errs
}

// step returns the step of f with that id.
func (f *Flow) step(id string) *Step {
	for _, st := range f.Steps {
		if st.ID == id {
			return st
		}
	}
	return nil
}

// cond is a parsed When condition.
type cond struct{ step, op, value string }

// parseConds parses a When condition: one or more conditions joined by "|", any of which
// makes the step apply.
func parseConds(s string) ([]cond, error) {
	var cs []cond
	for _, part := range strings.Split(s, "|") {
		c, err := parseCond(part)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func parseCond(s string) (cond, error) {
	for _, op := range []string{"!=", "=", "~"} {
		if a, b, ok := strings.Cut(s, op); ok {
			c := cond{strings.TrimSpace(a), op, strings.TrimSpace(b)}
			if c.step == "" || c.value == "" {
				return cond{}, fmt.Errorf("%q: want \"step %s value\"", s, op)
			}
			return c, nil
		}
	}
	if a, ok := strings.CutSuffix(strings.TrimSpace(s), "?"); ok && strings.TrimSpace(a) != "" {
		return cond{step: strings.TrimSpace(a), op: "?"}, nil
	}
	return cond{}, fmt.Errorf("%q: want \"step = value\", \"step != value\", \"step ~ value\" or \"step ?\"", s)
}

// holds reports whether the condition holds for the answers.
func (c cond) holds(answers map[string]string) bool {
	v, ok := answers[c.step]
	switch c.op {
	case "=":
		return v == c.value
	case "!=":
		return v != c.value
	case "~":
		return slices.Contains(strings.Split(v, ","), c.value)
	default:
		return ok && v != ""
	}
}

// applies reports whether st is asked given the answers so far: its When holds, and, for a
// follow-up question, its check holds for the amount it is about.
func (st *Step) applies(answers map[string]string) bool {
	if st.Check != "" && !st.checkHolds(answers) {
		return false
	}
	if st.When == "" {
		return true
	}
	return slices.ContainsFunc(st.conds, func(c cond) bool { return c.holds(answers) })
}

// Follow-up checks (Step.Check) and the choice values the bot reads of each.
var followUps = map[string][]string{
	"small":  {"yes", "no"},
	"tax":    {"in", "ex"},
	"period": {"m", "y"},
}

// checkFollowUp validates the follow-up fields of st: a known check, about an earlier yen
// step, with the choices the bot reads.
func checkFollowUp(f *Flow, st *Step, seen map[string]bool) []error {
	if st.Check == "" && st.Of == "" {
		return nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: step %q: %s", f.file, st.line, st.ID, fmt.Sprintf(format, args...))
	}
	values, ok := followUps[st.Check]
	if !ok {
		return []error{bad("check %q is not one of small, tax, period", st.Check)}
	}
	if of := f.step(st.Of); !seen[st.Of] || of == nil || of.Input != "yen" {
		return []error{bad("of %q is not an earlier yen step", st.Of)}
	}
	var errs []error
	for _, v := range values {
		if !slices.ContainsFunc(st.Choices, func(o Option) bool { return o.Value == v }) {
			errs = append(errs, bad("a %s check needs a choice with value %q", st.Check, v))
		}
	}
	return errs
}

// checkHolds reports whether the follow-up st is to be asked about the amount answered at
// st.Of, as it was typed (its own answer does not make it go away).
func (st *Step) checkHolds(answers map[string]string) bool {
	a, err := parse.DecodeAmount(answers[st.Of])
	if err != nil {
		return false
	}
	switch st.Check {
	case "small":
		return a.Small()
	case "tax":
		limit, ok := st.flow.capFor(answers)
		return ok && a.TaxMatters(limit)
	case "period":
		return a.Yen > 0 && !a.PeriodSaid
	}
	return false
}

// capFor is the subsidy cap that applies to the checklist's answers: a hospital's by the
// readers it takes when it said, else the facility type's.
func (f *Flow) capFor(a map[string]string) (int64, bool) {
	if f == nil {
		return 0, false
	}
	if a[ckFacility] == facilityHospital {
		if limit, ok := f.ReaderCaps[a[ckReaders]]; ok {
			return limit, true
		}
	}
	limit, ok := f.Caps[a[ckFacility]]
	return limit, ok
}

// amount is the amount answered at step id as its follow-ups complete it: the tax basis and
// the period said in answer to them. ok is false when id holds no amount (「まだわからない」).
func (f *Flow) amount(a map[string]string, id string) (parse.Amount, bool) {
	amt, err := parse.DecodeAmount(a[id])
	if err != nil {
		return parse.Amount{}, false
	}
	for _, st := range f.Steps {
		if st.Of != id || !st.applies(a) {
			continue
		}
		switch st.Check + ":" + a[st.ID] {
		case "tax:in":
			amt.Tax = parse.TaxIncluded
		case "tax:ex":
			amt.Tax = parse.TaxExcluded
		case "period:m":
			amt.Period, amt.PeriodSaid = parse.Monthly, true
		case "period:y":
			amt.Period, amt.PeriodSaid = parse.Yearly, true
		}
	}
	return amt, true
}

// fill replaces {name} placeholders in a text.
func fill(text string, kv ...string) string {
	if len(kv) == 0 {
		return text
	}
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "{"+kv[i]+"}", kv[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// resolveDeadlines finds the deadlines each flow names in the FAQ's shared list; an id the
// list lacks is an error naming the flow's file.
func (s *Script) resolveDeadlines(kb *faq.KB) error {
	var errs []error
	for _, f := range s.Flows {
		f.deadlines = f.deadlines[:0]
		for _, id := range f.Deadlines {
			d, ok := kb.Deadline(id)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: flow %q: deadline %q is not in the FAQ's deadlines: list", f.file, f.ID, id))
				continue
			}
			f.deadlines = append(f.deadlines, d)
		}
	}
	return errors.Join(errs...)
}
