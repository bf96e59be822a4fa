-- the warehouse for analysts: full-text search terms, near-duplicate index and clusters,
-- quality checks, and the ready views (versions, daily counts, source health, clusters).

-- how the words of each language become index terms: a Snowball stemmer of DuckDB's fts
-- extension, accents folded or not, and how many stemming passes (see search_stem below)
create table search_languages (
    language      varchar primary key,   -- ISO 639-1 code, as detected on the text
    stemmer       varchar not null,      -- a stemmer of DuckDB's fts extension ('none' for none)
    strip_accents boolean not null,      -- fold accents, so that educacao finds educação
    passes        integer not null       -- 2: index the stem of the stem too (Russian), else 1
);

insert into search_languages values
    ('ru', 'russian', false, 2),
    ('pt', 'portuguese', true, 1),
    ('en', 'english', true, 1),
    ('es', 'spanish', true, 1),
    ('fr', 'french', true, 1),
    ('it', 'italian', true, 1),
    ('de', 'german', true, 1),
    ('nl', 'dutch', true, 1),
    ('ca', 'catalan', true, 1),
    ('ro', 'romanian', true, 1),
    ('sv', 'swedish', true, 1),
    ('da', 'danish', true, 1),
    ('no', 'norwegian', true, 1),
    ('fi', 'finnish', true, 1),
    ('hu', 'hungarian', true, 1),
    ('tr', 'turkish', true, 1),
    ('lt', 'lithuanian', true, 1),
    ('id', 'indonesian', true, 1),
    ('sr', 'serbian', true, 1),
    ('el', 'greek', true, 1),
    ('ar', 'arabic', false, 1);

-- a word as the index stores it: lower case, accents folded where the language allows
-- (Russian keeps й; ё is written е), then stemmed. With passes = 2 (Russian) the stem of the
-- stem is kept too, and two words match when any of their stems meet: Snowball cuts the -ов
-- of a nominative surname (Удальцов -> удальц) but leaves it in the other cases
-- (Удальцову -> удальцов -> удальц), and a second pass alone would cut too deep elsewhere.
create macro search_fold(word, strip) as
    case when strip then strip_accents(lower(word)) else replace(lower(word), 'ё', 'е') end;

create macro search_stem(word, stemmer, strip) as stem(search_fold(word, strip), stemmer);

create macro search_stems(word, stemmer, strip, passes) as
    case
        when passes >= 2 and stem(search_stem(word, stemmer, strip), stemmer) <> search_stem(word, stemmer, strip)
            then [search_stem(word, stemmer, strip), stem(search_stem(word, stemmer, strip), stemmer)]
        else [search_stem(word, stemmer, strip)]
    end;

-- where in body the first word starting with one of the stems begins (0: none); folding
-- keeps character positions, so the position holds in the original text
create macro search_first_match(body, stems, strip) as
    coalesce(list_min(list_filter(
        list_transform(stems, s -> strpos(' ' || regexp_replace(search_fold(body, strip), '[^\pL\pN]', ' ', 'g'), ' ' || s)),
        p -> p > 0
    )), 0);

-- about 240 characters of body from 80 before position pos, the word at pos marked **like this**
create macro search_snippet_at(body, pos, word) as
    replace(
        case
            when pos = 0 then substr(body, 1, 240) || case when length(body) > 240 then '…' else '' end
            else
                case when pos > 81 then '…' else '' end
                || substr(body, greatest(pos - 80, 1), pos - greatest(pos - 80, 1))
                || '**' || word || '**'
                || substr(body, pos + length(word), greatest(pos - 80, 1) + 240 - pos - length(word))
                || case when greatest(pos - 80, 1) + 240 <= length(body) then '…' else '' end
        end,
        chr(10), ' '
    );

create macro search_snippet_from(body, pos) as
    search_snippet_at(body, pos, regexp_extract(substr(body, greatest(pos, 1)), '^[\pL\pN]+'));

-- a snippet of body around the first word that starts with one of the query's stems
create macro search_snippet(body, stems, strip) as
    search_snippet_from(body, search_first_match(body, stems, strip));

-- the input of the fts index: each document's title and text as terms "<language>_<stem>",
-- so one index serves every language and a term only ever matches its own language
create table search_documents (
    doc_id     varchar primary key,
    language   varchar not null,          -- the document's language, 'und' when unknown
    title      varchar not null,          -- index terms of the title
    body       varchar not null,          -- index terms of the text
    indexed_at timestamptz not null
);

-- MinHash/LSH parameters in force (one row); a change re-bands the stored signatures
create table minhash_params (
    params_id     integer primary key,    -- always 1
    threshold     double not null,        -- Jaccard similarity from which two texts are near-duplicates
    num_perm      integer not null,       -- hash functions per signature
    shingle_words integer not null,       -- words per shingle
    seed          integer not null,       -- seed of the hash functions
    bands         integer not null,       -- LSH bands ...
    rows          integer not null,       -- ... of this many signature values each
    updated_at    timestamptz not null
);

create table minhash_signatures (
    doc_id      varchar primary key,
    shingles    integer not null,         -- distinct word shingles of the text
    signature   blob not null,            -- num_perm minima, little-endian uint32
    computed_at timestamptz not null
);

-- one row per document and band: documents sharing a (band, bucket) are candidates
create table minhash_bands (
    doc_id varchar not null,
    band   smallint not null,
    bucket ubigint not null
);

-- confirmed near-duplicates: exact Jaccard similarity of the shingle sets >= the threshold
create table near_duplicate_pairs (
    doc_a    varchar not null,            -- the smaller doc_id of the pair
    doc_b    varchar not null,
    jaccard  double not null,             -- exact, over the word shingles
    found_at timestamptz not null,
    run_id   varchar,                     -- the run whose load found the pair
    primary key (doc_a, doc_b)
);

-- connected components of the pairs; a cluster is named by its smallest doc_id
create table near_duplicate_clusters (
    doc_id     varchar primary key,
    cluster_id varchar not null,
    updated_at timestamptz not null
);

-- data-quality checks, per run and source
create table quality_checks (
    run_id     varchar not null,
    source     varchar not null,
    check_name varchar not null,          -- empty_or_discarded_share, missing_title_or_date_share, ...
    value      double,                    -- the measured value (null when skipped)
    threshold  double not null,           -- the limit from the sources file
    status     varchar not null,          -- ok | warning | skipped
    detail     varchar,
    checked_at timestamptz not null,
    primary key (run_id, source, check_name)
);

-- every version of every page, with its content's metadata and how it grew
create view versions as
with history as (
    select
        p.source,
        p.url,
        p.version,
        p.valid_from,
        p.valid_to,
        p.valid_to is null as is_current,
        p.doc_id,
        d.title,
        d.published_at,
        d.modified_at,
        d.word_count,
        d.word_count - lag(d.word_count) over (partition by p.source, p.url order by p.version) as words_added,
        p.run_id,
        p.fetched_url
    from page_versions as p
    inner join documents as d using (doc_id)
)
select * from history;

-- current articles per day (of publication, else of first sight), source and language
create view daily_counts as
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
    group by all
)
select * from final;

-- per source: the last run, what it fetched, how extraction went, how fresh the source is
create view source_health as
with last_run as (
    select source, max(run_id) as run_id       -- run ids sort by their start time
    from run_sources
    group by source
),
last_success as (
    select source, max(run_id) as run_id, max(finished_at) as finished_at
    from run_sources
    where status = 'ok'
    group by source
),
article_fetches as (
    select
        f.source,
        count(*) filter (where f.status = 200) as fetched,
        count(*) filter (where f.status = 304) as not_modified,
        count(*) filter (where f.status in (401, 403, 407, 429, 451) or f.error like 'IgnoreRequest%') as blocked,
        count(*) filter (
            where (f.status is null or f.status >= 400)
            and not (coalesce(f.status in (401, 403, 407, 429, 451), false) or coalesce(f.error like 'IgnoreRequest%', false))
        ) as failed
    from fetches as f
    inner join last_run as l on f.source = l.source and f.run_id = l.run_id
    where f.role = 'article'
    group by f.source
),
empty_share as (
    select q.source, q.value as empty_or_discarded_share
    from quality_checks as q
    inner join last_run as l on q.source = l.source and q.run_id = l.run_id
    where q.check_name = 'empty_or_discarded_share'
),
warnings as (
    select q.source, list(q.check_name order by q.check_name) as warnings
    from quality_checks as q
    inner join last_run as l on q.source = l.source and q.run_id = l.run_id
    where q.status = 'warning'
    group by q.source
),
newest as (
    select source, max(valid_from) as last_new_article_at
    from page_versions
    where version = 1
    group by source
),
final as (
    select
        s.source,
        l.run_id as last_run_id,
        rs.status as last_status,
        rs.error as last_error,
        ok.run_id as last_success_run_id,
        ok.finished_at as last_success_at,
        coalesce(a.fetched, 0) as fetched,
        coalesce(a.not_modified, 0) as not_modified,
        coalesce(a.failed, 0) as failed,
        coalesce(a.blocked, 0) as blocked,
        rs.extracted,
        rs.discarded,
        round(rs.discarded / nullif(rs.extracted + rs.discarded, 0), 4) as discarded_share,
        e.empty_or_discarded_share,
        n.last_new_article_at,
        round(date_diff('second', n.last_new_article_at, now()) / 86400.0, 2) as days_since_new_article,
        coalesce(w.warnings, []) as warnings
    from sources as s
    left join last_run as l on s.source = l.source
    left join run_sources as rs on l.source = rs.source and l.run_id = rs.run_id
    left join last_success as ok on s.source = ok.source
    left join article_fetches as a on s.source = a.source
    left join empty_share as e on s.source = e.source
    left join warnings as w on s.source = w.source
    left join newest as n on s.source = n.source
)
select * from final;

-- confirmed near-duplicate pairs of current articles, with both titles and URLs
create view near_duplicates as
with final as (
    select
        p.jaccard,
        a.title as title_a,
        b.title as title_b,
        a.sources as sources_a,
        b.sources as sources_b,
        a.urls as urls_a,
        b.urls as urls_b,
        p.doc_a,
        p.doc_b,
        p.found_at
    from near_duplicate_pairs as p
    inner join articles as a on p.doc_a = a.doc_id
    inner join articles as b on p.doc_b = b.doc_id
)
select * from final;

-- duplicate clusters of current articles: one text on several pages ('exact'), or several
-- texts that are near-duplicates of each other ('near'), with every page's URL
create view duplicate_clusters as
with members as (
    select c.cluster_id, a.doc_id
    from near_duplicate_clusters as c
    inner join articles as a using (doc_id)
    union all
    select a.doc_id as cluster_id, a.doc_id
    from articles as a
    anti join near_duplicate_clusters as c using (doc_id)
    where len(a.urls) > 1
),
pages as (
    select m.cluster_id, m.doc_id, p.source, p.url, p.valid_from
    from members as m
    inner join page_versions as p on m.doc_id = p.doc_id and p.valid_to is null
),
similarity as (
    select c.cluster_id, min(p.jaccard) as min_jaccard
    from near_duplicate_pairs as p
    inner join near_duplicate_clusters as c on p.doc_a = c.doc_id
    group by c.cluster_id
),
final as (
    select
        p.cluster_id,
        case when count(distinct p.doc_id) > 1 then 'near' else 'exact' end as kind,
        count(distinct p.doc_id) as documents,
        count(*) as pages,
        list(distinct p.source order by p.source) as sources,
        list(p.url order by p.valid_from, p.source, p.url) as urls,
        list(distinct d.title order by d.title) as titles,
        coalesce(min(s.min_jaccard), 1.0) as min_jaccard,
        min(d.first_seen_at) as first_seen_at
    from pages as p
    inner join documents as d using (doc_id)
    left join similarity as s using (cluster_id)
    group by p.cluster_id
    having count(*) > 1
)
select * from final;

-- the checks that warned, newest run first
create view quality_warnings as
select q.run_id, r.started_at, q.source, q.check_name, q.value, q.threshold, q.detail
from quality_checks as q
left join runs as r using (run_id)
where q.status = 'warning';

-- the rows `trawl export` writes: current articles with their month, optionally since a
-- date and of one source (any of the sources showing the text)
create macro export_articles(since, only_source) as table
with final as (
    select
        a.*,
        strftime(coalesce(a.published_at, a.first_seen_at), '%Y-%m') as month
    from articles as a
    where
        (since is null or coalesce(a.published_at, a.first_seen_at) >= since)
        and (only_source is null or list_contains(a.sources, only_source))
)
select * from final;
