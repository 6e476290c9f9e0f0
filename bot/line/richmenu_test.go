package line_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"

	"deskbot/bot"
	"deskbot/bot/bottest"
	"deskbot/bot/line"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var menu = []bot.Choice{{Label: "見積チェック", Value: "cmd:checklist"}, {Label: "障害を報告", Value: "cmd:report"},
	{Label: "よくある質問", Value: "cmd:faq"}, {Label: "窓口に相談", Value: "cmd:handoff"}}

// The rich menu is validated, created, given its image and made the default, with one
// postback area per menu entry across the image.
func TestRichMenu(t *testing.T) {
	api := bottest.NewLINEAPI(t)
	api.Script("/v2/bot/richmenu", bottest.Response{Status: 200, Body: `{"richMenuId":"richmenu-88"}`})
	img := pngOf(t, 2500, 843)
	id, err := line.RichMenu(context.Background(), "tok", api.URL, "メニュー", menu, img)
	if err != nil || id != "richmenu-88" {
		t.Fatalf("RichMenu = %q, %v", id, err)
	}
	var paths []string
	for _, r := range api.Requests("") {
		paths = append(paths, r.Method+" "+r.Path)
	}
	want := []string{"POST /v2/bot/richmenu/validate", "POST /v2/bot/richmenu", "POST /v2/bot/richmenu/richmenu-88/content", "POST /v2/bot/user/all/richmenu/richmenu-88"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Fatalf("calls %v, want %v", paths, want)
	}
	created := api.Requests("/v2/bot/richmenu")[0].JSON()
	areas, _ := created["areas"].([]any)
	if len(areas) != 4 || created["chatBarText"] != "メニュー" {
		t.Fatalf("created menu %v", created)
	}
	var x float64
	for i, a := range areas {
		a := a.(map[string]any)
		b, act := a["bounds"].(map[string]any), a["action"].(map[string]any)
		if b["x"].(float64) != x || b["height"].(float64) != 843 || act["type"] != "postback" || act["data"] != menu[i].Value || act["displayText"] != menu[i].Label {
			t.Errorf("area %d = %v", i, a)
		}
		x += b["width"].(float64)
	}
	if x != 2500 {
		t.Errorf("areas cover %v of 2500 pixels", x)
	}
	up := api.Requests("/v2/bot/richmenu/richmenu-88/content")[0]
	if up.Header.Get("Content-Type") != "image/png" || !bytes.Equal(up.Body, img) || up.Header.Get("Authorization") != "Bearer tok" {
		t.Errorf("upload: %s, %d bytes", up.Header.Get("Content-Type"), len(up.Body))
	}
}

// A wrong image is refused before anything is sent; a menu LINE refuses is not created.
func TestRichMenuRefusals(t *testing.T) {
	api := bottest.NewLINEAPI(t)
	for _, img := range [][]byte{pngOf(t, 1200, 405), []byte("not an image"), append(pngOf(t, 2500, 843), make([]byte, 1<<20)...)} {
		if _, err := line.RichMenu(context.Background(), "tok", api.URL, "メニュー", menu, img); err == nil {
			t.Errorf("a %d-byte bad image was accepted", len(img))
		}
	}
	if _, err := line.RichMenu(context.Background(), "tok", api.URL, "メニュー", nil, pngOf(t, 2500, 843)); err == nil {
		t.Error("a menu of no entries was accepted")
	}
	if n := len(api.Requests("")); n != 0 {
		t.Fatalf("%d calls for refused input", n)
	}
	api.Script("/v2/bot/richmenu/validate", bottest.Response{Status: 400, Body: `{"message":"invalid area"}`})
	if _, err := line.RichMenu(context.Background(), "tok", api.URL, "メニュー", menu, pngOf(t, 2500, 1686)); err == nil || !strings.Contains(err.Error(), "validate") {
		t.Fatalf("a menu LINE refuses: %v", err)
	}
	if n := len(api.Requests("/v2/bot/richmenu")); n != 0 {
		t.Errorf("a refused menu was created")
	}
}
