package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"deskbot/bot/line"
)

// richMenu is `deskbot line richmenu --image FILE [--chat-bar TEXT]`: it makes the main
// menu of the knowledge base the channel's default rich menu, over the desk's own image
// (PNG or JPEG, 2500×843 for one row of entries or 2500×1686 for two).
func richMenu(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	img, args, err := takeFlag(args, "image", "")
	if err != nil {
		return err
	}
	bar, args, err := takeFlag(args, "chat-bar", "メニュー")
	if err != nil {
		return err
	}
	if img == "" {
		return errors.New("--image FILE is required: the rich menu's picture (PNG or JPEG, 2500×843 or 2500×1686)")
	}
	return withApp(ctx, "line richmenu", args, getenv, stderr, func(a *app, _ []string) error {
		if !a.cfg.LineConfigured() {
			return errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set")
		}
		b, err := os.ReadFile(img)
		if err != nil {
			return err
		}
		id, err := line.RichMenu(ctx, a.cfg.LineAccessToken, a.cfg.LineAPIBaseURL, bar, a.brain.Knowledge().MainMenu(), b)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rich menu %s is the default for every user\n", id)
		return nil
	})
}
