package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

type getOnly struct{}

func (getOnly) Register(e *echo.Echo) {
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok body") })
}

// HEAD is answered wherever GET is (RFC 9110 9.3.2): monitors and link
// checkers use it, and a 404 for a HEAD /healthz reads as "down". The body
// is not sent.
func TestHeadAnswersLikeGet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, ln, New(getOnly{}, Options{}), Options{}, slog.New(slog.DiscardHandler)) }()
	defer func() { cancel(); <-done }()
	url := "http://" + ln.Addr().String()
	resp, err := http.Head(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD /healthz: %d, want 200", resp.StatusCode)
	}
	// The raw answer carries no body (net/http's client would hide one).
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	raw, _ := io.ReadAll(conn)
	if strings.Contains(string(raw), "ok body") {
		t.Errorf("HEAD sent a body:\n%s", raw)
	}
}
