-- the source's latest crawl since $since that looked for a REST API: used it (found), probed
-- and found none (absent), or neither (the API failed)
with outcomes as (
    select
        started_at,
        json_extract_string(crawl_stats, '$."trawl/rest_api"') is not null as tried,
        json_extract_string(crawl_stats, '$."trawl/rest_api_failed"') is null as answered,
        json_extract_string(crawl_stats, '$."trawl/rest_api/absent"') is not null as absent
    from run_sources
    where source = $source and started_at >= $since
)
select started_at, tried and answered as found, absent
from outcomes
where tried or absent
order by started_at desc
limit 1;
