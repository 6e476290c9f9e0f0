package line_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
	"deskbot/flows"
	"deskbot/flows/kb"
	"deskbot/store"
)

// BenchmarkWebhook measures one LINE event end to end in this process, as the server
// runs it under load: a signed webhook POST read, verified and decoded, the turn of the
// real conversation logic over the engine and the in-memory store, the 200, and the
// reply sent over HTTP to a local stand-in of the Messaging API that discards it. Each
// of 1,000 clinics types through the quote checklist and back to the menu. The
// stand-in's own work is in the figures too; it is the same before and after a change
// to the path measured, as is building and signing each request (a few microseconds).
// cpu-ns/op is the CPU the process spent per event, every goroutine's; ns/op also counts
// the waits on the loopback.
func BenchmarkWebhook(b *testing.B) {
	k, err := flows.Load(kb.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"sentMessages":[]}`)
	}))
	defer api.Close()
	sender, err := line.NewSender("token", api.URL, nil, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer sender.Close()
	now := func() time.Time { return time.Date(2022, 11, 15, 10, 0, 0, 0, bot.JST) }
	st := store.NewMemory(nil)
	sender.Marks = st
	engine := bot.NewEngine(bot.Config{Store: st, Brain: flows.NewDesk(k), Now: now, Log: quiet, Deliver: sender.Deliver})
	h := line.NewHandler(secret, engine, sender, quiet)
	h.Now = now

	script := []string{"メニュー", "見積チェック", "診療所", "さくらシステム", "対応できる", "なし", "50万円",
		"月額1万5千円", "LAN配線", "端末設置", "3か月", "メニュー"}
	const clinics = 1000
	b.ReportAllocs()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		body := fmt.Appendf(nil, `{"destination":"Ubot","events":[{"type":"message","mode":"active","timestamp":%d,`+
			`"source":{"type":"user","userId":"U%032d"},"webhookEventId":"01BENCH%019d","deliveryContext":{"isRedelivery":false},`+
			`"replyToken":"reply-%d","message":{"type":"text","id":"%d","quoteToken":"q","text":%q}}]}`,
			now().UnixMilli(), i/len(script)%clinics, i, i, i, script[i%len(script)])
		req := httptest.NewRequest(http.MethodPost, "/webhooks/line", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Line-Signature", bottest.SignLINE(secret, body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		sender.Wait()
		if w.Code != http.StatusOK {
			b.Fatalf("webhook answered %d", w.Code)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
