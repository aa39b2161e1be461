"""The ops wing: whole-database backups (``backups``) and synthetic demo data for the
benchmarks (``demo``)."""
