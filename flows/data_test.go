package flows_test

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"deskbot/flows"
	"deskbot/flows/kb"
)

// embedded is the embedded knowledge base, loaded.
func embedded(t testing.TB) *flows.Knowledge {
	t.Helper()
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		t.Fatalf("load knowledge: %v", err)
	}
	return k
}

// withFile is the embedded knowledge base with one file replaced, as a desk overlay would.
func withFile(t *testing.T, name string, edit func(string) string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(kb.Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(kb.Embedded(), path)
		if err != nil {
			return err
		}
		m[path] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	old := string(m[name].Data)
	changed := edit(old)
	if changed == old {
		t.Fatalf("the edit changed nothing in %s", name)
	}
	m[name] = &fstest.MapFile{Data: []byte(changed)}
	return m
}

func TestLoadScriptEmbedded(t *testing.T) {
	if _, err := flows.LoadScript(kb.Embedded()); err != nil {
		t.Fatal(err)
	}
}

// A desk edit that breaks what the code relies on is caught, with the file and line to mend.
func TestLoadScriptProblems(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 string
	}{
		{"from names no checklist step", "flows/report.yaml", "from: cost_maint", "from: cost_maintenance",
			`flows/report.yaml:49: step "maint_amount": from "cost_maintenance" is not a step of the checklist`},
		{"from of another input", "flows/report.yaml", "from: start", "from: vendor",
			`flows/report.yaml:56: step "expected_start": input when cannot take the checklist's "vendor" (text)`},
		{"caps of an unknown facility type", "flows/checklist.yaml", "hospital: 2101000", "byoin: 2101000",
			`flows/checklist.yaml:12: caps: "byoin" is not a value of step "facility_type"`},
		{"reader caps of an unknown count", "flows/checklist.yaml", `"3": 1903000`, `"4": 1903000`,
			`flows/checklist.yaml:12: reader_caps: "4" is not a value of step "readers"`},
		{"a follow-up of a step that is no amount", "flows/checklist.yaml", "of: cost_intro\n      check: small", "of: vendor\n      check: small",
			`step "cost_intro_small": of "vendor" is not an earlier yen step`},
		{"a follow-up check the bot lacks", "flows/checklist.yaml", "check: period", "check: periodic",
			`step "cost_maint_period": check "periodic" is not one of small, tax, period`},
		{"a follow-up without the choice the bot reads", "flows/checklist.yaml", "{value: ex, label: 税別", "{value: exc, label: 税別",
			`step "cost_intro_tax": a tax check needs a choice with value "ex"`},
		{"a category the code reads is gone", "flows/report.yaml", "{value: over-cap,", "{value: overcap,",
			`flows/report.yaml:10: step "categories": a choice with value "over-cap" is missing`},
		{"a step the code reads is gone", "flows/checklist.yaml", "- id: start\n", "- id: start_date\n",
			`flows/checklist.yaml:1: flow "checklist": step "start" is missing`},
		{"require that no choice has", "flows/report.yaml", `require: "yes"`, `require: "ok"`,
			`step "consent": require "ok" is not the value of one of its choices`},
		{"a note kept as no text step", "flows/report.yaml", "note: details}", "note: facility_type}",
			`step "categories": note "facility_type" is not a text step of the flow, or the step no multiple choice`},
		{"require without what a refusal is told", "flows/report.yaml", "      refused: ", "      # refused: ",
			`step "consent": require and refused go together`},
		{"a misspelt key", "flows/report.yaml", "      input: code\n      optional: true\n      edit: true\n",
			"      input: code\n      optional: true\n      editable: true\n", `flows/report.yaml:{line}: unknown key "editable"`},
		{"a missing flow text", "flows/checklist.yaml", "    due_today: 本日まで\n", "",
			`flow "checklist": text "due_today" is missing`},
		{"a missing common text", "flows/common.yaml", "  empty: 何も入力されていないようです。\n", "",
			`flows: common text "empty" is missing`},
		{"a misspelt common text", "flows/common.yaml", "  empty: ", "  emtpy: ",
			`flows/common.yaml:{line}: unknown key "emtpy"`},
		{"a misspelt flow text", "flows/checklist.yaml", "    due_today: ", "    due_todya: ",
			`unknown key "due_todya"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// {line} in want is the line of the edit's last line, where a misspelt key is.
			var line int
			fsys := withFile(t, tt.file, func(s string) string {
				line = strings.Count(s[:max(strings.Index(s, tt.old), 0)], "\n") + 1 +
					strings.Count(strings.TrimRight(tt.old, "\n"), "\n")
				return strings.Replace(s, tt.old, tt.new, 1)
			})
			_, err := flows.LoadScript(fsys)
			if err == nil {
				t.Fatal("no error")
			}
			if want := strings.ReplaceAll(tt.want, "{line}", strconv.Itoa(line)); !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		})
	}
}

// The checklist names its deadlines in the FAQ's shared list; an id the list lacks is
// refused with the flow's file.
func TestLoadUnknownDeadline(t *testing.T) {
	fsys := withFile(t, "flows/checklist.yaml", func(s string) string {
		return strings.Replace(s, "subsidy-contract,", "subsidy-contracts,", 1)
	})
	_, err := flows.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), `flows/checklist.yaml: flow "checklist": deadline "subsidy-contracts" is not in the FAQ's deadlines: list`) {
		t.Errorf("Load = %v", err)
	}
}
