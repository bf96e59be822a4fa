-- a source's block counts, and over how many pages they were counted
with counted as (
    select count(*) as source_pages
    from block_pages
    where source = $source
)
select b.block_key, b.pages, b.body_pages, b.line, c.source_pages
from block_counts as b, counted as c
where b.source = $source
order by b.block_key;
