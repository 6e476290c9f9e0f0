//go:build race

package faq

// raceEnabled: the race detector makes sync.Pool drop what it is given, so Match allocates.
const raceEnabled = true
