// Command roomdesk is the operations console for Tencent Cloud TUILiveKit
// live rooms. See README.md; the subcommands live in internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // IANA zone names (ROOMDESK_TIMEZONE, users' zones) work in a scratch container

	"github.com/roomdesk/roomdesk/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, cli.DefaultEnv())
	stop()
	os.Exit(code)
}
