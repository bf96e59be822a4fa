insert into block_pages
select source, pages, seen_at as updated_at
from batch
on conflict (source) do update set
    pages = block_pages.pages + excluded.pages,
    updated_at = excluded.updated_at;
