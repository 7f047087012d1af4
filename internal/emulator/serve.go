package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ListenAndServe runs an emulator for cfg on addr (e.g. "127.0.0.1:9090")
// until ctx ends, then shuts down gracefully. It is the runnable piece of
// `roomdesk emulator`.
func ListenAndServe(ctx context.Context, addr string, cfg Config, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("emulator: listen: %w", err)
	}
	return Serve(ctx, ln, New(cfg), logger)
}

// Serve answers on ln with e until ctx ends. Taking a listener lets tests
// and e2e setups bind port 0 and read the real address first. Serve closes
// ln.
func Serve(ctx context.Context, ln net.Listener, e *Emulator, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("emulator listening", "addr", ln.Addr().String(), "sdkappid", e.cfg.SDKAppID,
		"admin", e.cfg.Admin, "rooms", e.Rooms(), "control", e.cfg.Control)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("emulator: serve: %w", err)
	case <-ctx.Done():
	}
	// Shutdown waits for in-flight calls, which SetLatency can stretch; a
	// bounded wait keeps Ctrl-C responsive.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		err = errors.Join(err, serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("emulator: shutdown: %w", err)
	}
	logger.Info("emulator stopped")
	return nil
}
