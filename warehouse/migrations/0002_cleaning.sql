-- extraction and cleaning: the text of discarded pages, the extraction and cleaning behind each
-- page version (for re-cleaning when a source's boilerplate changes), body links, re-clean counts.

-- what the extractor found on a page it discarded (a static page, a stub), kept for inspection
alter table discards add column text varchar;

-- the extracted text (hash of extractions.raw_hash) a page version was cleaned from, and the
-- cleaning that made its document: a source's boilerplate list and the cleaner's version
alter table page_versions add column raw_hash varchar;
alter table page_versions add column cleaning_version varchar;

-- absolute, canonical URLs the article body links to
alter table documents add column links varchar[];

-- per run and source: pages whose document was rebuilt because the boilerplate list changed,
-- and the cleaning version the source's documents were brought to
alter table run_sources add column recleaned integer default 0;
alter table run_sources add column cleaning_version varchar;

-- the links of each current article's body: one row per article and link
create view article_links as
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

-- each current page with the cleaning that produced its document
create view page_cleaning as
select source, url, version, doc_id, raw_hash, cleaning_version, valid_from, run_id
from page_versions
where valid_to is null;
