package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"deskbot/bot/bottest"
)

// `deskbot line richmenu` puts the knowledge base's main menu on the channel.
func TestLineRichMenu(t *testing.T) {
	api := bottest.NewLINEAPI(t)
	api.Script("/v2/bot/richmenu", bottest.Response{Status: 200, Body: `{"richMenuId":"richmenu-1"}`})
	file := filepath.Join(t.TempDir(), "menu.png")
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 2500, 843)))
	os.WriteFile(file, b.Bytes(), 0o644)
	getenv := env("LINE_CHANNEL_SECRET", "s", "LINE_CHANNEL_ACCESS_TOKEN", "t", "LINE_API_BASE_URL", api.URL)

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"line", "richmenu", "--image", file}, getenv, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "richmenu-1") {
		t.Errorf("output %q", out.String())
	}
	created := string(api.Requests("/v2/bot/richmenu")[0].Body)
	for _, want := range []string{"見積チェック", "障害を報告", "よくある質問", "窓口に相談", `"data":"cmd:checklist"`} {
		if !strings.Contains(created, want) {
			t.Errorf("rich menu lacks %s: %s", want, created)
		}
	}

	if code := run(context.Background(), []string{"line", "richmenu"}, getenv, strings.NewReader(""), &out, &errb); code == 0 || !strings.Contains(errb.String(), "--image") {
		t.Errorf("without --image: exit %d, %s", code, errb.String())
	}
	if code := run(context.Background(), []string{"line", "richmenu", "--image", file}, env(), strings.NewReader(""), &out, &errb); code == 0 || !strings.Contains(errb.String(), "LINE_CHANNEL_ACCESS_TOKEN") {
		t.Errorf("without LINE settings: exit %d, %s", code, errb.String())
	}
}
