// Command deskbot is the chatbot of the online eligibility confirmation desk: the HTTP
// server (`deskbot serve`), a terminal conversation (`deskbot chat`) and the desk's tools.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}
