"""The reading kit every source uses: one module per concept, imported by name.

- `tabular` — bytes to rows: text encodings, CSV dialects, workbooks;
- `sniff` — the head of a file that detection looks at;
- `headers` — header rows: `norm`, `HeaderMap`, `find_header_row`, `find_sheet`;
- `table` — the one table reader: header, data rows, blanks and totals, typed columns;
- `cells` — totals, blanks, numbers, ids, text, e-mail hashes;
- `dates`, `stamps`, `times` — days, year-less date-times, local and offset date-times;
- `accounts` — whose export it is, and what the workspace knows of that account;
- `countries` — country names in three languages to ISO codes;
- `social` — detection and id recovery shared by social exports;
- `ads` — the campaign / ad group / ad x day report of ads managers.

See docs/sources/README.md. The kit imports only `socialroi.sources.base`, the model, the
errors, `socialroi.unify.fx` and `socialroi.model.periods`: never a source.
"""
