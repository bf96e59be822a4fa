-- every source with its name, when it last got a new article, and its open warnings
select
    s.source,
    s.name,
    s.url,
    h.last_success_at,
    h.last_new_article_at,
    h.days_since_new_article,
    h.warnings
from sources as s
left join source_health as h using (source)
order by s.source
