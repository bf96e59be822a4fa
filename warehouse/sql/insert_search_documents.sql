-- index terms of the documents not indexed yet: "<language>_<stem>" for every word of title and text
insert into search_documents
with fresh as (
    select d.doc_id, coalesce(d.language, 'und') as language, coalesce(d.title, '') as title, d.text
    from documents as d
    anti join search_documents as s using (doc_id)
),
rules as (
    select
        f.*,
        coalesce(l.stemmer, 'none') as stemmer,
        coalesce(l.strip_accents, true) as strip,
        coalesce(l.passes, 1) as passes
    from fresh as f
    left join search_languages as l using (language)
),
final as (
    select
        doc_id,
        language,
        search_terms(title, language, stemmer, strip, passes) as title,
        search_terms(text, language, stemmer, strip, passes) as body,
        now() as indexed_at
    from rules
)
select doc_id, language, title, body, indexed_at from final;
