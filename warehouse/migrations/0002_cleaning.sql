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
