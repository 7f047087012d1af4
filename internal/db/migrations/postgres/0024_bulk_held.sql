-- A job is stored held (1) until its bulk.create or bulk.retry entry is in
-- the audit log; runners of every instance pass held jobs over, so no job
-- starts before the log knows of it. If that entry cannot be written the
-- job is removed (nothing of it ran); a job left held by a creator that
-- stopped in between is cancelled by a runner after ten minutes, audited.
ALTER TABLE bulk_jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
