-- pages are not articles: each document is an 'article' (a post) or a 'page' (about, history, how
-- to join...), told apart by transforms/kind.py, the signal that decided in provenance->>'kind'.
-- `articles` keeps the articles, the new `pages` (same columns) the pages; the view that was
-- called `pages` (every known page URL with its crawl state) is now `page_states`.

alter table documents add column kind varchar default 'article';

-- every current document of either kind, with the URLs showing it: `articles` and `pages` are its two halves
create view current_documents as
with current_pages as (
    select source, url, doc_id, valid_from
    from page_versions
    where valid_to is null
),
urls as (
    select
        doc_id,
        list(url order by valid_from, source, url) as urls,
        list(distinct source order by source) as sources
    from current_pages
    group by doc_id
),
final as (
    select
        d.doc_id,
        d.first_source as source,
        d.first_url as url,
        u.urls,
        u.sources,
        d.title,
        d.authors,
        d.published_at,
        d.modified_at,
        d.language,
        d.language_confidence,
        d.categories,
        d.tags,
        d.images,
        d.canonical_url,
        d.site_name,
        d.description,
        d.word_count,
        d.text,
        d.markdown,
        d.content_hash,
        d.normalizer_version,
        d.provenance,
        d.first_seen_at,
        coalesce(d.kind, 'article') as kind
    from documents as d
    inner join urls as u using (doc_id)
)
select * from final;

create or replace view articles as
select * exclude (kind) from current_documents where kind = 'article';

drop view pages;

create view pages as
select * exclude (kind) from current_documents where kind = 'page';

-- every known page URL with its crawl state (from `frontier`) and the version it shows now
create view page_states as
with current_versions as (
    select source, url, version, doc_id
    from page_versions
    where valid_to is null
),
final as (
    select
        f.source,
        f.url,
        f.page_url,
        f.state,
        c.doc_id,
        c.version,
        f.first_seen_at,
        f.last_seen_at,
        f.last_fetched_at,
        f.last_changed_at,
        f.gone_at,
        f.next_due_at,
        f.last_status,
        f.failures,
        f.listed,
        f.lastmod
    from frontier as f
    left join current_versions as c on c.source = f.source and c.url = f.page_url
)
select * from final;

-- current articles per day (of publication, else of first sight), source and language: pages left out
create or replace view daily_counts as
with current_pages as (
    select distinct source, doc_id
    from page_versions
    where valid_to is null
),
final as (
    select
        cast(coalesce(d.published_at, d.first_seen_at) as date) as day,
        p.source,
        coalesce(d.language, 'und') as language,
        count(*) as articles,
        cast(sum(d.word_count) as bigint) as words
    from current_pages as p
    inner join documents as d using (doc_id)
    where coalesce(d.kind, 'article') = 'article'
    group by all
)
select * from final;
