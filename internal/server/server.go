// Package server builds the Echo application and runs it with the timeouts
// and graceful shutdown a console facing browsers needs. It keeps Echo out of
// main and out of the services.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"
)

// Options tune the HTTP server.
type Options struct {
	// TrustedProxies are the networks whose X-Forwarded-* headers are
	// believed: X-Forwarded-For for the client IP the audit log records and
	// the sign-in throttle counts, X-Forwarded-Proto for HTTPS (HSTS, Secure
	// cookies). Empty: the TCP peer is the client, and no one's forwarded
	// headers are believed.
	TrustedProxies []netip.Prefix
	// ShutdownTimeout bounds how long in-flight requests may finish.
	ShutdownTimeout time.Duration
}

// Routes installs the routes and middleware on an Echo app;
// (*handlers.Handlers).Register is the one the console uses. Taking it as a
// value keeps this package from importing the handlers: only the
// composition root (internal/app) knows both.
type Routes interface{ Register(*echo.Echo) }

// New returns the Echo app with every route and middleware of r installed.
func New(r Routes, opts Options) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Pre(dropUntrustedForwarded(opts.TrustedProxies))
	e.IPExtractor = ipExtractor(opts.TrustedProxies)
	e.SchemeExtractor = schemeExtractor(opts.TrustedProxies)
	r.Register(e)
	return e
}

func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	return echo.ExtractIPFromXFFHeader(trustOnly(trusted)...)
}

func schemeExtractor(trusted []netip.Prefix) echo.SchemeExtractor {
	if len(trusted) == 0 {
		return echo.ExtractSchemeDirect()
	}
	return echo.ExtractSchemeFromHeaders(trustOnly(trusted)...)
}

// trustOnly is Echo's trust options for exactly the configured networks:
// Echo would otherwise also trust every loopback, link-local and private
// peer.
func trustOnly(trusted []netip.Prefix) []echo.TrustOption {
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{
			IP: n.Addr().AsSlice(), Mask: net.CIDRMask(n.Bits(), n.Addr().BitLen()),
		}))
	}
	return opts
}

// Run serves on ln until ctx is cancelled, then stops accepting and lets
// in-flight requests finish (up to ShutdownTimeout).
func Run(ctx context.Context, ln net.Listener, handler http.Handler, opts Options, logger *slog.Logger) error {
	if opts.ShutdownTimeout == 0 {
		opts.ShutdownTimeout = 15 * time.Second
	}
	srv := &http.Server{
		Handler:           headAsGet(handler),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Exports stream for as long as they take; the write deadline is
		// per response, so it is generous rather than absent.
		WriteTimeout:   10 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", opts.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// headAsGet routes HEAD like GET (Echo does not: every page, /healthz
// included, answered HEAD with 404 or 405; RFC 9110 wants HEAD wherever GET
// is). The handler gets a GET clone; the connection keeps the original
// HEAD request, so net/http still drops the body.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			g := r.Clone(r.Context())
			g.Method = http.MethodGet
			r = g
		}
		next.ServeHTTP(w, r)
	})
}
