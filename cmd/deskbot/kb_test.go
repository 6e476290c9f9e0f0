package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const updatePack = "../../flows/faq/testdata/kb-update-2023-01"

func TestKBCheck(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"kb", "check"}, env(), strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("kb check of the embedded knowledge base: exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "ok:") {
		t.Errorf("kb check printed %q", out.String())
	}
	if code := run(context.Background(), []string{"kb", "check"}, env("DESKBOT_KB", updatePack), strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("kb check of the update pack: exit %d\n%s", code, errb.String())
	}
}

// A broken edit is refused with the file and line of each problem.
func TestKBCheckReportsLines(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "flows"), 0o755)
	os.MkdirAll(filepath.Join(dir, "faq"), 0o755)
	os.WriteFile(filepath.Join(dir, "flows", "extra.yaml"), []byte("texts:\n  welcome: again\nmenuu: []\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "faq", "99-bad.yaml"), []byte("topics:\n  - id: broken\n    title: これはとても長すぎるタイトルで二十文字を超えています\n"), 0o644)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"kb", "check"}, env("DESKBOT_KB", dir), strings.NewReader(""), &out, &errb)
	if code == 0 {
		t.Fatal("a broken knowledge base passed kb check")
	}
	for _, want := range []string{"extra.yaml:3", "menuu", "99-bad.yaml:", "welcome"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("kb check output lacks %q:\n%s", want, errb.String())
		}
	}
}

// The update pack loads without a rebuild and its topics are matched.
func TestFAQUpdatePack(t *testing.T) {
	q := "猶予届出書はいつまでに出せばいいですか\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"faq", "--json"}, env(), strings.NewReader(q), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if strings.Contains(out.String(), "grace-period") {
		t.Fatalf("the default knowledge base knows the 2023 decisions: %s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"faq", "--json"}, env("DESKBOT_KB", updatePack), strings.NewReader(q), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"id":"grace-period"`) {
		t.Fatalf("update pack topic not matched: %s", out.String())
	}
}

// SIGHUP reloads an edited knowledge-base directory without a restart; a broken edit is
// refused and the knowledge in use kept.
func TestReloadOnHangup(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "flows"), 0o755)
	a := testApp(t, "serve", env("DESKBOT_KB", dir))
	a.cfg.Addr = "127.0.0.1:0"
	a.reloaded = make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, func(addr net.Addr) { up <- addr }) }()
	<-up
	welcome := func() string { return a.brain.Knowledge().Script.Texts.Welcome }
	const before, after = "友だち追加ありがとうございます。", "ようこそ、導入相談窓口へ。"
	if !strings.Contains(welcome(), before) {
		t.Fatalf("welcome = %q", welcome())
	}

	hangup := func() error {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-a.reloaded:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("no reload after SIGHUP")
		}
		return nil
	}
	os.WriteFile(filepath.Join(dir, "flows", "common.yaml"), []byte(strings.Replace(readEmbedded(t, "flows/common.yaml"), before, after, 1)), 0o644)
	if err := hangup(); err != nil {
		t.Fatalf("reload of a good edit: %v", err)
	}
	if got := welcome(); !strings.Contains(got, after) {
		t.Fatalf("welcome after reload = %q", got)
	}
	os.WriteFile(filepath.Join(dir, "flows", "common.yaml"), []byte("texts: [this is not a map\n"), 0o644)
	if err := hangup(); err == nil {
		t.Fatal("a broken edit was accepted")
	}
	if got := welcome(); !strings.Contains(got, after) {
		t.Fatalf("a refused reload changed the knowledge in use: %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func readEmbedded(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../flows/kb", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
