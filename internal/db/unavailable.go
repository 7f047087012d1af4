package db

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable is what callers see, wrapped, when the database could not
// be reached (errors.Is(err, ErrUnavailable) via Unavailable).
var ErrUnavailable = errors.New("database unavailable, try again")

// IsUnavailable reports whether err means the database connection was lost
// or refused (a restart, a terminated backend, a network fault), as opposed
// to a bad query or a constraint: the kind of error that says nothing about
// the request and that a retry on a fresh connection may not see.
//
// database/sql drops a connection that failed this way before it is used
// again (pgx marks it closed; its ResetSession answers ErrBadConn), and
// pings one that sat idle over a second. What is left is the first use of
// each pooled connection that died while busy or just before: handlers
// retry a safe request once, and otherwise answer 503, never 500.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now (the server is starting).
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// pgconn reports a connection it already knows is dead as "conn closed".
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "broken pipe") || strings.HasSuffix(msg, "EOF")
}
