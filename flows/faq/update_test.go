package faq_test

import (
	"strings"
	"testing"
	"time"

	"deskbot/flows/faq"
	"deskbot/flows/kb"
)

// The desk adds January 2023's decisions by laying a directory over the embedded knowledge
// base, without a rebuild.
func TestUpdatePack(t *testing.T) {
	fsys, err := kb.Open("testdata/kb-update-2023-01")
	if err != nil {
		t.Fatal(err)
	}
	updated, err := faq.Load(fsys)
	if err != nil {
		t.Fatalf("load with the update pack:\n%v", err)
	}
	def := loadEmbedded(t)

	for _, q := range []string{
		"猶予届出書はいつまでに出せばいいですか",
		"猶予の届け出について知りたい",
		"3月末までに導入が間に合わないので猶予を申し出たい",
	} {
		if m := updated.Match(q); m.ID != "grace-period" {
			t.Errorf("updated: Match(%q) = %+v, want grace-period", q, m)
		}
		if m := def.Match(q); m.ID == "grace-period" {
			t.Errorf("default: Match(%q) = %+v", q, m)
		}
	}

	for _, tp := range def.Topics() {
		all := strings.Join(append(append([]string{tp.Title, tp.Answer}, tp.Examples...), tp.Keywords...), "\n")
		if strings.Contains(all, "猶予届出書") || strings.Contains(all, "猶予") {
			t.Errorf("default knowledge base mentions 猶予 in %s", tp.ID)
		}
	}
	if _, ok := def.Topic("grace-period"); ok {
		t.Error("default knowledge base has grace-period")
	}

	// subsidy-schedule is replaced in place, with the new deadlines.
	a, ok := updated.Answer("subsidy-schedule", mustTime(t, "2023-02-01T09:00:00+09:00"))
	if !ok {
		t.Fatal("updated: no subsidy-schedule")
	}
	for _, want := range []string{
		"・補助金の申請期限：2023年9月30日（令和5年9月30日）　あと241日",
		"2023年12月31日（令和5年12月31日）　あと333日",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("updated subsidy-schedule:\n%s\nwant %q", a.Text, want)
		}
	}
	if d, _ := def.Answer("subsidy-schedule", time.Now()); strings.Contains(d.Text, "9月30日") {
		t.Error("default subsidy-schedule has the updated deadline")
	}
	if got, want := len(updated.Topics()), len(def.Topics())+1; got != want {
		t.Errorf("updated has %d topics, want %d", got, want)
	}
	if m := updated.Match("補助金の申請期限はいつまでですか"); m.ID != "subsidy-schedule" {
		t.Errorf("updated: subsidy deadline question matched %+v", m)
	}
}
