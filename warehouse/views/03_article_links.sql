-- the links of each current article's body: one row per article and link
create or replace view article_links as
with current_docs as (
    select distinct doc_id
    from page_versions
    where valid_to is null
),
links as (
    select d.doc_id, d.first_source as source, d.first_url as url, unnest(d.links) as link
    from documents as d
    inner join current_docs using (doc_id)
),
final as (
    select
        doc_id,
        source,
        url,
        link,
        split_part(split_part(link, '://', 2), '/', 1) as link_host,
        split_part(split_part(link, '://', 2), '/', 1) <> split_part(split_part(url, '://', 2), '/', 1) as external
    from links
)
select * from final;
