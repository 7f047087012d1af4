package catalogue_test

import (
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

var auditActor = audit.Actor{Name: "olga", Role: "operator"}

func auditStore(t *testing.T) audit.Store { return sqlstore.New(dbtest.Open(t, db.SQLite)) }
