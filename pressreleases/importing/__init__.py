"""Turn scraped press-release pages (plain text in the seed's form, or saved HTML) into
releases, quotes, speakers and their appointments.

`parsing` reads a page into a plain `ParsedPage`; `quotes` finds every quotation and who said it,
from the text alone; `resolving` maps names to the taxonomy, organisations and people;
`importer` writes one page per transaction and reports what happened.
"""
