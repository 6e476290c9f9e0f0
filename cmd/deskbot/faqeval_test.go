package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deskbot faq eval prints top-1, the refusal rate, the confusion pairs and each miss of
// the files given, together.
func TestFAQEval(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	b := filepath.Join(dir, "b.jsonl")
	os.WriteFile(a, []byte(`{"q": "カードリーダーの申込締切はいつですか", "id": "reader-deadline"}
{"q": "補助金はいくら出ますか", "id": "subsidy-schedule"}

`), 0o644)
	os.WriteFile(b, []byte(`{"q": "今日の天気は？", "id": ""}
{"q": "補助金の期限は？", "id": ""}
`), 0o644)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"faq", "eval", a, b}, env(), strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"top-1 1/2 = 50.0 %",
		"refused 1/2 = 50.0 % (answered 1)",
		"1  subsidy-schedule → subsidy-amount",
		"1  (none) → subsidy-schedule",
		"補助金はいくら出ますか\n    want subsidy-schedule, got subsidy-amount",
		"補助金の期限は？\n    want (none), got subsidy-schedule",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "今日の天気") || strings.Contains(out.String(), "申込締切はいつ") {
		t.Errorf("a question matched right is listed as a miss:\n%s", out.String())
	}
}

func TestFAQEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.jsonl")
	os.WriteFile(broken, []byte("{\"q\": \"補助金は\", \"id\": \"subsidy-amount\"}\n{\"q\": \"補助金は\"\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.jsonl")
	os.WriteFile(unknown, []byte(`{"q": "補助金は", "id": "no-such-topic"}`+"\n"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"faq", "eval"}, "no labelled set"},
		{[]string{"faq", "eval", filepath.Join(dir, "missing.jsonl")}, "missing.jsonl"},
		{[]string{"faq", "eval", broken}, "broken.jsonl: line 2"},
		{[]string{"faq", "eval", unknown}, `"no-such-topic", which is no topic`},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), tt.args, env(), strings.NewReader(""), &out, &errb); code != 1 {
			t.Errorf("%v: exit %d, want 1", tt.args, code)
		}
		if !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errb.String(), tt.want)
		}
	}
}
