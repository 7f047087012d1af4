-- Live roomdesk instances on this database, so each can pace itself at its
-- share of Tencent's per-app quota. Rows are heartbeats: mutable, and not
-- part of the audit log.
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    started_us   BIGINT NOT NULL,
    heartbeat_us BIGINT NOT NULL
);
