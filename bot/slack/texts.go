package slack

// The desk's words in Slack, in one place. Desk staff read them, not clinics, so they are
// not among the clinic's conversation texts in flows/kb; the labels of categories and
// facility types do come from there (Config.Labels).
const (
	txtReportTitle    = "障害報告 %s"
	txtReportFallback = "障害報告 %s：%s（%s）"
	txtFacility       = "施設名"
	txtPrefecture     = "都道府県"
	txtCode           = "医療機関コード"
	txtFacilityType   = "施設の種類"
	txtContact        = "連絡先"
	txtReceived       = "受付日時"
	txtDetails        = "詳細"
	txtAnswers        = "障害ごとの補足"
	txtChecklist      = "見積チェックリストの回答"
	txtNone           = "—"
	txtStatus         = "状態：*%s*"
	txtStatusLine     = "%s — <@%s> %s"
	txtStatusEarlier  = "（ほか %d 件の変更）"
	txtThreadGoesLINE = "このスレッドへの返信は LINE でクリニックに届きます。"

	txtHandoffTitle    = "窓口への相談"
	txtHandoffFallback = "窓口への相談：%s"
	txtHandoffQuestion = "クリニックの質問"
	txtHandoffFooter   = "会話 %s ・ %s ・ " + txtThreadGoesLINE
	txtClinicSays      = "クリニックより"
	txtClinicFallback  = "クリニックより：%s"
	txtHandoffClosed   = "クリニックが相談を終了しました（%s）。"

	txtHandoffCloseButton = "相談を終了"

	txtLINEBlocked     = "LINEに届きませんでした：ブロックされています（クリニックが公式アカウントをブロックしたか、友だちから削除しました）。別の方法でご連絡ください。"
	txtLINERefused     = "LINEに届きませんでした：LINEが受け付けませんでした（HTTP %s）。"
	txtLINEExpired     = "LINEに届きませんでした：長時間LINEにつながりませんでした。別の方法でご連絡ください。"
	txtFileText        = "添付ファイルはLINEに送れないため、本文だけをクリニックに届けました。ファイルの内容は文章でお送りください。"
	txtFileOnly        = "添付ファイルはLINEに送れないため、クリニックには何も届いていません。内容を文章でお送りください。"
	txtHandoffClosedBy = "<@%s> が相談を終了しました（%s）。クリニックにお知らせしました。"

	txtTotalsTitle    = "集計 %s：%d 件"
	txtByCategory     = "障害の種類別（複数選択は重複して数えます）"
	txtByPrefecture   = "都道府県別"
	txtByStatus       = "状態別"
	txtOpenTitle      = "未解決の報告 %s：%d 件"
	txtOpenNone       = "未解決の報告はありません（%s）。"
	txtOpenMore       = "ほか %d 件は CSV でご覧ください（`/deskbot csv`）。"
	txtCSVStarted     = "CSV（%s、%d 件）を作成してこのチャンネルにアップロードします。"
	txtCSVComment     = "<@%s> の依頼で報告の CSV を出力しました（%s、%d 件）。Excel でそのまま開けます。"
	txtCSVFailed      = "CSV のアップロードに失敗しました。しばらくしてからもう一度お試しください。"
	txtChartsStarted  = "グラフ（%s、%d 件）を作成してこのチャンネルにアップロードします。"
	txtChartsComment  = "<@%s> の依頼で報告のグラフを作成しました（%s、%d 件）。"
	txtChartsFailed   = "グラフのアップロードに失敗しました。しばらくしてからもう一度お試しください。"
	txtDigestComment  = "週次ダイジェスト（%s）：報告 %d 件（%s）。"
	txtCommandFailed  = "処理できませんでした。しばらくしてからもう一度お試しください。"
	txtWrongChannel   = "このコマンドとボタンは窓口チャンネル（<#%s>）でだけ使えます。"
	txtWrongWorkspace = "このワークスペースからは使えません。"
	txtBadPeriod      = "期間がわかりませんでした：%s"
	txtUsage          = "使い方：\n• `%[1]s 集計 [期間]` — 障害の種類別・都道府県別の件数\n• `%[1]s 一覧 [期間]` — 未解決の報告\n• `%[1]s csv [期間]` — 報告の CSV をこのチャンネルに\n• `%[1]s グラフ [期間]` — 報告のグラフをこのチャンネルに\n期間の例：`2022-11`、`2022-11-01`、`2022-11-01 2022-11-30`、`今月`、`先月`、`30日`（省略すると全期間）"
	txtUnknownCommand = "「%s」はわかりませんでした。\n"
)

// The fields of where a clinic was when it asked for a person.
const (
	txtContextFlow     = "相談時の手続き"
	txtContextQuestion = "そのときの質問"
	txtContextAnswers  = "回答済みの項目数"
)
