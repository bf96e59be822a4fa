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
