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
    len(regexp_extract_all(text, '[\pL\pN]+')),
    missing_metadata,
    future_dates
from batch
on conflict do nothing;
