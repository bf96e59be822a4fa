-- what one run did for one source, as the quality checks need it
with report as (
    select extracted, new_documents, duplicates, started_at
    from run_sources
    where run_id = $run_id and source = $source
),
fresh as (  -- texts first extracted in this run (a page, about or history, has no date by nature)
    select
        count(*) filter (where words < $min_words) as empty,
        count(*) filter (where missing_metadata) as missing_metadata,
        count(*) filter (where future_dates) as future_dates
    from extractions
    where run_id = $run_id and source = $source
),
discarded as (  -- pages that declare themselves no article (about, contact) are expected
    select count(*) as discarded
    from discards
    where run_id = $run_id and source = $source and reason <> 'not_article'
),
earlier as (
    select avg(duplicates / (new_documents + duplicates)) as duplicate_baseline
    from run_sources
    where source = $source and run_id < $run_id and new_documents + duplicates > 0
),
newest as (
    select max(valid_from) as last_new
    from page_versions
    where source = $source and version = 1
),
first_run as (
    select min(started_at) as first_started
    from run_sources
    where source = $source
),
final as (
    select
        coalesce(r.extracted, 0) as extracted,
        d.discarded,
        f.empty,
        f.missing_metadata,
        f.future_dates,
        coalesce(r.new_documents, 0) as new_documents,
        coalesce(r.duplicates, 0) as duplicates,
        e.duplicate_baseline,
        date_diff('second', coalesce(n.last_new, fr.first_started), now()) / 86400.0 as days_since_new
    from fresh as f
    cross join discarded as d
    cross join earlier as e
    cross join newest as n
    cross join first_run as fr
    left join report as r on true
)
select * from final;
