package line

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images may be JPEG
	_ "image/png"  // or PNG
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"deskbot/bot"
)

// Rich menu images LINE takes: 2500 wide, 843 (one row of areas) or 1686 (two rows) high,
// at most 1 MB.
const (
	richMenuWidth    = 2500
	richMenuMaxBytes = 1 << 20
)

// RichMenu sets up the channel's default rich menu: one tappable area per entry (the main
// menu of the flows), each sending the entry's choice as a postback, over img (PNG or
// JPEG, 2500×843 for one row of areas or 2500×1686 for two), with chatBar as the text of
// the bar that opens it. It validates the menu with
// LINE first, then creates it, uploads the image and makes it the default for every user,
// and returns its id. endpoint "" means LINE's public API (and its data API for the
// image); a set endpoint serves both.
func RichMenu(ctx context.Context, token, endpoint, chatBar string, entries []bot.Choice, img []byte) (string, error) {
	if len(entries) == 0 || len(entries) > 6 {
		return "", fmt.Errorf("rich menu: %d entries; 1 to 6 fit", len(entries))
	}
	if len(img) > richMenuMaxBytes {
		return "", fmt.Errorf("rich menu image: %d bytes; LINE takes at most 1 MB", len(img))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return "", fmt.Errorf("rich menu image: not a PNG or JPEG: %w", err)
	}
	rows := map[int]int{843: 1, 1686: 2}[cfg.Height]
	if cfg.Width != richMenuWidth || rows == 0 {
		return "", fmt.Errorf("rich menu image: %d×%d; want 2500×843 or 2500×1686", cfg.Width, cfg.Height)
	}
	menu := richMenuRequest(entries, chatBar, int64(cfg.Height), rows)

	dataEndpoint := endpoint
	if endpoint == "" {
		endpoint, dataEndpoint = "https://api.line.me", "https://api-data.line.me"
	}
	client := &http.Client{}
	api, err := messaging_api.NewMessagingApiAPI(token, messaging_api.WithEndpoint(endpoint), messaging_api.WithHTTPClient(client))
	if err != nil {
		return "", err
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token, messaging_api.WithBlobEndpoint(dataEndpoint), messaging_api.WithBlobHTTPClient(client))
	if err != nil {
		return "", err
	}
	if _, _, err := api.WithContext(ctx).ValidateRichMenuObjectWithHttpInfo(menu); err != nil {
		return "", fmt.Errorf("validate rich menu: %w", err)
	}
	_, created, err := api.WithContext(ctx).CreateRichMenuWithHttpInfo(menu)
	if err != nil {
		return "", fmt.Errorf("create rich menu: %w", err)
	}
	if created == nil || created.RichMenuId == "" {
		return "", errors.New("create rich menu: LINE returned no id")
	}
	id := created.RichMenuId
	if _, _, err := blob.WithContext(ctx).SetRichMenuImageWithHttpInfo(id, "image/"+format, bytes.NewReader(img)); err != nil {
		return id, fmt.Errorf("upload rich menu image: %w", err)
	}
	if _, _, err := api.WithContext(ctx).SetDefaultRichMenuWithHttpInfo(id); err != nil {
		return id, fmt.Errorf("set default rich menu: %w", err)
	}
	return id, nil
}

// richMenuRequest lays the entries out in rows of equal areas over the image.
func richMenuRequest(entries []bot.Choice, chatBar string, height int64, rows int) *messaging_api.RichMenuRequest {
	perRow := (len(entries) + rows - 1) / rows
	areaH := height / int64(rows)
	var areas []messaging_api.RichMenuArea
	for i, e := range entries {
		row, col := i/perRow, i%perRow
		inRow := min(perRow, len(entries)-row*perRow)
		w := int64(richMenuWidth / inRow)
		areas = append(areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(col) * w, Y: int64(row) * areaH, Width: w, Height: areaH},
			Action: &messaging_api.PostbackAction{Label: clip(e.Label, maxQuickLabel), Data: e.Value, DisplayText: e.Label},
		})
	}
	return &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: richMenuWidth, Height: height},
		Selected:    true,
		Name:        "deskbot main menu",
		ChatBarText: clip(chatBar, 14),
		Areas:       areas,
	}
}
