"""The ops wing: whole-database backups (``backups``) and synthetic demo data for the
benchmarks (``demo``, with its indicators and their series in ``demo_series``)."""
