package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the console on ROOMDESK_ADDR for /healthz. It exists for
// Docker's HEALTHCHECK: the distroless image has no curl or shell.
func healthcheck(ctx context.Context, env Env) error {
	cfg, err := loadConfig(nil, env)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("ROOMDESK_ADDR: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not healthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not healthy: HTTP %d", resp.StatusCode)
	}
	fmt.Fprintln(env.Stdout, "ok")
	return nil
}
