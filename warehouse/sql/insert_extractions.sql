insert into extractions (
    source, url, raw_hash, run_id, extracted_at, record, words, missing_metadata, future_dates
)
select
    source,
    url,
    raw_hash,
    run_id,
    extracted_at,
    record::json,
    -- runs of letters and digits: each replaced by one character, against none (a list of every
    -- word would cost ~80 MB per 500 pages)
    length(regexp_replace(text, '[\pL\pN]+', 'w', 'g')) - length(regexp_replace(text, '[\pL\pN]+', '', 'g')),
    missing_metadata,
    future_dates
from batch
on conflict do nothing;
