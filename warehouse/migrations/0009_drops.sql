-- one place for what a run dropped, stage by stage, as (stage, reason, url): an article URL
-- discovery found and left for a later run (`discover`: over_budget), an article fetch that got no
-- usable answer (`fetch`: `http 404`, `TimeoutError`...), a page extraction discarded (`extract`:
-- not_article, too_short, timeout... with the page's text when it had one), a date candidate the
-- sanity rules rejected (`dates`: rejected_date, the candidate and why in `detail`). The run
-- report, `discards`, `date_issues` and the quality checks all read these rows.
create table drops (
    run_id varchar not null,
    source varchar not null,
    stage  varchar not null,            -- discover | fetch | extract | dates
    reason varchar not null,
    url    varchar not null,
    detail varchar not null default '', -- the error, the discard's detail, the rejected date and why
    text   varchar,                     -- extract: the discarded page's text, when it had one
    primary key (run_id, source, stage, url, reason, detail)
);

insert into drops
select run_id, source, 'extract', reason, url, coalesce(detail, ''), text from discards
on conflict do nothing;

insert into drops
select run_id, source, 'dates', 'rejected_date', url, issue, null from date_issues
on conflict do nothing;

drop table discards;
drop table date_issues;

-- the run report's fetch failures by reason, and the requests the site refused (401/403/429/451)
alter table run_sources add column failed_reasons varchar;   -- JSON {reason: count} of `fetch` drops
alter table run_sources add column blocked integer default 0;
