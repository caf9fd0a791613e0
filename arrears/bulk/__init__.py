"""The SQL plumbing of the arrears app's bulk writes: ``staging`` (TEMP tables filled by COPY,
set-based checks and upserts), ``side_load`` (side connections that load a large file in
parallel) and ``partitions`` (a month of bills written and swapped in as its partition). The
services call these; nothing here decides a business rule. Import the module you need."""
