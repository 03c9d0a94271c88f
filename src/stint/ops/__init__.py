"""Running Stint at scale: the scheduler, task-backend resilience, structured logs,
request ids, `/metrics`, stale-task recovery and index snapshots. See docs/deploy.md."""
