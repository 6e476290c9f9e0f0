package slack

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"deskbot/bot"
)

// uploadTimeout bounds a CSV upload, which runs after the command is answered.
const uploadTimeout = 30 * time.Second

// maxListed is how many open reports 一覧 lists.
const maxListed = 40

// commands answers the slash command, in the desk channel only:
//
//	/deskbot 集計 [期間]   totals by category, prefecture and status
//	/deskbot 一覧 [期間]   the reports not resolved
//	/deskbot csv [期間]    a CSV of the reports, uploaded to the channel
//	/deskbot グラフ [期間]  the charts of the reports, uploaded to the channel
//
// anything else gets the usage. Totals are shown to the channel; the rest to the caller.
func (d *Desk) commands(w http.ResponseWriter, r *http.Request, body []byte) {
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slackgo.SlashCommandParse(req)
	if err != nil {
		http.Error(w, "malformed command", http.StatusBadRequest)
		return
	}
	switch {
	case cmd.TeamID != d.team:
		d.refuse(w, r, txtWrongWorkspace, cmd.TeamID, cmd.ChannelID)
		return
	case cmd.ChannelID != d.channel:
		d.refuse(w, r, fmt.Sprintf(txtWrongChannel, d.channel), cmd.TeamID, cmd.ChannelID)
		return
	}
	var verb, rest string
	if f := strings.Fields(cmd.Text); len(f) > 0 { // Fields also splits at 全角 spaces
		verb, rest = f[0], strings.Join(f[1:], " ")
	}
	usage := fmt.Sprintf(txtUsage, cmp.Or(cmd.Command, "/deskbot"))
	var run func(context.Context, bot.Period, string, slackgo.SlashCommand) (slackgo.Msg, error)
	switch strings.ToLower(verb) {
	case "集計", "totals":
		run = d.totals
	case "一覧", "list":
		run = d.list
	case "csv":
		run = d.csv
	case "グラフ", "ｸﾞﾗﾌ", "chart", "charts":
		run = d.charts
	case "", "help", "ヘルプ", "使い方":
		reply(w, ephemeral(usage))
		return
	default:
		reply(w, ephemeral(fmt.Sprintf(txtUnknownCommand, escape(verb))+usage))
		return
	}
	p, name, err := bot.ParsePeriod(rest, d.now())
	if err != nil {
		reply(w, ephemeral(fmt.Sprintf(txtBadPeriod, escape(rest))+"\n"+usage))
		return
	}
	msg, err := run(r.Context(), p, name, cmd)
	if err != nil {
		d.log.Error("Slack command failed", "command", verb, "err", err)
		reply(w, ephemeral(txtCommandFailed))
		return
	}
	reply(w, msg)
}

func ephemeral(text string) slackgo.Msg {
	return slackgo.Msg{ResponseType: slackgo.ResponseTypeEphemeral, Text: text}
}

// reports returns the reports of period p and their status histories: bot.LoadReports,
// the one query the CSV, the totals and the charts share.
func (d *Desk) reports(ctx context.Context, p bot.Period) ([]bot.Report, map[string][]bot.StatusChange, error) {
	set, err := bot.LoadReports(ctx, d.store, p, p.Name(), d.now())
	return set.Reports, set.Statuses, err
}

// totals answers 集計, to the channel.
func (d *Desk) totals(ctx context.Context, p bot.Period, name string, _ slackgo.SlashCommand) (slackgo.Msg, error) {
	rs, st, err := d.reports(ctx, p)
	if err != nil {
		return slackgo.Msg{}, err
	}
	t := bot.Tally(rs, st, d.labels())
	title := fmt.Sprintf(txtTotalsTitle, name, t.Reports)
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(plain(truncate(title, maxHeader))),
		labelled(txtByCategory, counts(t.ByCategory)),
		labelled(txtByPrefecture, counts(t.ByPrefecture)),
		labelled(txtByStatus, counts(t.ByStatus)),
	}
	return slackgo.Msg{ResponseType: slackgo.ResponseTypeInChannel, Text: title, Blocks: slackgo.Blocks{BlockSet: blocks}}, nil
}

func counts(cs []bot.Count) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = fmt.Sprintf("%s：%d", escape(c.Name), c.N)
	}
	return strings.Join(lines, "\n")
}

// list answers 一覧: the reports not resolved, oldest first, to the caller.
func (d *Desk) list(ctx context.Context, p bot.Period, name string, _ slackgo.SlashCommand) (slackgo.Msg, error) {
	rs, st, err := d.reports(ctx, p)
	if err != nil {
		return slackgo.Msg{}, err
	}
	l := d.labels()
	var lines []string
	for _, r := range rs {
		s := bot.CurrentStatus(st[r.ID])
		if s == bot.StatusResolved {
			continue
		}
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = l.Category(c)
		}
		lines = append(lines, fmt.Sprintf("• *%s* %s（%s）｜%s｜%s", r.ID, escape(r.Facility), escape(r.Prefecture),
			escape(strings.Join(cats, "・")), s.Label()))
	}
	if len(lines) == 0 {
		return ephemeral(fmt.Sprintf(txtOpenNone, name)), nil
	}
	title := fmt.Sprintf(txtOpenTitle, name, len(lines))
	blocks := []slackgo.Block{slackgo.NewHeaderBlock(plain(truncate(title, maxHeader)))}
	more := len(lines) - maxListed
	lines = lines[:min(len(lines), maxListed)]
	// One section per group of lines that fits in a section.
	for len(lines) > 0 {
		n, size := 0, 0
		for n < len(lines) && size+len([]rune(lines[n]))+1 <= maxSection {
			size += len([]rune(lines[n])) + 1
			n++
		}
		n = max(n, 1)
		blocks = append(blocks, slackgo.NewSectionBlock(mrkdwn(truncate(strings.Join(lines[:n], "\n"), maxSection)), nil, nil))
		lines = lines[n:]
	}
	if more > 0 {
		blocks = append(blocks, slackgo.NewContextBlock("", mrkdwn(fmt.Sprintf(txtOpenMore, more))))
	}
	return slackgo.Msg{ResponseType: slackgo.ResponseTypeEphemeral, Text: title, Blocks: slackgo.Blocks{BlockSet: blocks}}, nil
}

// csv answers csv: the reports are read now, and the file is uploaded to the channel
// after the answer, since an upload may take longer than Slack waits for one. A failed
// upload is told to the caller.
func (d *Desk) csv(ctx context.Context, p bot.Period, name string, cmd slackgo.SlashCommand) (slackgo.Msg, error) {
	rs, st, err := d.reports(ctx, p)
	if err != nil {
		return slackgo.Msg{}, err
	}
	var buf bytes.Buffer
	if err := bot.WriteCSV(&buf, rs, st, d.labels()); err != nil {
		return slackgo.Msg{}, err
	}
	now := d.now().In(bot.JST)
	params := slackgo.UploadFileParameters{
		Reader: bytes.NewReader(buf.Bytes()), FileSize: buf.Len(), Channel: d.channel,
		Filename:       "deskbot-reports-" + now.Format("20060102-1504") + ".csv",
		Title:          "障害報告 " + name,
		InitialComment: fmt.Sprintf(txtCSVComment, cmd.UserID, name, len(rs)),
	}
	d.background.Go(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), uploadTimeout)
		defer cancel()
		if _, err := d.api.UploadFileContext(ctx, params); err != nil {
			_, fix, _ := refusal(err)
			d.log.Error("Slack: CSV upload failed", "reports", len(rs), "err", err, "fix", fix)
			if _, err := d.api.PostEphemeralContext(ctx, d.channel, cmd.UserID, slackgo.MsgOptionText(txtCSVFailed, false)); err != nil {
				d.log.Warn("Slack: could not tell of the failed upload", "err", err)
			}
		}
	})
	return ephemeral(fmt.Sprintf(txtCSVStarted, name, len(rs))), nil
}
