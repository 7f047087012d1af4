-- "Retry the failed rooms" (issue 20): a finished job's failed rooms become a
-- new job that points at the first. One retry job per job (a retry job may
-- itself be retried), so a double-clicked button cannot start two.
ALTER TABLE bulk_jobs ADD COLUMN retry_of BIGINT REFERENCES bulk_jobs (id);
CREATE UNIQUE INDEX bulk_jobs_retry_of ON bulk_jobs (retry_of) WHERE retry_of IS NOT NULL;
