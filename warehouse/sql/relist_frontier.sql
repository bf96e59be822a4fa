-- URLs discovery merely listed again (no request this run; the row exists and is past `new`):
-- `transforms.frontier.observe` only moves their discovery columns, so this is that move as one
-- statement: last seen now, listed as the inventory says, the newest lastmod and its channel
update frontier as f
set
    last_seen_at = case when s.discovered then s.at else f.last_seen_at end,
    listed = coalesce(s.listed, f.listed),
    lastmod = case
        when s.lastmod > f.lastmod or (f.lastmod is null and s.lastmod is not null) then s.lastmod
        else f.lastmod
    end,
    lastmod_via = case
        when s.lastmod > f.lastmod or (f.lastmod is null and s.lastmod is not null) then s.lastmod_via
        else f.lastmod_via
    end
from batch as s
where f.source = s.source and f.url = s.url and f.state <> 'new'
returning f.url;
