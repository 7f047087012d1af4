package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/audittest"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

func TestContract(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			audittest.Run(t, func(t *testing.T) (audit.Store, *db.DB) {
				conn := dbtest.Open(t, d)
				return sqlstore.New(conn), conn
			})
		})
	}
}

// TestPrefixLookups runs the filter cases with room and operator prefixes
// read through the names' indexes for no prefix (the log walked always),
// for some (the fixture's rooms have more rows than 20, some operators
// fewer) and for all of them.
func TestPrefixLookups(t *testing.T) {
	for _, rare := range []int{0, 20, 1_000_000} {
		for _, d := range dbtest.Dialects {
			t.Run(fmt.Sprintf("%s/rare %d", d, rare), func(t *testing.T) {
				defer sqlstore.SetRareRows(rare)()
				audittest.RunFilters(t, func(t *testing.T) (audit.Store, *db.DB) {
					conn := dbtest.Open(t, d)
					return sqlstore.New(conn), conn
				})
			})
		}
	}
}

// TestInstances runs two stores on two connection pools to one database,
// as two roomdesk processes would.
func TestInstances(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			audittest.RunInstances(t, func(t *testing.T) (audit.Store, audit.Store) {
				opts := db.Options{DataDir: t.TempDir()}
				if d == db.Postgres {
					opts.URL = dbtest.NewPostgresDatabase(t)
				}
				return sqlstore.New(open(t, opts)), sqlstore.New(open(t, opts))
			})
		})
	}
}

func open(t *testing.T, opts db.Options) *db.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatalf("db.Open: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
