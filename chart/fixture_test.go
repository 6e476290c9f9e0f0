package chart

import (
	"fmt"
	"math/rand/v2"
	"time"

	"deskbot/bot"
	"deskbot/japan"
)

// labels are the report flow's, as cmd/deskbot reads them from flows/kb.
var labels = bot.Labels{
	Categories: []bot.Choice{
		{Label: "地域に業者が見つからない", Value: "no-vendor"}, {Label: "見積額が補助金上限より高い", Value: "over-cap"},
		{Label: "保守料が高い", Value: "maintenance"}, {Label: "導入に時間がかかる", Value: "slow"},
		{Label: "適切な回線が見つからない", Value: "network"}, {Label: "その他", Value: "other"},
	},
	FacilityTypes: []bot.Choice{{Label: "診療所", Value: "clinic"}, {Label: "病院", Value: "hospital"}},
	Quote:         []string{"見積額（導入費用）", "導入費用"},
	Start:         []string{"運用開始の見込み", "運用開始"},
}

func jst(y, m, d, h, min, s int) time.Time {
	return time.Date(y, time.Month(m), d, h, min, s, 0, bot.JST)
}

// generated returns n reports spread over 2022-09-01 … 2023-03-31 the way a desk might
// get them: more reports near the deadlines, more from populous prefectures, quotes and
// expected starts as the flows write them, and a status history for some. The same n
// gives the same reports.
func generated(n int) bot.ReportSet {
	rnd := rand.New(rand.NewPCG(16, uint64(n)))
	start := jst(2022, 9, 1, 0, 0, 0)
	span := jst(2023, 4, 1, 0, 0, 0).Sub(start)
	// Weights: more from the big prefectures (JIS codes).
	weighted := []string{"東京都", "東京都", "東京都", "大阪府", "大阪府", "神奈川県", "神奈川県", "愛知県", "埼玉県",
		"千葉県", "兵庫県", "北海道", "福岡県", "静岡県", "広島県", "宮城県", "京都府", "新潟県", "長野県", "岡山県",
		"熊本県", "鹿児島県", "沖縄県", "青森県", "岩手県", "秋田県", "高知県", "島根県", "鳥取県", "", "大坂"}
	cats := []string{"no-vendor", "over-cap", "over-cap", "over-cap", "maintenance", "slow", "slow", "network", "other"}
	set := bot.ReportSet{Name: "テスト", Statuses: map[string][]bot.StatusChange{}, At: jst(2023, 4, 10, 9, 0, 0)}
	for i := range n {
		// Skew towards the later months: the deadlines draw reports.
		f := rnd.Float64()
		created := start.Add(time.Duration((1 - f*f) * float64(span)))
		r := bot.Report{ID: fmt.Sprintf("R-%s-%04d", created.Format("20060102"), i), Created: created,
			Prefecture: weighted[rnd.IntN(len(weighted))], FacilityType: []string{"clinic", "clinic", "clinic", "hospital", ""}[rnd.IntN(5)]}
		for _, c := range []int{rnd.IntN(len(cats)), rnd.IntN(len(cats) * 3)} {
			if c < len(cats) && (len(r.Categories) == 0 || r.Categories[0] != cats[c]) {
				r.Categories = append(r.Categories, cats[c])
			}
		}
		for _, c := range r.Categories {
			switch c {
			case "over-cap":
				base := 300_000 + rnd.IntN(700_000)
				if r.FacilityType == "hospital" {
					base = 1_500_000 + rnd.IntN(1_600_000)
				}
				r.Answers = append(r.Answers, bot.Field{Label: "見積額（導入費用）", Value: japan.Yen(int64(base / 1000 * 1000))})
			case "slow":
				d := created.AddDate(0, 2+rnd.IntN(10), 0)
				r.Answers = append(r.Answers, bot.Field{Label: "運用開始の見込み", Value: japan.Date(d)})
			}
		}
		if rnd.IntN(4) > 0 {
			at := created.Add(time.Duration(rnd.IntN(40*24)) * time.Hour)
			h := []bot.StatusChange{{Status: bot.StatusInProgress, By: "U1", At: created.Add(time.Hour)}}
			if at.Before(set.At) && rnd.IntN(3) > 0 {
				h = append(h, bot.StatusChange{Status: bot.StatusResolved, By: "U2", At: at})
			}
			set.Statuses[r.ID] = h
		}
		set.Reports = append(set.Reports, r)
	}
	return set
}
