-- the source's latest crawl since $since that looked for a REST API: did it find one?
with outcomes as (
    select
        started_at,
        json_extract_string(crawl_stats, '$."trawl/rest_api"') is not null as found,
        json_extract_string(crawl_stats, '$."trawl/rest_api/absent"') is not null as absent
    from run_sources
    where source = $source and started_at >= $since
)
select started_at, found, absent
from outcomes
where found or absent
order by started_at desc
limit 1;
