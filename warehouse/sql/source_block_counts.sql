-- a source's block counts that can be boilerplate (on at least $min_pages pages; a rarer block
-- never is), and over how many pages they were counted
with counted as (
    select count(*) as source_pages
    from block_pages
    where source = $source
)
select b.block_key, b.pages, b.body_pages, b.line, c.source_pages
from block_counts as b, counted as c
where b.source = $source and b.pages >= $min_pages
order by b.block_key;
