-- after a complete sitemap inventory: pages it no longer lists are not listed any more
update frontier as f
set listed = false
where f.source = $source and f.listed and f.url not in (select url from listed_now);
