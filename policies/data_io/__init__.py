"""The data_io wing: records as rows.

- ``schema``: one definition per kind of record, its columns and natural key, and the
  read-only columns exports add beside them;
- ``naming``: how a record is named in files (its natural key), and looked up by it;
- ``cells``: one value of a row, read and written (pure);
- ``readers``: the rows of a CSV, XLSX, JSON or YAML file;
- ``keys``: the related records a row names, resolved a few hundred per query;
- ``writing``: a row created or updated by its key, or new rows written in batches;
- ``loads``: the seeds and imports, all or nothing;
- ``rows`` and ``streaming``: records read back as rows and streamed as CSV or JSON.
"""
