-- unfinished runs too old to be completed: mark them, so they are never resumed
update runs set status = 'abandoned' where status = 'running' and started_at < $since;
