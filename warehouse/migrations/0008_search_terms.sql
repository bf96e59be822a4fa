-- the index terms of a text: "<language>_<stem>" for every word (letters and digits), space-separated;
-- title and body of `search_documents` are both made by it
create macro search_terms(body, language, stemmer, strip, passes) as
array_to_string(
    flatten(list_transform(
        regexp_extract_all(lower(body), '[\pL\pN]+'),
        w -> list_transform(search_stems(w, stemmer, strip, passes), s -> language || '_' || s)
    )),
    ' '
);
