package store

import (
	"time"

	"deskbot/bot"
)

// Receipt numbers (R-YYYYMMDD-NNNN) must never repeat, even when Redis loses its data: a
// flush, a restart without persistence, a failover to a replica that lagged. A counter in
// Redis alone cannot promise that, so each number is also at least ReceiptFloor of the
// time it is drawn — a tenth of the seconds since midnight in Japan, so a counter that
// comes back empty at 10:00 starts above 3600, past every number a day of ordinary
// traffic (fewer than one report each ten seconds since the first) had reached — and above
// the last number this process drew for the day, which closes the ten seconds around a
// loss. The four digits hold a day of that: 8,640 tenths, with room for bursts.

// receiptResolution is the time one receipt number stands for in the floor.
const receiptResolution = 10 * time.Second

// ReceiptFloor is the lowest receipt number drawn at now for day (YYYYMMDD in Japan
// time): now's tenths of seconds since midnight in Japan when now is in day, else 0 (a
// day already past, or a clock set for a rehearsal).
func ReceiptFloor(day string, now time.Time) int64 {
	j := now.In(bot.JST)
	if j.Format("20060102") != day {
		return 0
	}
	midnight := time.Date(j.Year(), j.Month(), j.Day(), 0, 0, 0, 0, bot.JST)
	return int64(j.Sub(midnight) / receiptResolution)
}
