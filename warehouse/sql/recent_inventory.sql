-- did a crawl of the source since $since read its complete sitemap inventory?
select count(*) > 0
from run_sources
where source = $source
  and started_at >= $since
  and coalesce(try_cast(json_extract_string(crawl_stats, '$."trawl/inventory_complete"') as boolean), false);
