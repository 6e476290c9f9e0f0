package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"deskbot/bot/web"
)

// browser starts Debian's chromium, headless, with a fresh profile, and returns a tab.
// Without chromium the test is skipped with a message saying so — except on CI, where
// a missing browser fails the run.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI must run the browser tests: .ci/run installs it with apt-get")
		}
		t.Skip("chromium is not installed: `apt-get install -y chromium` to run the emulator's browser tests")
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "ja-JP"), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Start the browser on the tab's own context: the actions run on contexts derived
	// from it, and the first run's context owns the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab drives one page of the emulator.
type tab struct {
	t    *testing.T
	ctx  context.Context
	shot int
	dirs []string
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// seq is the last feed item the page rendered.
func (b *tab) seq() int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`+(document.body.dataset.seq || 0)`))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// lastReplyJS is the text of the chat after the clinic's last message: the bot's answer.
const lastReplyJS = `(() => {
	const lis = [...document.querySelectorAll('#chat > li')];
	let i = lis.length; while (i > 0 && !lis[i-1].classList.contains('clinic')) i--;
	return lis.slice(i).map(li => li.innerText).join('\n');
})()`

// act does something on the page, then waits until the bot answered with want in it.
func (b *tab) act(what, want string, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	before := b.seq()
	b.do(what, action)
	cond := fmt.Sprintf(`+document.body.dataset.seq > %d && document.querySelector('#chat > li:last-child').classList.contains('bot') && !document.querySelector('#text').disabled && %s.includes(%s)`,
		before, lastReplyJS, js(want))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		reply, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](lastReplyJS))
		b.t.Fatalf("%s: no answer with %q: %v\nthe page shows:\n%s", what, want, err, reply)
	}
}

// tap taps the quick-reply chip labelled label.
func (b *tab) tap(label, want string) {
	b.t.Helper()
	b.act("tap "+label, want, chromedp.Click(fmt.Sprintf(`//div[@id="quick"]/button[text()=%s]`, js(label))))
}

// menu taps an entry of the bottom bar, LINE's rich menu.
func (b *tab) menu(label, want string) {
	b.t.Helper()
	b.act("menu "+label, want, chromedp.Click(fmt.Sprintf(`//nav[@id="richmenu"]/button[text()=%s]`, js(label))))
}

// say types text and presses Enter, as a clinic does on the keyboard.
func (b *tab) say(text, want string) {
	b.t.Helper()
	b.act("type "+text, want, chromedp.SendKeys(chromedp.CSS("#text"), text+"\r"))
}

// waitFor waits until the JavaScript condition holds.
func (b *tab) waitFor(what, cond string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// screenshot keeps a picture of the screen in the test's temporary directory, and in
// $DESKBOT_SCREENSHOTS when set (to look at them, or to refresh the README's).
func (b *tab) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shot++
	for _, dir := range b.dirs {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d-%s.png", b.shot, name)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// A clinic in a real browser: it walks the checklist by tapping chips and sees the summary
// as a card, files the report the summary offers, asks an FAQ on the day it set, asks for
// a person from the menu bar and reads the answer the desk wrote in the desk pane. A
// second tab is a second clinic.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEmulator(t, web.Config{PollWait: 5 * time.Second})
	e.worker.Poll = 20 * time.Millisecond
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.worker.Run(wctx) }()
	t.Cleanup(func() { stop(); <-done })

	b := &tab{t: t, ctx: ctx, dirs: []string{t.TempDir()}}
	if d := os.Getenv("DESKBOT_SCREENSHOTS"); d != "" {
		b.dirs = append(b.dirs, d)
	}
	b.do("open", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#richmenu button")))
	b.waitFor("welcome", `document.querySelector('#chat').innerText.includes('友だち追加ありがとうございます')`)
	b.waitFor("labels", `[...document.querySelectorAll('input, textarea')].every(e => e.labels.length > 0) &&
		[...document.querySelectorAll('button')].every(b => b.innerText.trim() !== '')`)

	// The rehearsal clock.
	b.do("set the date", chromedp.SetValue(chromedp.CSS("#clock-input"), "2022-11-15T10:00"), chromedp.Click(chromedp.CSS("#clock-set")))
	b.waitFor("the date shown", `document.querySelector('#now').innerText.includes('2022年11月15日')`)

	// 1. The checklist, tapping the chips, to the summary card.
	b.tap("見積チェック", "施設の種類をお選びください")
	b.tap("診療所", "業者名を教えてください")
	b.say("さくらメディカル", "導入作業に対応できますか")
	b.tap("対応できる", "推奨するカードリーダーの機種はありますか")
	b.tap("推奨はない", "導入費用はいくらですか")
	b.say("50万円", "保守費用はいくらですか")
	b.say("月額1万5千円", "医療機関側で必要な作業は何ですか")
	b.say("LANの配線", "業者側で行う作業は何ですか")
	b.say("端末の設置", "運用開始はいつごろになりそうですか")
	b.say("2023年6月", "導入の障害として窓口にご報告いただけます")
	b.waitFor("the summary is a card", `(() => {
		const c = [...document.querySelectorAll('#chat .card')].find(c => c.querySelector('h3').innerText.includes('見積チェックのまとめ'));
		return !!c && c.querySelectorAll('dt').length >= 5 && c.querySelector('.notes li').innerText.startsWith('⚠')
			&& getComputedStyle(c).backgroundColor === 'rgb(255, 255, 255)';
	})()`)
	b.do("show the card", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#chat .card')].at(-1).scrollIntoView({block: 'start'})`))
	b.screenshot("checklist")

	// 2. The report the summary offers, pre-filled, sent; the desk pane gets it.
	b.tap("障害を報告する", "状況を詳しく教えてください")
	b.say("見積が補助金の上限を超えています", "施設名を教えてください")
	b.say("さくら内科クリニック", "都道府県を教えてください")
	b.say("東京都", "医療機関コード")
	b.tap("なし・スキップ", "電話番号かメールアドレス")
	b.tap("なし・スキップ", "同意いただけますか")
	b.tap("同意する", "この内容で送信してよろしいですか")
	b.waitFor("the confirmation is a card", `[...document.querySelectorAll('#chat .card h3')].some(h => h.innerText.includes('ご報告の内容'))`)
	b.tap("送信する", "受付番号は R-20221115-0001")
	b.waitFor("the report in the desk pane", `document.querySelector('#notices').innerText.includes('障害の報告 R-20221115-0001') &&
		document.querySelector('#notices').innerText.includes('さくら内科クリニック')`)
	b.screenshot("report")

	// 3. An FAQ, answered for the day set.
	b.say("補助金を受けるには、いつまでに何をすればいいですか", "2022年11月15日（令和4年11月15日）時点の状況です")
	b.do("show the question", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#chat li.clinic')].at(-1).scrollIntoView({block: 'start'})`))
	b.screenshot("faq")

	// 4. A person: from the menu bar; the desk answers in the pane and the clinic reads it.
	b.menu("窓口に相談", "ご相談の内容を入力してください")
	b.say("業者から見積の内訳が届きません", "担当者に伝えました")
	b.waitFor("the handoff in the desk pane", `document.querySelector('#notices').innerText.includes('業者から見積の内訳が届きません') &&
		!document.querySelector('#desk-send').disabled`)
	b.do("the desk types", chromedp.SendKeys(chromedp.CSS("#desk-text"), "担当の山田です。業者名を教えていただけますか。"))
	b.act("the desk answers", "業者名を教えていただけますか。", chromedp.Click(chromedp.CSS("#desk-send")))
	b.waitFor("the desk reply in the chat", `[...document.querySelectorAll('#chat li.bot')].at(-1).innerText.includes('窓口の担当者からの返信です。')`)
	b.screenshot("handoff")

	// The same page on a phone-sized window.
	b.do("phone", chromedp.EmulateViewport(390, 844), chromedp.WaitVisible(chromedp.CSS("#composer")))
	b.waitFor("fits the phone", `document.documentElement.scrollWidth <= 390 && document.querySelector('.phone').getBoundingClientRect().width <= 390`)
	b.screenshot("phone")

	// The transcript link downloads this conversation.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#export').href`))
	if err != nil || !strings.Contains(href, "/emulator/api/transcript?clinic=") {
		t.Fatalf("export link %q: %v", href, err)
	}
	_, transcript := e.do("GET", strings.TrimPrefix(href, e.srv.URL), "", nil)
	if !strings.Contains(transcript, "> [tap 見積チェック]") || !strings.Contains(transcript, "> [desk 担当の山田です。業者名を教えていただけますか。]") {
		t.Errorf("the page's transcript:\n%s", transcript)
	}

	// Another tab is another clinic.
	ctx2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(ctx2); err != nil {
		t.Fatal(err)
	}
	b2 := &tab{t: t, ctx: ctx2}
	b2.do("open a second tab", chromedp.Navigate(e.srv.URL+"/emulator"), chromedp.WaitVisible(chromedp.CSS("#richmenu button")))
	b2.waitFor("welcome in the second tab", `document.querySelector('#chat').innerText.includes('友だち追加ありがとうございます')`)
	first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('deskbot-clinic')`))
	second, _ := chromedp.Run(ctx2, chromedp.Evaluate[string](`sessionStorage.getItem('deskbot-clinic') + '|' + document.body.innerText`))
	if id, text, _ := strings.Cut(second, "|"); id == first || strings.Contains(text, "さくらメディカル") || strings.Contains(text, "2022年11月15日") {
		t.Errorf("the second tab is the first clinic again: %q vs %q", id, first)
	}
}
